import type { User, UserRepository } from '../../../src/application/ports/user-repository.js';
import { SAMPLE_MERCHANT } from '../../../src/adapters/wechatpay/shared/sample-merchant.js';

/** Users keyed by (appid, openid), as wx_user's unique index keys them. */
export class InMemoryUserRepository implements UserRepository {
  private readonly byUid = new Map<number, User>();
  private nextUid = 1;

  /** `defaultAppId`: the mini-program a call without an appid means (the service's default is the sandbox's appid). */
  constructor(private readonly defaultAppId: string = SAMPLE_MERCHANT.appId) {}

  async findByUid(uid: number): Promise<User | undefined> {
    await Promise.resolve();
    return this.byUid.get(uid);
  }

  async findByOpenid(openid: string, appId = this.defaultAppId): Promise<User | undefined> {
    await Promise.resolve();
    return this.find(openid, appId);
  }

  async list(limit: number, offset: number, appIds?: readonly string[]): Promise<User[]> {
    await Promise.resolve();
    return [...this.byUid.values()]
      .filter((u) => appIds === undefined || appIds.includes(u.appId))
      .sort((a, b) => b.uid - a.uid)
      .slice(offset, offset + Math.min(limit, 100));
  }

  async findOrCreate(openid: string, unionid?: string, appId = this.defaultAppId): Promise<User> {
    await Promise.resolve();
    // Look and create in one synchronous step, as a unique index would: concurrent logins get the same user.
    const existing = this.find(openid, appId);
    if (existing) return existing;
    const user: User = { uid: this.nextUid++, appId, openid, ...(unionid === undefined ? {} : { unionid }) };
    this.byUid.set(user.uid, user);
    return user;
  }

  private find(openid: string, appId: string): User | undefined {
    return [...this.byUid.values()].find((u) => u.openid === openid && u.appId === appId);
  }
}
