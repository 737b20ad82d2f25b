import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base32Decode } from '../../../src/domain/base32.js';
import { totpAt, totpStep, type HmacSha1 } from '../../../src/domain/totp.js';
import { useCaseFixture, type FixtureOptions, type UseCaseFixture } from '../../support/test-container.js';

const PASSWORD = 'correct horse battery';
const IP = '203.0.113.7';
const hmacSha1: HmacSha1 = (key, message) => createHmac('sha1', key).update(message).digest();

async function withOperator(role: 'viewer' | 'operator' | 'admin' = 'operator', options: FixtureOptions = {}) {
  const f = await useCaseFixture(options);
  const added = await f.manageOperators.add({ name: 'alice', role, password: PASSWORD }, 'cli');
  if (!added.ok) throw new Error(`could not add: ${added.error.kind}`);
  return f;
}

/** Enrols alice as an app would: the URI's secret, the code of now. Returns the secret, to make later codes. */
async function enrol(f: UseCaseFixture): Promise<Uint8Array> {
  const begun = await f.manageTotp.begin('alice');
  if (!begun.ok) throw new Error(begun.error.kind);
  const secret = base32Decode(begun.value.secret);
  if (!secret) throw new Error('unreadable secret');
  expect(begun.value.uri).toBe(
    `otpauth://totp/wxpay%20console:alice?secret=${begun.value.secret}&issuer=wxpay%20console&algorithm=SHA1&digits=6&period=30`,
  );
  const confirmed = await f.manageTotp.confirm('alice', totpAt(hmacSha1, secret, f.clock.now()), 'cli');
  expect(confirmed.ok).toBe(true);
  return secret;
}

const password = (f: UseCaseFixture, typed = PASSWORD, ip = IP) => f.signIn.execute({ name: 'alice', password: typed, ip });

async function challengeOf(f: UseCaseFixture): Promise<string> {
  const { result } = await password(f);
  if (result.ok || result.error.kind !== 'CodeRequired') throw new Error(`expected CodeRequired, got ${JSON.stringify(result)}`);
  return result.error.challenge;
}

describe('enrolment', () => {
  it('stores the secret sealed, waits for a first code, and only then asks for codes at sign-in', async () => {
    const f = await withOperator();
    const begun = await f.manageTotp.begin('alice');
    if (!begun.ok) throw new Error(begun.error.kind);
    const stored = await f.operators.findByName('alice');
    expect(stored?.totp?.pending).toMatch(/^v1\./);
    expect(stored?.totp?.pending).not.toContain(begun.value.secret);
    expect(stored?.totp?.secret).toBeUndefined();
    // Not active yet: the password alone still signs in.
    expect((await password(f)).result.ok).toBe(true);

    const secret = base32Decode(begun.value.secret) ?? new Uint8Array();
    const wrong = String((Number(totpAt(hmacSha1, secret, f.clock.now())) + 1) % 1_000_000).padStart(6, '0');
    expect(await f.manageTotp.confirm('alice', wrong, 'cli')).toEqual({ ok: false, error: { kind: 'BadCode' } });
    expect((await f.manageTotp.confirm('alice', totpAt(hmacSha1, secret, f.clock.now()), 'operator:alice')).ok).toBe(true);
    expect(f.audit.entries.at(-1)).toMatchObject({ actor: 'operator:alice', action: 'operator.totp-enabled', subject: 'operator:alice' });
    expect(await f.manageTotp.status('alice')).toEqual({ active: true, pending: false });
    expect((await password(f)).result).toMatchObject({ ok: false, error: { kind: 'CodeRequired' } });
  });

  it('refuses to enrol while SESSION_SECRET is a made-up one (the secret would be lost at the next start)', async () => {
    const f = await withOperator();
    const ephemeral = Object.assign(Object.create(Object.getPrototypeOf(f.totpSecrets) as object) as object, f.totpSecrets, {
      durable: false,
    });
    const { ManageOperatorTotp } = await import('../../../src/application/operators/operator-totp.js');
    const manage = new ManageOperatorTotp(f.operators, f.sessions, ephemeral as typeof f.totpSecrets, f.audit, f.clock, 'wxpay console');
    expect(await manage.begin('alice')).toEqual({ ok: false, error: { kind: 'NotDurable' } });
  });
});

describe('sign-in with a second factor', () => {
  it('asks for the code after the password, and opens the session only with a right code', async () => {
    const f = await withOperator();
    const secret = await enrol(f);
    f.clock.advance(60_000);
    const challenge = await challengeOf(f);
    expect(f.sessions.rows.size).toBe(0);
    expect((await f.signIn.confirmCode({ challenge, code: '000000', ip: IP })).result).toEqual({ ok: false, error: { kind: 'BadCode' } });
    const signed = await f.signIn.confirmCode({ challenge, code: totpAt(hmacSha1, secret, f.clock.now()), ip: IP });
    expect(signed).toMatchObject({ outcome: 'succeeded', name: 'alice', result: { ok: true, value: { operator: { name: 'alice' } } } });
    expect(f.sessions.rows.size).toBe(1);
    expect(f.loginAttempts.attempts.map((a) => a.outcome)).toEqual(['codeRequired', 'badCode', 'succeeded']);
  });

  it('takes each code once: a replay is refused, from the same challenge or a new one, and so is an older code', async () => {
    const f = await withOperator();
    const secret = await enrol(f);
    f.clock.advance(60_000);
    const code = totpAt(hmacSha1, secret, f.clock.now());
    const challenge = await challengeOf(f);
    expect((await f.signIn.confirmCode({ challenge, code, ip: IP })).result.ok).toBe(true);
    expect((await f.signIn.confirmCode({ challenge, code, ip: IP })).result).toEqual({ ok: false, error: { kind: 'BadCode' } });
    expect((await f.signIn.confirmCode({ challenge: await challengeOf(f), code, ip: IP })).result).toEqual({
      ok: false,
      error: { kind: 'BadCode' },
    });
    const previous = totpAt(hmacSha1, secret, new Date(f.clock.now().getTime() - 30_000));
    expect((await f.signIn.confirmCode({ challenge, code: previous, ip: IP })).result).toMatchObject({ ok: false });
    // The next step's code is new: it is taken (within the ±1 step window).
    const next = totpAt(hmacSha1, secret, new Date(f.clock.now().getTime() + 30_000));
    expect((await f.signIn.confirmCode({ challenge, code: next, ip: IP })).result.ok).toBe(true);
    expect((await f.operators.findByName('alice'))?.totp?.lastStep).toBe(totpStep(f.clock.now()) + 1);
  });

  it('lets one of the concurrent sign-ins with one code in: the step is spent atomically, not read then written', async () => {
    const f = await withOperator();
    const secret = await enrol(f);
    f.clock.advance(60_000);
    const code = totpAt(hmacSha1, secret, f.clock.now());
    const challenges: string[] = [];
    for (let i = 0; i < 10; i++) challenges.push(await challengeOf(f));
    const results = await Promise.all(challenges.map((challenge) => f.signIn.confirmCode({ challenge, code, ip: IP })));
    // Five reach the check (the per-name places); of those, one session.
    expect(results.filter((r) => r.outcome !== 'rateLimited')).toHaveLength(5);
    expect(results.filter((r) => r.result.ok)).toHaveLength(1);
    expect(f.sessions.rows.size).toBe(1);
  });

  it('takes the codes of ±1 step only', async () => {
    const f = await withOperator();
    const secret = await enrol(f);
    f.clock.advance(10 * 60_000);
    const codeAt = (steps: number) => totpAt(hmacSha1, secret, new Date(f.clock.now().getTime() + steps * 30_000));
    const challenge = await challengeOf(f);
    for (const steps of [-2, 2]) expect((await f.signIn.confirmCode({ challenge, code: codeAt(steps), ip: IP })).result.ok).toBe(false);
    expect((await f.signIn.confirmCode({ challenge, code: codeAt(-1), ip: IP })).result.ok).toBe(true);
  });

  it('refuses a challenge that is forged, older than 5 minutes, or earned with a password changed since', async () => {
    const f = await withOperator();
    const secret = await enrol(f);
    f.clock.advance(60_000);
    const code = () => totpAt(hmacSha1, secret, f.clock.now());
    const challenge = await challengeOf(f);
    const [id, changed, expires, mac] = challenge.split('.');
    const forged = `${id}.${changed}.${Number(expires) + 3_600_000}.${mac}`;
    expect((await f.signIn.confirmCode({ challenge: forged, code: code(), ip: IP })).result).toEqual({
      ok: false,
      error: { kind: 'ChallengeExpired' },
    });
    f.clock.advance(5 * 60_000);
    expect((await f.signIn.confirmCode({ challenge, code: code(), ip: IP })).result).toEqual({
      ok: false,
      error: { kind: 'ChallengeExpired' },
    });
    const fresh = await challengeOf(f);
    await f.manageOperators.resetPassword('alice', 'another long password', 'cli');
    expect((await f.signIn.confirmCode({ challenge: fresh, code: code(), ip: IP })).result).toEqual({
      ok: false,
      error: { kind: 'ChallengeExpired' },
    });
  });

  it('after the second factor is removed, the password alone signs in again', async () => {
    const f = await withOperator();
    await enrol(f);
    expect((await f.manageTotp.remove('alice', 'cli')).ok).toBe(true);
    expect(f.audit.entries.at(-1)).toMatchObject({ action: 'operator.totp-removed', actor: 'cli' });
    expect((await password(f)).result.ok).toBe(true);
  });
});

describe('admins outside the sandbox', () => {
  it('refuses an admin without a second factor, after the right password only, and lets one with it in', async () => {
    const f = await withOperator('admin', { adminsNeedTotp: true });
    expect((await password(f, 'wrong password!')).result).toEqual({ ok: false, error: { kind: 'BadCredentials' } });
    expect(await password(f)).toMatchObject({ outcome: 'totpMissing', result: { ok: false, error: { kind: 'TotpRequired' } } });
    expect(f.sessions.rows.size).toBe(0);
    const secret = await enrol(f);
    f.clock.advance(60_000);
    const signed = await f.signIn.confirmCode({ challenge: await challengeOf(f), code: totpAt(hmacSha1, secret, f.clock.now()), ip: IP });
    expect(signed.result.ok).toBe(true);
  });

  it('keeps a second factor optional for other roles, and for admins in the sandbox', async () => {
    expect((await password(await withOperator('operator', { adminsNeedTotp: true }))).result.ok).toBe(true);
    expect((await password(await withOperator('admin'))).result.ok).toBe(true);
  });
});

describe('the per-name limit of an operator with a second factor', () => {
  // Retry-After is the window for every refusal (issue 24 #4: the delay it would show tells TOTP names apart).
  it('is a growing delay, not a 15-minute lock-out: after 5 failures 1 s, then 2 s, 4 s …', async () => {
    const f = await withOperator();
    await enrol(f);
    f.clock.advance(60_000);
    for (let i = 0; i < 5; i++) expect((await password(f, `wrong-${i}-password`, `198.51.100.${i}`)).outcome).toBe('badCredentials');
    expect((await password(f)).result).toEqual({ ok: false, error: { kind: 'RateLimited', retryAfterSeconds: 900 } });
    f.clock.advance(1_000);
    expect((await password(f, 'still wrong!', '198.51.100.9')).outcome).toBe('badCredentials');
    expect((await password(f)).result).toEqual({ ok: false, error: { kind: 'RateLimited', retryAfterSeconds: 900 } });
    f.clock.advance(2_000);
    // The owner, with the right password, gets the code form after seconds, not after 15 minutes.
    expect((await password(f)).result).toMatchObject({ ok: false, error: { kind: 'CodeRequired' } });
  });

  it('counts wrong codes like wrong passwords, with the same delay', async () => {
    const f = await withOperator();
    await enrol(f);
    f.clock.advance(60_000);
    const challenge = await challengeOf(f);
    for (let i = 0; i < 5; i++) expect((await f.signIn.confirmCode({ challenge, code: '000000', ip: IP })).outcome).toBe('badCode');
    expect((await f.signIn.confirmCode({ challenge, code: '000000', ip: IP })).result).toMatchObject({
      ok: false,
      error: { kind: 'RateLimited' },
    });
  });

  it('keeps the 15-minute lock-out for an operator without one, and the per-address limit for everyone', async () => {
    const f = await withOperator();
    for (let i = 0; i < 5; i++) await password(f, `wrong-${i}-password`, `198.51.100.${i}`);
    expect((await password(f)).result).toEqual({ ok: false, error: { kind: 'RateLimited', retryAfterSeconds: 900 } });

    const g = await withOperator();
    await enrol(g);
    for (let i = 0; i < 20; i++) await g.signIn.execute({ name: `nobody${i}`, password: 'x', ip: '198.51.100.50' });
    expect((await password(g, PASSWORD, '198.51.100.50')).result).toEqual({
      ok: false,
      error: { kind: 'RateLimited', retryAfterSeconds: 900 },
    });
  });
});
