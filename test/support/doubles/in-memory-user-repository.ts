import type { User, UserRepository } from '../../../src/application/ports/user-repository.js';

export class InMemoryUserRepository implements UserRepository {
  private readonly byUid = new Map<number, User>();
  private nextUid = 1;

  async findByUid(uid: number): Promise<User | undefined> {
    await Promise.resolve();
    return this.byUid.get(uid);
  }

  async findByOpenid(openid: string): Promise<User | undefined> {
    await Promise.resolve();
    return [...this.byUid.values()].find((u) => u.openid === openid);
  }

  async list(limit: number, offset: number): Promise<User[]> {
    await Promise.resolve();
    return [...this.byUid.values()].sort((a, b) => b.uid - a.uid).slice(offset, offset + Math.min(limit, 100));
  }

  async findOrCreate(openid: string, unionid?: string): Promise<User> {
    await Promise.resolve();
    // Look and create in one synchronous step, as a unique index would: concurrent logins get the same user.
    const existing = [...this.byUid.values()].find((u) => u.openid === openid);
    if (existing) return existing;
    const user: User = unionid === undefined ? { uid: this.nextUid++, openid } : { uid: this.nextUid++, openid, unionid };
    this.byUid.set(user.uid, user);
    return user;
  }
}
