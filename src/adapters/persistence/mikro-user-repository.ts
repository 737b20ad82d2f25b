import type { Clock } from '../../application/ports/clock.js';
import type { User, UserRepository } from '../../application/ports/user-repository.js';
import { systemClock } from '../system/system-clock.js';
import type { SqlOrm } from './orm.js';
import { UserRecord } from './service-records.js';
import { violatedUniques } from './sql-failure.js';

const toUser = (row: UserRecord): User =>
  row.unionid === null ? { uid: row.uid, openid: row.openid } : { uid: row.uid, openid: row.openid, unionid: row.unionid };

/** Users in wx_user. openid is unique (and compared byte for byte: utf8mb4_bin), which settles concurrent logins. */
export class MikroUserRepository implements UserRepository {
  constructor(
    private readonly orm: SqlOrm,
    private readonly clock: Clock = systemClock,
  ) {}

  async findByUid(uid: number): Promise<User | undefined> {
    if (!Number.isSafeInteger(uid)) return undefined;
    const row = await this.orm.em.fork().findOne(UserRecord, { uid }, { disableIdentityMap: true });
    return row ? toUser(row) : undefined;
  }

  async findByOpenid(openid: string): Promise<User | undefined> {
    const row = await this.orm.em.fork().findOne(UserRecord, { openid }, { disableIdentityMap: true });
    return row && row.openid === openid ? toUser(row) : undefined;
  }

  async list(limit: number, offset: number): Promise<User[]> {
    const rows = await this.orm.em
      .fork()
      .find(UserRecord, {}, { orderBy: { uid: 'desc' }, limit: Math.min(limit, 100), offset, disableIdentityMap: true });
    return rows.map(toUser);
  }

  async findOrCreate(openid: string, unionid?: string): Promise<User> {
    const existing = await this.findByOpenid(openid);
    if (existing) return existing;
    try {
      await this.orm.em.fork().insert(UserRecord, { openid, unionid: unionid ?? null, createdAt: this.clock.now().getTime() });
    } catch (error) {
      if (!violatedUniques(error)) throw error; // else a concurrent login created it first
    }
    // Read back rather than trust the insert's id: MikroORM's SQLite driver reports 0 for a key not named `id`.
    const user = await this.findByOpenid(openid);
    if (!user) throw new Error(`wx_user: the user for an openid vanished right after it was stored`);
    return user;
  }
}
