import type { User, UserRepository } from '../../application/ports/user-repository.js';
import { TtlCache } from './ttl-cache.js';

/**
 * Every prepay reads its user for the openid, and a user's openid never changes (the service never updates or
 * deletes wx_user). Users found by uid are kept for a minute, at most 10,000 of them; a uid not found is asked
 * again every time, since its user may be created by the next login.
 */
export class CachedUsers implements UserRepository {
  private readonly byUid: TtlCache<number, User | undefined>;

  constructor(
    private readonly users: UserRepository,
    ttlMs = 60_000,
    nowMs?: () => number,
  ) {
    this.byUid = new TtlCache(ttlMs, 10_000, nowMs);
  }

  findByUid(uid: number): Promise<User | undefined> {
    return this.byUid.get(
      uid,
      () => this.users.findByUid(uid),
      (user) => user !== undefined,
    );
  }

  findByOpenid(openid: string, appId?: string): Promise<User | undefined> {
    return this.users.findByOpenid(openid, appId);
  }

  findOrCreate(openid: string, unionid?: string, appId?: string): Promise<User> {
    return this.users.findOrCreate(openid, unionid, appId);
  }

  list(limit: number, offset: number, appIds?: readonly string[]): Promise<User[]> {
    return this.users.list(limit, offset, appIds);
  }
}
