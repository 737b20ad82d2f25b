import { describe, expect, it } from 'vitest';
import type { UserRepository } from '../../src/application/ports/user-repository.js';

/**
 * What every UserRepository must do. Openids are unique per test, so shared databases need no truncation. `fresh`
 * returns a repository whose default mini-program is `defaultAppId`.
 */
export function userRepositoryContract(name: string, fresh: () => Promise<UserRepository>, defaultAppId: string): void {
  const openid = (): string => `o-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const OTHER_APP = 'wx0000000000000b01';

  describe(`UserRepository contract: ${name}`, () => {
    it('creates a user on first sight of an openid and finds it by uid and openid', async () => {
      const repo = await fresh();
      const id = openid();
      const user = await repo.findOrCreate(id);
      expect(Number.isSafeInteger(user.uid) && user.uid > 0).toBe(true);
      expect(user).toEqual({ uid: user.uid, appId: defaultAppId, openid: id });
      expect(await repo.findByUid(user.uid)).toEqual(user);
      expect(await repo.findByOpenid(id)).toEqual(user);
      expect(await repo.findByOpenid(id, defaultAppId)).toEqual(user);
    });

    it('keeps the unionid when WeChat gives one', async () => {
      const repo = await fresh();
      const id = openid();
      const user = await repo.findOrCreate(id, `u-${id}`);
      expect(user).toEqual({ uid: user.uid, appId: defaultAppId, openid: id, unionid: `u-${id}` });
      expect(await repo.findByUid(user.uid)).toEqual(user);
      const there = await repo.findOrCreate(id, `u-${id}`, OTHER_APP);
      expect(there).toEqual({ uid: there.uid, appId: OTHER_APP, openid: id, unionid: `u-${id}` });
    });

    it('keys users by mini-program and openid: one openid in two mini-programs is two users', async () => {
      const repo = await fresh();
      const id = openid();
      const here = await repo.findOrCreate(id);
      expect(await repo.findByOpenid(id, OTHER_APP)).toBeUndefined();
      const there = await repo.findOrCreate(id, undefined, OTHER_APP);
      expect(there).toEqual({ uid: there.uid, appId: OTHER_APP, openid: id });
      expect(there.uid).not.toBe(here.uid);
      expect(await repo.findByOpenid(id, OTHER_APP)).toEqual(there);
      expect(await repo.findByOpenid(id)).toEqual(here);
      expect(await repo.findByUid(there.uid)).toEqual(there);
    });

    it('returns the same user for the same openid, and different users for different ones', async () => {
      const repo = await fresh();
      const id = openid();
      const first = await repo.findOrCreate(id);
      expect(await repo.findOrCreate(id)).toEqual(first);
      expect((await repo.findOrCreate(openid())).uid).not.toBe(first.uid);
    });

    it('gives concurrent first logins of one openid one user per mini-program', async () => {
      const repo = await fresh();
      const id = openid();
      const users = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? repo.findOrCreate(id) : repo.findOrCreate(id, undefined, OTHER_APP))),
      );
      expect(new Set(users.filter((u) => u.appId === defaultAppId).map((u) => u.uid)).size).toBe(1);
      expect(new Set(users.filter((u) => u.appId === OTHER_APP).map((u) => u.uid)).size).toBe(1);
      expect(new Set(users.map((u) => u.uid)).size).toBe(2);
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

    it("lists only the users of the mini-programs asked for, narrowed before paging (a shop operator's pages are full)", async () => {
      const repo = await fresh();
      const suffix = Math.random().toString(36).slice(2, 8).padEnd(6, '0');
      const [a, b] = [`wxa${suffix}0000000`, `wxb${suffix}0000000`];
      const made: { appId: string; uid: number }[] = [];
      // Interleaved: a filter applied after paging would leave holes in every page.
      for (let i = 0; i < 6; i++) made.push(await repo.findOrCreate(openid(), undefined, i % 3 === 0 ? a : b));
      const newest = (appIds: string[]) => made.filter((u) => appIds.includes(u.appId)).reverse();
      expect(await repo.list(2, 0, [b])).toEqual(newest([b]).slice(0, 2));
      expect(await repo.list(2, 2, [b])).toEqual(newest([b]).slice(2, 4));
      expect(await repo.list(5, 0, [a])).toEqual(newest([a]));
      expect((await repo.list(6, 0, [a, b])).map((u) => u.uid)).toEqual(newest([a, b]).map((u) => u.uid));
      expect(await repo.list(10, 0, [])).toEqual([]);
      // The default mini-program's users are found by its appid.
      const own = await repo.findOrCreate(openid());
      expect(await repo.list(1, 0, [defaultAppId])).toEqual([own]);
      expect((await repo.list(1, 0)).map((u) => u.uid)).toEqual([own.uid]);
    });

    it('knows nothing of a uid or openid it never stored', async () => {
      const repo = await fresh();
      expect(await repo.findByUid(2_000_000_000)).toBeUndefined();
      expect(await repo.findByOpenid(openid())).toBeUndefined();
    });
  });
}
