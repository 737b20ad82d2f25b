import type { Clock } from '../../application/ports/clock.js';
import type { User, UserRepository } from '../../application/ports/user-repository.js';
import { systemClock } from '../system/system-clock.js';
import { appIdOf, storedAppIds } from './app-id-column.js';
import type { SqlOrm } from './orm.js';
import { UserRecord } from './service-records.js';
import { violatedUniques } from './sql-failure.js';

/**
 * Users in wx_user, one per (appid, openid): that pair is unique (and compared byte for byte: utf8mb4_bin), which
 * settles concurrent logins. A user stored before mini-programs (appid '') is the default mini-program's.
 */
export class MikroUserRepository implements UserRepository {
  constructor(
    private readonly orm: SqlOrm,
    private readonly clock: Clock = systemClock,
    /** The default mini-program's appid: what appid '' reads as, and what a call without an appid means. */
    private readonly defaultAppId = '',
  ) {}

  async findByUid(uid: number): Promise<User | undefined> {
    if (!Number.isSafeInteger(uid)) return undefined;
    const row = await this.orm.em.fork().findOne(UserRecord, { uid }, { disableIdentityMap: true });
    return row ? this.toUser(row) : undefined;
  }

  async findByOpenid(openid: string, appId = this.defaultAppId): Promise<User | undefined> {
    const rows = await this.orm.em
      .fork()
      .find(
        UserRecord,
        { openid, appid: { $in: storedAppIds(appId, this.defaultAppId) } },
        { orderBy: { uid: 'asc' }, disableIdentityMap: true },
      );
    // The oldest: a user from before mini-programs ('') keeps its uid when the default mini-program's appid is named.
    const row = rows.find((r) => r.openid === openid && appIdOf(r.appid, this.defaultAppId) === appId);
    return row ? this.toUser(row) : undefined;
  }

  async list(limit: number, offset: number, appIds?: readonly string[]): Promise<User[]> {
    // The default mini-program's users include those stored before mini-programs (appid '').
    const stored = appIds?.flatMap((appId) => storedAppIds(appId, this.defaultAppId));
    if (stored?.length === 0) return [];
    const rows = await this.orm.em.fork().find(UserRecord, stored ? { appid: { $in: stored } } : {}, {
      orderBy: { uid: 'desc' },
      limit: Math.min(limit, 100),
      offset,
      disableIdentityMap: true,
    });
    return rows.map((row) => this.toUser(row));
  }

  async findOrCreate(openid: string, unionid?: string, appId = this.defaultAppId): Promise<User> {
    const existing = await this.findByOpenid(openid, appId);
    if (existing) return existing;
    try {
      await this.orm.em
        .fork()
        .insert(UserRecord, { appid: appId, openid, unionid: unionid ?? null, createdAt: this.clock.now().getTime() });
    } catch (error) {
      if (!violatedUniques(error)) throw error; // else a concurrent login created it first
    }
    // Read back rather than trust the insert's id: MikroORM's SQLite driver reports 0 for a key not named `id`.
    const user = await this.findByOpenid(openid, appId);
    if (!user) throw new Error(`wx_user: the user for an openid vanished right after it was stored`);
    return user;
  }

  private toUser(row: UserRecord): User {
    const user = { uid: row.uid, appId: appIdOf(row.appid, this.defaultAppId), openid: row.openid };
    return row.unionid === null ? user : { ...user, unionid: row.unionid };
  }
}
