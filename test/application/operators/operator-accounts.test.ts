import { describe, expect, it } from 'vitest';
import { useCaseFixture, type UseCaseFixture } from '../../support/test-container.js';

const PASSWORD = 'correct horse battery';

async function withOperator(role: 'viewer' | 'operator' | 'admin' = 'operator', name = 'alice') {
  const f = await useCaseFixture();
  const added = await f.manageOperators.add({ name, role, password: PASSWORD }, 'cli');
  if (!added.ok) throw new Error(`could not add: ${added.error.kind}`);
  return f;
}

const signIn = (f: UseCaseFixture, password = PASSWORD, name = 'alice', ip = '203.0.113.7') => f.signIn.execute({ name, password, ip });

async function tokenOf(f: UseCaseFixture, name = 'alice', password = PASSWORD): Promise<string> {
  const result = (await signIn(f, password, name)).result;
  if (!result.ok) throw new Error(`sign-in failed: ${result.error.kind}`);
  return result.value.token;
}

describe('ManageOperators', () => {
  it('adds operators with a valid name and a long enough password, audited without the password', async () => {
    const f = await useCaseFixture();
    expect(await f.manageOperators.add({ name: 'x', role: 'viewer', password: PASSWORD }, 'cli')).toEqual({
      ok: false,
      error: { kind: 'InvalidName' },
    });
    expect(await f.manageOperators.add({ name: 'bob<script>', role: 'viewer', password: PASSWORD }, 'cli')).toMatchObject({ ok: false });
    expect(await f.manageOperators.add({ name: 'bob', role: 'viewer', password: 'short' }, 'cli')).toEqual({
      ok: false,
      error: { kind: 'WeakPassword', problem: 'tooShort' },
    });
    const added = await f.manageOperators.add({ name: ' Bob ', role: 'viewer', password: PASSWORD }, 'cli');
    expect(added).toMatchObject({ ok: true, value: { name: 'bob', role: 'viewer', disabled: false } });
    expect(await f.manageOperators.add({ name: 'BOB', role: 'admin', password: PASSWORD }, 'cli')).toEqual({
      ok: false,
      error: { kind: 'NameTaken' },
    });
    expect((await f.operators.findByName('bob'))?.passwordHash).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(f.audit.entries).toEqual([
      { at: f.clock.now(), actor: 'cli', action: 'operator.created', subject: 'operator:bob', after: { role: 'viewer' } },
    ]);
    expect(JSON.stringify(f.audit.entries)).not.toContain(PASSWORD);
  });

  it('never leaves the console without an enabled admin', async () => {
    const f = await withOperator('admin', 'root');
    expect(await f.manageOperators.setDisabled('root', true, 'operator:root')).toEqual({ ok: false, error: { kind: 'LastAdmin' } });
    expect(await f.manageOperators.setRole('root', 'viewer', 'operator:root')).toEqual({ ok: false, error: { kind: 'LastAdmin' } });
    await f.manageOperators.add({ name: 'second', role: 'admin', password: PASSWORD }, 'operator:root');
    expect((await f.manageOperators.setRole('root', 'viewer', 'operator:second')).ok).toBe(true);
    expect(f.audit.entries.at(-1)).toMatchObject({
      actor: 'operator:second',
      action: 'operator.role-changed',
      subject: 'operator:root',
      before: { role: 'admin' },
      after: { role: 'viewer' },
    });
  });

  it('two admins demoting or disabling each other at the same moment leave one enabled admin', async () => {
    for (const [first, second] of [
      [
        (f: UseCaseFixture) => f.manageOperators.setRole('root', 'viewer', 'operator:second'),
        (f: UseCaseFixture) => f.manageOperators.setRole('second', 'operator', 'operator:root'),
      ],
      [
        (f: UseCaseFixture) => f.manageOperators.setDisabled('root', true, 'operator:second'),
        (f: UseCaseFixture) => f.manageOperators.setRole('second', 'viewer', 'operator:root'),
      ],
    ] as const) {
      const f = await withOperator('admin', 'root');
      await f.manageOperators.add({ name: 'second', role: 'admin', password: PASSWORD }, 'operator:root');
      const results = await Promise.all([first(f), second(f)]);
      expect(results.map((r) => r.ok).sort()).toEqual([false, true]);
      expect(results.find((r) => !r.ok)).toEqual({ ok: false, error: { kind: 'LastAdmin' } });
      expect((await f.operators.list()).filter((o) => o.role === 'admin' && !o.disabled)).toHaveLength(1);
    }
  });

  it('answers an unknown operator with OperatorNotFound', async () => {
    const f = await useCaseFixture();
    expect(await f.manageOperators.setDisabled('ghost', true, 'cli')).toEqual({ ok: false, error: { kind: 'OperatorNotFound' } });
    expect(await f.manageOperators.resetPassword('ghost', PASSWORD, 'cli')).toEqual({ ok: false, error: { kind: 'OperatorNotFound' } });
  });
});

describe('SignInOperator', () => {
  it('opens a session stored under a digest of its token, with its own CSRF token', async () => {
    const f = await withOperator();
    const { result, outcome } = await signIn(f);
    if (!result.ok) throw new Error('sign-in failed');
    expect(outcome).toBe('succeeded');
    expect(result.value.operator).toMatchObject({ name: 'alice', role: 'operator' });
    expect(result.value.token).not.toBe(result.value.csrfToken);
    const stored = [...f.sessions.rows.values()];
    expect(stored).toHaveLength(1);
    expect(stored[0]?.tokenDigest).not.toContain(result.value.token);
    expect(stored[0]).toMatchObject({ csrfToken: result.value.csrfToken, expiresAt: new Date(f.clock.now().getTime() + 12 * 3_600_000) });
    expect(f.loginAttempts.attempts).toEqual([{ at: f.clock.now(), name: 'alice', ip: '203.0.113.7', outcome: 'succeeded' }]);
  });

  it('gives a wrong password and an unknown name the same answer, and records both', async () => {
    const f = await withOperator();
    expect((await signIn(f, 'wrong password!')).result).toEqual({ ok: false, error: { kind: 'BadCredentials' } });
    expect((await signIn(f, PASSWORD, 'nobody')).result).toEqual({ ok: false, error: { kind: 'BadCredentials' } });
    expect((await signIn(f, PASSWORD, '<b>not a name</b>')).result).toEqual({ ok: false, error: { kind: 'BadCredentials' } });
    expect(f.loginAttempts.attempts.map((a) => [a.name, a.outcome])).toEqual([
      ['alice', 'badCredentials'],
      ['nobody', 'badCredentials'],
      ['<b>not a name</b>', 'badCredentials'],
    ]);
    expect(f.sessions.rows.size).toBe(0);
  });

  it('refuses a disabled operator even with the right password', async () => {
    const f = await withOperator();
    await f.manageOperators.setDisabled('alice', true, 'cli');
    expect((await signIn(f)).result).toEqual({ ok: false, error: { kind: 'Disabled' } });
  });

  it('locks a name after 5 failures in 15 minutes, without even checking the right password, then lets it in again', async () => {
    const f = await withOperator();
    for (let i = 0; i < 5; i++) await signIn(f, `wrong-${i}-password`, 'alice', `198.51.100.${i}`);
    expect((await signIn(f)).result).toEqual({ ok: false, error: { kind: 'RateLimited', retryAfterSeconds: 900 } });
    expect(f.loginAttempts.attempts.at(-1)?.outcome).toBe('rateLimited');
    f.clock.advance(15 * 60_000 + 1);
    expect((await signIn(f)).result.ok).toBe(true);
  });

  it('30 concurrent guesses for one name check at most 5 passwords: each attempt is reserved before its check', async () => {
    const f = await withOperator();
    const guesses = Array.from({ length: 30 }, (_, i) => (i === 29 ? PASSWORD : `wrong-${i}-password`));
    const outcomes = (await Promise.all(guesses.map((g) => signIn(f, g)))).map((o) => o.outcome);
    const checked = outcomes.filter((o) => o === 'badCredentials' || o === 'succeeded').length;
    expect(outcomes.filter((o) => o === 'badCredentials').length).toBe(5);
    expect(outcomes.filter((o) => o === 'rateLimited').length).toBe(30 - checked);
    // Every attempt is on record with its final outcome: none is left pending.
    expect(f.loginAttempts.attempts.map((a) => a.outcome).sort()).toEqual([...outcomes].sort());
  });

  it('counts an attempt whose check failed half-way: a reservation stays a failure unless it is settled', async () => {
    const f = await withOperator();
    for (let i = 0; i < 5; i++) {
      await f.loginAttempts.reserve(
        { at: f.clock.now(), name: 'alice', ip: `198.51.100.${i}` },
        { since: new Date(0), maxPerName: 5, maxPerIp: 20 },
      );
    }
    expect((await signIn(f)).result).toMatchObject({ ok: false, error: { kind: 'RateLimited' } });
  });

  it('locks an address after 20 failures in 15 minutes, whatever names it tries', async () => {
    const f = await withOperator();
    for (let i = 0; i < 20; i++) await signIn(f, 'wrong password!', `user${i}`, '192.0.2.9');
    expect((await signIn(f, PASSWORD, 'alice', '192.0.2.9')).result).toMatchObject({ ok: false, error: { kind: 'RateLimited' } });
    expect((await signIn(f, PASSWORD, 'alice', '192.0.2.10')).result.ok).toBe(true);
  });
});

describe('console sessions', () => {
  it('resume while active, and end after 30 minutes idle', async () => {
    const f = await withOperator();
    const token = await tokenOf(f);
    f.clock.advance(29 * 60_000);
    expect(await f.resumeSession.execute(token)).toMatchObject({ ok: true, value: { operator: { name: 'alice' } } });
    f.clock.advance(29 * 60_000); // active 29 minutes ago: still alive
    expect((await f.resumeSession.execute(token)).ok).toBe(true);
    f.clock.advance(30 * 60_000);
    expect(await f.resumeSession.execute(token)).toEqual({ ok: false, error: 'expired' });
  });

  it('end 12 hours after sign-in however active they are', async () => {
    const f = await withOperator();
    const token = await tokenOf(f);
    for (let i = 0; i < 23; i++) {
      f.clock.advance(30 * 60_000 - 1);
      expect((await f.resumeSession.execute(token)).ok).toBe(true);
    }
    f.clock.advance(60 * 60_000);
    expect(await f.resumeSession.execute(token)).toMatchObject({ ok: false });
  });

  it('write activity at most once a minute', async () => {
    const f = await withOperator();
    const token = await tokenOf(f);
    const lastSeen = () => [...f.sessions.rows.values()][0]?.lastSeenAt.getTime();
    const start = lastSeen();
    f.clock.advance(59_000);
    await f.resumeSession.execute(token);
    expect(lastSeen()).toBe(start);
    f.clock.advance(2_000);
    await f.resumeSession.execute(token);
    expect(lastSeen()).toBe(f.clock.now().getTime());
  });

  it('are revoked by signing out, by disabling the operator, and all at once by a password reset', async () => {
    const f = await withOperator();
    const [a, b, c] = [await tokenOf(f), await tokenOf(f), await tokenOf(f)];
    await f.signOut.execute(a);
    expect(await f.resumeSession.execute(a)).toEqual({ ok: false, error: 'revoked' });
    expect((await f.resumeSession.execute(b)).ok).toBe(true);

    await f.manageOperators.resetPassword('alice', 'a brand new password', 'operator:root');
    expect(await f.resumeSession.execute(b)).toEqual({ ok: false, error: 'revoked' });
    expect(await f.resumeSession.execute(c)).toEqual({ ok: false, error: 'revoked' });
    expect(f.audit.entries.at(-1)).toMatchObject({ action: 'operator.password-reset', after: { sessionsRevoked: 2 } });
    expect((await signIn(f)).result).toMatchObject({ ok: false });
    expect((await signIn(f, 'a brand new password')).result.ok).toBe(true);

    const d = await tokenOf(f, 'alice', 'a brand new password');
    await f.manageOperators.setDisabled('alice', true, 'operator:root');
    expect(await f.resumeSession.execute(d)).toEqual({ ok: false, error: 'revoked' });
  });

  it('take a role change into account on the next request', async () => {
    const f = await withOperator('admin', 'root');
    await f.manageOperators.add({ name: 'alice', role: 'operator', password: PASSWORD }, 'cli');
    const token = await tokenOf(f);
    await f.manageOperators.setRole('alice', 'viewer', 'operator:root');
    expect(await f.resumeSession.execute(token)).toMatchObject({ ok: true, value: { operator: { role: 'viewer' } } });
  });

  it('open nothing for a missing or made-up token', async () => {
    const f = await withOperator();
    expect(await f.resumeSession.execute(undefined)).toEqual({ ok: false, error: 'none' });
    expect(await f.resumeSession.execute('made-up')).toEqual({ ok: false, error: 'none' });
  });
});
