import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode } from '../../../src/domain/base32.js';
import { totpAt } from '../../../src/domain/totp.js';
import { consoleApp, CONSOLE_PASSWORD, postForm, type ConsoleApp, type ConsoleSession } from '../../support/console-app.js';

const hmacSha1 = (key: Uint8Array, message: Uint8Array): Uint8Array => createHmac('sha1', key).update(message).digest();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The sign-in forms as a browser goes through them: the form token and its cookie, then each POST. */
async function loginForm(app: ConsoleApp) {
  const res = await fetch(`${app.baseUrl}/console/login`);
  const cookie = (res.headers.getSetCookie().find((c) => c.startsWith('wxpay_console_login=')) ?? '').split(';')[0] ?? '';
  const token = /name="_login" value="([^"]+)"/.exec(await res.text())?.[1] ?? '';
  return { cookie, token };
}

async function signInWithPassword(app: ConsoleApp, name: string, password = CONSOLE_PASSWORD) {
  const form = await loginForm(app);
  const res = await fetch(`${app.baseUrl}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...FORM, cookie: form.cookie },
    body: new URLSearchParams({ _login: form.token, name, password, next: '/console/orders' }).toString(),
  });
  const page = await res.text();
  const codeForm = {
    cookie: (res.headers.getSetCookie().find((c) => c.startsWith('wxpay_console_login=')) ?? '').split(';')[0] ?? '',
    token: /name="_login" value="([^"]+)"/.exec(page)?.[1] ?? '',
    challenge: /name="challenge" value="([^"]+)"/.exec(page)?.[1] ?? '',
  };
  return { res, page, codeForm };
}

function postCode(app: ConsoleApp, form: { cookie: string; token: string; challenge: string }, code: string) {
  return fetch(`${app.baseUrl}/console/login/code`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...FORM, cookie: form.cookie },
    body: new URLSearchParams({ _login: form.token, challenge: form.challenge, code, next: '/console/orders' }).toString(),
  });
}

const sessionCookie = (res: Response): string | undefined =>
  res.headers
    .getSetCookie()
    .find((c) => c.startsWith('wxpay_console='))
    ?.split(';')[0];

describe('console: two-step sign-in over HTTP', () => {
  let app: ConsoleApp;
  let secret: Uint8Array = new Uint8Array();
  let name = '';
  const codeNow = (offsetMs = 0) => totpAt(hmacSha1, secret, new Date(app.f.clock.now().getTime() + offsetMs));

  beforeAll(async () => {
    app = await consoleApp();
  });
  afterAll(async () => app?.close());

  it('enrols from the operator’s own page: the secret and otpauth URI shown, active only after a first code', async () => {
    const session = await app.session('viewer');
    name = session.name;
    const page = await fetch(`${app.baseUrl}/console/account/totp`, { headers: { cookie: session.cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('两步验证未启用');

    const begun = await postForm(app, '/console/account/totp/begin', session, { _csrf: session.csrf, password: CONSOLE_PASSWORD });
    const html = await begun.text();
    expect(begun.status).toBe(200);
    const shown = /id="totp-secret">([A-Z2-7]+)</.exec(html)?.[1] ?? '';
    expect(html).toContain(`otpauth://totp/wxpay%20console:${name}?secret=${shown}&amp;issuer=wxpay%20console`);
    secret = base32Decode(shown) ?? new Uint8Array();
    expect(secret).toHaveLength(20);
    // Not active before its first code: the password alone still signs in.
    expect((await signInWithPassword(app, name)).res.status).toBe(303);

    const wrong = await postForm(app, '/console/account/totp/confirm', session, { _csrf: session.csrf, code: '000000' });
    expect(wrong.status).toBe(400);
    const confirmed = await postForm(app, '/console/account/totp/confirm', session, { _csrf: session.csrf, code: codeNow() });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe('/console/account/totp?done=totp');
    expect(app.f.audit.entries.at(-1)).toMatchObject({ action: 'operator.totp-enabled', actor: `operator:${name}` });
  });

  it('asks for the code after the password, and signs in with it; no session before', async () => {
    app.f.clock.advance(60_000);
    const { res, page, codeForm } = await signInWithPassword(app, name);
    expect(res.status).toBe(200);
    expect(sessionCookie(res)).toBeUndefined();
    expect(page).toContain('name="code"');
    expect(page).not.toContain(CONSOLE_PASSWORD);

    const wrong = await postCode(app, codeForm, '123456' === codeNow() ? '654321' : '123456');
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('验证码错误或已使用过');

    const ok = await postCode(app, codeForm, codeNow());
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/console/orders');
    const cookie = sessionCookie(ok) ?? '';
    expect((await fetch(`${app.baseUrl}/console/orders`, { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
  });

  it('refuses the same code again (a replay), and a code form without its login token', async () => {
    const { codeForm } = await signInWithPassword(app, name);
    const replay = await postCode(app, codeForm, codeNow());
    expect(replay.status).toBe(401);
    expect(sessionCookie(replay)).toBeUndefined();
    const noToken = await postCode(app, { ...codeForm, cookie: '' }, codeNow(30_000));
    expect(noToken.status).toBe(403);
    expect(sessionCookie(noToken)).toBeUndefined();
  });

  it('slows wrong guesses for the name down (429), never locks its owner out for 15 minutes', async () => {
    // Past the window of the wrong codes above: five fresh failures.
    app.f.clock.advance(15 * 60_000 + 1);
    for (let i = 0; i < 5; i++) expect((await signInWithPassword(app, name, `wrong password ${i}`)).res.status).toBe(401);
    const limited = await signInWithPassword(app, name);
    expect(limited.res.status).toBe(429);
    // The same answer as a name without a second factor (Retry-After the window): the owner may still try sooner.
    expect(limited.res.headers.get('retry-after')).toBe('900');
    expect(limited.page).toContain('请 15 分钟后再试');
    app.f.clock.advance(1_000);
    const { res, codeForm } = await signInWithPassword(app, name);
    expect(res.status).toBe(200);
    expect((await postCode(app, codeForm, codeNow())).status).toBe(303);
  });
});

describe('console: an admin without a second factor outside the sandbox', () => {
  let app: ConsoleApp;
  beforeAll(async () => {
    app = await consoleApp({ adminsNeedTotp: true });
    await app.f.manageOperators.add({ name: 'root', role: 'admin', password: CONSOLE_PASSWORD }, 'cli');
  });
  afterAll(async () => app?.close());

  it('is refused after the right password, told how to enrol by the CLI', async () => {
    const { res, page } = await signInWithPassword(app, 'root');
    expect(res.status).toBe(403);
    expect(sessionCookie(res)).toBeUndefined();
    expect(page).toContain('npm run operator -- totp root');
    expect((await signInWithPassword(app, 'root', 'a wrong password')).res.status).toBe(401);
  });
});

describe('console: changing a second factor needs more than a session cookie (issue 24 #4)', () => {
  let app: ConsoleApp;
  beforeAll(async () => {
    app = await consoleApp();
  });
  afterAll(async () => app?.close());

  const isLive = async (cookie: string) =>
    (await fetch(`${app.baseUrl}/console/account/totp`, { headers: { cookie }, redirect: 'manual' })).status === 200;
  /** Another browser of the same operator, signed in with the password alone. */
  const otherSession = async (name: string) => {
    const signed = await app.f.signIn.execute({ name, password: CONSOLE_PASSWORD, ip: '127.0.0.1' });
    if (!signed.result.ok) throw new Error(signed.result.error.kind);
    return `wxpay_console=${signed.result.value.token}`;
  };
  const enrol = async (session: ConsoleSession) => {
    const begun = await postForm(app, '/console/account/totp/begin', session, { _csrf: session.csrf, password: CONSOLE_PASSWORD });
    const secret = base32Decode(/id="totp-secret">([A-Z2-7]+)</.exec(await begun.text())?.[1] ?? '') ?? new Uint8Array();
    const code = totpAt(hmacSha1, secret, app.f.clock.now());
    const res = await postForm(app, '/console/account/totp/confirm', session, { _csrf: session.csrf, code });
    return Object.assign(res, { secret });
  };
  /** Another browser of an operator with a second factor: password, then a code of a later time step. */
  const otherSessionWithCode = async (name: string, secret: Uint8Array) => {
    app.f.clock.advance(30_000);
    const first = await app.f.signIn.execute({ name, password: CONSOLE_PASSWORD, ip: '127.0.0.1' });
    const challenge = !first.result.ok && first.result.error.kind === 'CodeRequired' ? first.result.error.challenge : '';
    const code = totpAt(hmacSha1, secret, app.f.clock.now());
    const signed = await app.f.signIn.confirmCode({ challenge, code, ip: '127.0.0.1' });
    if (!signed.result.ok) throw new Error(signed.result.error.kind);
    return `wxpay_console=${signed.result.value.token}`;
  };

  it('begins enrolment only with the current password, counted as a sign-in attempt', async () => {
    const session = await app.session('viewer');
    for (const form of [{}, { password: 'not the password' }] as Record<string, string>[]) {
      const refused = await postForm(app, '/console/account/totp/begin', session, { _csrf: session.csrf, ...form });
      expect(refused.status).toBe(401);
      expect(await refused.text()).not.toContain('totp-secret');
    }
    expect(await app.f.loginAttempts.failuresSince({ name: session.name }, new Date(0))).toBe(2);
    const begun = await postForm(app, '/console/account/totp/begin', session, { _csrf: session.csrf, password: CONSOLE_PASSWORD });
    expect(begun.status).toBe(200);
    expect(await begun.text()).toContain('id="totp-secret"');
  });

  it('holds the password check to the sign-in limits: after five wrong ones, even the right one is refused', async () => {
    const session = await app.session('viewer');
    for (let i = 0; i < 5; i++) {
      expect((await postForm(app, '/console/account/totp/begin', session, { _csrf: session.csrf, password: `wrong ${i}` })).status).toBe(
        401,
      );
    }
    const limited = await postForm(app, '/console/account/totp/begin', session, { _csrf: session.csrf, password: CONSOLE_PASSWORD });
    expect(limited.status).toBe(429);
    expect(await limited.text()).not.toContain('totp-secret');
  });

  it('turning it on ends the operator’s other sessions and keeps this one', async () => {
    const session = await app.session('viewer');
    const other = await otherSession(session.name);
    const stranger = await app.session('viewer');
    expect((await enrol(session)).status).toBe(303);
    expect(await isLive(session.cookie)).toBe(true);
    expect(await isLive(other)).toBe(false);
    expect(await isLive(stranger.cookie)).toBe(true);
  });

  it('removes one’s own only with the current password, and ends every other session of it', async () => {
    const session = await app.session('viewer');
    const enrolled = await enrol(session);
    expect(enrolled.status).toBe(303);
    const other = await otherSessionWithCode(session.name, enrolled.secret);
    expect(await isLive(other)).toBe(true);
    const refused = await postForm(app, '/console/account/totp/remove', session, { _csrf: session.csrf, password: 'nope' });
    expect(refused.status).toBe(401);
    expect(await app.f.manageTotp.status(session.name)).toEqual({ active: true, pending: false });

    const removed = await postForm(app, '/console/account/totp/remove', session, { _csrf: session.csrf, password: CONSOLE_PASSWORD });
    expect(removed.status).toBe(303);
    expect(await app.f.manageTotp.status(session.name)).toEqual({ active: false, pending: false });
    expect(app.f.audit.entries.at(-1)).toMatchObject({ action: 'operator.totp-removed', actor: `operator:${session.name}` });
    expect(await isLive(session.cookie)).toBe(true);
    expect(await isLive(other)).toBe(false);
  });

  it('lets an admin remove another operator’s second factor from the operators page, which signs them out', async () => {
    const admin = await app.session('admin');
    const target = await app.session('viewer');
    expect((await enrol(target)).status).toBe(303);
    const page = await (await fetch(`${app.baseUrl}/console/operators`, { headers: { cookie: admin.cookie } })).text();
    expect(page).toContain(`action="/console/operators/${target.name}/totp/remove"`);

    const viewer = await app.session('viewer');
    expect((await postForm(app, `/console/operators/${target.name}/totp/remove`, viewer, { _csrf: viewer.csrf })).status).toBe(403);
    expect((await postForm(app, `/console/operators/${target.name}/totp/remove`, admin, { _csrf: 'forged' })).status).toBe(403);
    expect(await app.f.manageTotp.status(target.name)).toEqual({ active: true, pending: false });

    const removed = await postForm(app, `/console/operators/${target.name}/totp/remove`, admin, { _csrf: admin.csrf });
    expect(removed.status).toBe(303);
    expect(await app.f.manageTotp.status(target.name)).toEqual({ active: false, pending: false });
    expect(app.f.audit.entries.at(-1)).toMatchObject({
      action: 'operator.totp-removed',
      actor: `operator:${admin.name}`,
      subject: `operator:${target.name}`,
    });
    expect(await isLive(target.cookie)).toBe(false);
    expect(await isLive(admin.cookie)).toBe(true);
  });

  it('refuses a name with a second factor in the same shape as one without, and as an unknown name', async () => {
    await app.close();
    app = await consoleApp(); // a fresh address: the failures above count against 127.0.0.1 too
    const withTotp = await app.session('viewer');
    expect((await enrol(withTotp)).status).toBe(303);
    const without = await app.session('viewer');
    const refusals = [];
    for (const name of [withTotp.name, without.name, 'nobody-here']) {
      for (let i = 0; i < 5; i++) expect((await signInWithPassword(app, name, `wrong password ${i}`)).res.status).toBe(401);
      const { res, page } = await signInWithPassword(app, name, `wrong password 5`);
      expect(res.status).toBe(429);
      refusals.push({ retryAfter: res.headers.get('retry-after'), text: /请 [^<]*后再试/.exec(page)?.[0] });
    }
    expect(refusals[0]).toEqual(refusals[1]);
    expect(refusals[1]).toEqual(refusals[2]);
  });
});
