import { describe, expect, it } from 'vitest';
import type { LoginAttempts, Operators, OperatorSessions } from '../../src/application/ports/operators.js';

export interface OperatorsFixture {
  readonly operators: Operators;
  readonly sessions: OperatorSessions;
  readonly attempts: LoginAttempts;
}

/**
 * What every adapter of the console's account ports must do. Names, digests and addresses are random per test, so a
 * shared database needs no truncation.
 */
export function operatorsContract(name: string, fresh: () => Promise<OperatorsFixture>): void {
  const suffix = (): string => Math.random().toString(36).slice(2, 10);
  const at = new Date(Date.UTC(2026, 0, 15, 4, 0, 0));
  const later = (ms: number): Date => new Date(at.getTime() + ms);

  describe(`Operators contract: ${name}`, () => {
    it('adds an operator, finds it by name and id with its hash, and lists it', async () => {
      const { operators } = await fresh();
      const n = `alice-${suffix()}`;
      const added = await operators.add({ name: n, role: 'operator', passwordHash: 'scrypt$hash-1', at });
      if (added === 'nameTaken') throw new Error('unexpected nameTaken');
      expect(added).toEqual({ id: added.id, name: n, role: 'operator', disabled: false, createdAt: at, passwordChangedAt: at });
      expect(await operators.findByName(n)).toEqual({ operator: added, passwordHash: 'scrypt$hash-1' });
      expect(await operators.findById(added.id)).toEqual(added);
      expect((await operators.list()).filter((o) => o.name === n)).toEqual([added]);
    });

    it('keeps names unique and matches them exactly', async () => {
      const { operators } = await fresh();
      const n = `bob-${suffix()}`;
      expect(await operators.add({ name: n, role: 'viewer', passwordHash: 'h', at })).not.toBe('nameTaken');
      expect(await operators.add({ name: n, role: 'admin', passwordHash: 'h2', at })).toBe('nameTaken');
      expect(await operators.findByName(n.toUpperCase())).toBeUndefined();
      expect(await operators.findByName(`${n}x`)).toBeUndefined();
      expect(await operators.findById(2_000_000_000)).toBeUndefined();
    });

    it('changes role, disabled flag and password, moving the password time only with the password', async () => {
      const { operators } = await fresh();
      const added = await operators.add({ name: `carol-${suffix()}`, role: 'viewer', passwordHash: 'h1', at });
      if (added === 'nameTaken') throw new Error('unexpected nameTaken');
      expect(await operators.update(added.id, { role: 'admin', disabled: true, at: later(1000) })).toEqual({
        ...added,
        role: 'admin',
        disabled: true,
      });
      const reset = await operators.update(added.id, { passwordHash: 'h2', disabled: false, at: later(2000) });
      expect(reset).toEqual({ ...added, role: 'admin', passwordChangedAt: later(2000) });
      expect((await operators.findByName(added.name))?.passwordHash).toBe('h2');
      expect(await operators.update(2_000_000_000, { role: 'viewer', at })).toBeUndefined();
    });
  });

  describe(`OperatorSessions contract: ${name}`, () => {
    const session = (operatorId: number, overrides: { expiresAt?: Date } = {}) => ({
      tokenDigest: `d-${suffix()}${suffix()}`,
      operatorId,
      csrfToken: `c-${suffix()}`,
      createdAt: at,
      lastSeenAt: at,
      expiresAt: overrides.expiresAt ?? later(3_600_000),
    });

    it('stores a session under its digest and moves its last activity forward only', async () => {
      const { sessions } = await fresh();
      const s = session(41);
      await sessions.create(s);
      expect(await sessions.find(s.tokenDigest)).toEqual(s);
      expect(await sessions.find(s.tokenDigest.toUpperCase())).toBeUndefined();
      await sessions.touch(s.tokenDigest, later(60_000));
      await sessions.touch(s.tokenDigest, later(30_000));
      expect((await sessions.find(s.tokenDigest))?.lastSeenAt).toEqual(later(60_000));
    });

    it('revokes one session, or every live session of an operator', async () => {
      const { sessions } = await fresh();
      const operatorId = 1_000_000 + Math.floor(Math.random() * 1_000_000);
      const [a, b, c] = [session(operatorId), session(operatorId), session(operatorId)];
      const expired = session(operatorId, { expiresAt: later(-1) });
      const other = session(operatorId + 1);
      for (const s of [a, b, c, expired, other]) await sessions.create(s);
      await sessions.revoke(a.tokenDigest, later(1000));
      await sessions.revoke(a.tokenDigest, later(5000));
      expect((await sessions.find(a.tokenDigest))?.revokedAt).toEqual(later(1000));
      expect(await sessions.revokeAll(operatorId, later(2000))).toBe(2);
      expect((await sessions.find(b.tokenDigest))?.revokedAt).toEqual(later(2000));
      expect((await sessions.find(c.tokenDigest))?.revokedAt).toEqual(later(2000));
      expect((await sessions.find(expired.tokenDigest))?.revokedAt).toBeUndefined();
      expect((await sessions.find(other.tokenDigest))?.revokedAt).toBeUndefined();
    });

    it('revokes every live session of an operator but the one it is told to keep', async () => {
      const { sessions } = await fresh();
      const operatorId = 1_000_000 + Math.floor(Math.random() * 1_000_000);
      const [kept, ended] = [session(operatorId), session(operatorId)];
      for (const s of [kept, ended]) await sessions.create(s);
      expect(await sessions.revokeAll(operatorId, later(2000), kept.tokenDigest)).toBe(1);
      expect((await sessions.find(kept.tokenDigest))?.revokedAt).toBeUndefined();
      expect((await sessions.find(ended.tokenDigest))?.revokedAt).toEqual(later(2000));
    });

    it('prunes sessions that ended before a time, keeping live ones', async () => {
      const { sessions } = await fresh();
      const old = session(7, { expiresAt: new Date(Date.UTC(2000, 0, 1)) });
      const live = session(7, { expiresAt: new Date(Date.UTC(2100, 0, 1)) });
      await sessions.create(old);
      await sessions.create(live);
      expect(await sessions.prune(new Date(Date.UTC(2001, 0, 1)))).toBeGreaterThanOrEqual(1);
      expect(await sessions.find(old.tokenDigest)).toBeUndefined();
      expect(await sessions.find(live.tokenDigest)).toEqual(live);
    });
  });

  describe(`LoginAttempts contract: ${name}`, () => {
    it('counts credential failures since a time, by name and by address, and lists the newest first', async () => {
      const { attempts } = await fresh();
      const [n, ip] = [`dave-${suffix()}`, `203.0.113.${Math.floor(Math.random() * 250)}-${suffix()}`.slice(0, 45)];
      await attempts.record({ at: later(-60_000), name: n, ip, outcome: 'badCredentials' });
      await attempts.record({ at: later(1000), name: n, ip, outcome: 'badCredentials' });
      await attempts.record({ at: later(2000), name: n, ip: `${ip}x`.slice(0, 45), outcome: 'badCredentials' });
      await attempts.record({ at: later(3000), name: n, ip, outcome: 'rateLimited' });
      await attempts.record({ at: later(4000), name: n, ip, outcome: 'succeeded' });
      expect(await attempts.failuresSince({ name: n }, at)).toBe(2);
      expect(await attempts.failuresSince({ name: n }, later(-120_000))).toBe(3);
      expect(await attempts.failuresSince({ ip }, at)).toBe(1);
      expect(await attempts.failuresSince({ name: `${n}-other` }, at)).toBe(0);
      const recent = (await attempts.recent(200)).filter((a) => a.name === n);
      expect(recent.map((a) => a.outcome)).toEqual(['succeeded', 'rateLimited', 'badCredentials', 'badCredentials', 'badCredentials']);
      expect(recent[0]).toEqual({ at: later(4000), name: n, ip, outcome: 'succeeded' });
    });

    it('reserves atomically: of 30 concurrent reservations for one name only the limit get a place, and a settled success frees its own', async () => {
      const { attempts } = await fresh();
      const n = `erin-${suffix()}`;
      const limits = { since: at, maxPerName: 5, maxPerIp: 20 };
      const ids = await Promise.all(
        Array.from({ length: 30 }, (_, i) => attempts.reserve({ at, name: n, ip: `ip-${i}-${suffix()}` }, limits)),
      );
      const reserved = ids.filter((id): id is number => id !== undefined);
      expect(reserved).toHaveLength(5);
      expect(new Set(reserved).size).toBe(5);
      expect(await attempts.failuresSince({ name: n }, at)).toBe(5);
      await attempts.settle(reserved[0]!, 'succeeded');
      await attempts.settle(reserved[1]!, 'badCredentials');
      expect(await attempts.failuresSince({ name: n }, at)).toBe(4);
      expect(await attempts.reserve({ at, name: n, ip: 'another' }, limits)).toEqual(expect.any(Number));
      expect(await attempts.reserve({ at, name: n, ip: 'another' }, limits)).toBeUndefined();
      const outcomes = (await attempts.recent(200)).filter((a) => a.name === n).map((a) => a.outcome);
      expect(outcomes.sort()).toEqual(['badCredentials', 'pending', 'pending', 'pending', 'pending', 'succeeded']);
    });

    it('reserves atomically by address too: 30 concurrent names from one address, 20 places', async () => {
      const { attempts } = await fresh();
      const ip = `198.51.100.1-${suffix()}`;
      const limits = { since: at, maxPerName: 5, maxPerIp: 20 };
      const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => attempts.reserve({ at, name: `u${i}-${suffix()}`, ip }, limits)));
      expect(ids.filter((id) => id !== undefined)).toHaveLength(20);
      expect(await attempts.failuresSince({ ip }, at)).toBe(20);
    });

    it('keeps a second factor: pending until confirmed with its own secret, then active with its step spent; removable', async () => {
      const { operators } = await fresh();
      const n = `tina-${suffix()}`;
      const added = await operators.add({ name: n, role: 'admin', passwordHash: 'scrypt$hash', at });
      if (added === 'nameTaken') throw new Error('unexpected nameTaken');
      expect(await operators.setPendingTotp(added.id, 'v1.sealed-first', later(1))).toBe(true);
      expect((await operators.findByName(n))?.totp).toEqual({ pending: 'v1.sealed-first' });
      expect(await operators.setPendingTotp(added.id, 'v1.sealed-second', later(2))).toBe(true);
      // A confirmation of the replaced enrolment does not activate anything.
      expect(await operators.activateTotp(added.id, 'v1.sealed-first', 100, later(3))).toBe(false);
      expect(await operators.activateTotp(added.id, 'v1.sealed-second', 100, later(3))).toBe(true);
      expect((await operators.findByName(n))?.totp).toEqual({ secret: 'v1.sealed-second', lastStep: 100 });
      expect(await operators.findById(added.id)).toEqual(added);
      expect(await operators.removeTotp(added.id, later(4))).toBe(true);
      expect((await operators.findByName(n))?.totp).toBeUndefined();
      expect(await operators.spendTotpStep(added.id, 200)).toBe(false);
      expect(await operators.setPendingTotp(999_999_999, 'v1.x', at)).toBe(false);
    });

    it('spends a TOTP step once, atomically: of 20 concurrent sign-ins with one code one gets in; earlier steps never again', async () => {
      const { operators } = await fresh();
      const n = `uma-${suffix()}`;
      const added = await operators.add({ name: n, role: 'operator', passwordHash: 'scrypt$hash', at });
      if (added === 'nameTaken') throw new Error('unexpected nameTaken');
      await operators.setPendingTotp(added.id, 'v1.sealed', at);
      await operators.activateTotp(added.id, 'v1.sealed', 1000, at);
      const spent = await Promise.all(Array.from({ length: 20 }, () => operators.spendTotpStep(added.id, 1001)));
      expect(spent.filter(Boolean)).toHaveLength(1);
      expect(await operators.spendTotpStep(added.id, 1001)).toBe(false);
      expect(await operators.spendTotpStep(added.id, 1000)).toBe(false);
      expect(await operators.spendTotpStep(added.id, 1002)).toBe(true);
      expect((await operators.findByName(n))?.totp).toEqual({ secret: 'v1.sealed', lastStep: 1002 });
    });

    it('delays a name with a second factor instead of refusing it: past the limit one place opens per growing delay', async () => {
      const { attempts } = await fresh();
      const n = `vera-${suffix()}`;
      const limits = { since: at, maxPerName: 5, maxPerIp: 20, nameDelay: { baseMs: 1000, capMs: 8000 } };
      for (let i = 0; i < 5; i++) await attempts.record({ at, name: n, ip: `ip-${i}-${suffix()}`, outcome: 'badCode' });
      const place = (when: Date) =>
        Promise.all(Array.from({ length: 10 }, (_, i) => attempts.reserve({ at: when, name: n, ip: `c${i}-${suffix()}` }, limits)));
      expect((await place(later(999))).filter((id) => id !== undefined)).toHaveLength(0);
      // 1 s after the fifth failure one place, however many ask at once; its own failure then waits 2 s, and so on.
      expect((await place(later(1000))).filter((id) => id !== undefined)).toHaveLength(1);
      expect((await place(later(2999))).filter((id) => id !== undefined)).toHaveLength(0);
      expect((await place(later(3000))).filter((id) => id !== undefined)).toHaveLength(1);
      expect((await place(later(6999))).filter((id) => id !== undefined)).toHaveLength(0);
      expect((await place(later(7000))).filter((id) => id !== undefined)).toHaveLength(1);
      // The cap: never longer than 8 s, never a lock-out.
      expect((await place(later(15_000))).filter((id) => id !== undefined)).toHaveLength(1);
      expect((await place(later(23_000))).filter((id) => id !== undefined)).toHaveLength(1);
      // Without the delay the same name is simply refused.
      expect(await attempts.reserve({ at: later(60_000), name: n, ip: 'x' }, { since: at, maxPerName: 5, maxPerIp: 20 })).toBeUndefined();
    });

    it('keeps a name or address too long for its column, cut to fit', async () => {
      const { attempts } = await fresh();
      const long = `x${suffix()}`.padEnd(300, 'y');
      await attempts.record({ at, name: long, ip: long, outcome: 'badCredentials' });
      expect(await attempts.failuresSince({ name: long }, at)).toBe(1);
      expect(await attempts.failuresSince({ ip: long }, at)).toBe(1);
    });
  });
}
