import { describe, expect, it } from 'vitest';
import type { UserRepository } from '../../src/application/ports/user-repository.js';

/** What every UserRepository must do. Openids are unique per test, so shared databases need no truncation. */
export function userRepositoryContract(name: string, fresh: () => Promise<UserRepository>): void {
  const openid = (): string => `o-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;

  describe(`UserRepository contract: ${name}`, () => {
    it('creates a user on first sight of an openid and finds it by uid and openid', async () => {
      const repo = await fresh();
      const id = openid();
      const user = await repo.findOrCreate(id);
      expect(Number.isSafeInteger(user.uid) && user.uid > 0).toBe(true);
      expect(user).toEqual({ uid: user.uid, openid: id });
      expect(await repo.findByUid(user.uid)).toEqual(user);
      expect(await repo.findByOpenid(id)).toEqual(user);
    });

    it('keeps the unionid when WeChat gives one', async () => {
      const repo = await fresh();
      const id = openid();
      const user = await repo.findOrCreate(id, `u-${id}`);
      expect(user).toEqual({ uid: user.uid, openid: id, unionid: `u-${id}` });
      expect(await repo.findByUid(user.uid)).toEqual(user);
    });

    it('returns the same user for the same openid, and different users for different ones', async () => {
      const repo = await fresh();
      const id = openid();
      const first = await repo.findOrCreate(id);
      expect(await repo.findOrCreate(id)).toEqual(first);
      expect((await repo.findOrCreate(openid())).uid).not.toBe(first.uid);
    });

    it('gives concurrent first logins of one openid one user', async () => {
      const repo = await fresh();
      const id = openid();
      const users = await Promise.all(Array.from({ length: 10 }, () => repo.findOrCreate(id)));
      expect(new Set(users.map((u) => u.uid)).size).toBe(1);
    });

    it('matches openids exactly (they are case-sensitive)', async () => {
      const repo = await fresh();
      const id = `${openid()}Ab`;
      const user = await repo.findOrCreate(id);
      expect(await repo.findByOpenid(id.toUpperCase())).toBeUndefined();
      expect((await repo.findOrCreate(id.toLowerCase())).uid).not.toBe(user.uid);
    });

    it('lists users newest first, a page at a time', async () => {
      const repo = await fresh();
      const made = [];
      for (let i = 0; i < 3; i++) made.push(await repo.findOrCreate(openid()));
      const newestFirst = [...made].reverse();
      expect(await repo.list(3, 0)).toEqual(newestFirst);
      expect(await repo.list(2, 1)).toEqual(newestFirst.slice(1, 3));
    });

    it('knows nothing of a uid or openid it never stored', async () => {
      const repo = await fresh();
      expect(await repo.findByUid(2_000_000_000)).toBeUndefined();
      expect(await repo.findByOpenid(openid())).toBeUndefined();
    });
  });
}
