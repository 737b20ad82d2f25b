import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode } from '../../../src/domain/base32.js';
import { totpAt } from '../../../src/domain/totp.js';
import { consoleApp, CONSOLE_PASSWORD, postForm, type ConsoleApp } from '../../support/console-app.js';

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

    const begun = await postForm(app, '/console/account/totp/begin', session, { _csrf: session.csrf });
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

  it('slows wrong guesses for the name down (429, Retry-After of seconds), never locks its owner out for 15 minutes', async () => {
    // Past the window of the wrong codes above: five fresh failures.
    app.f.clock.advance(15 * 60_000 + 1);
    for (let i = 0; i < 5; i++) expect((await signInWithPassword(app, name, `wrong password ${i}`)).res.status).toBe(401);
    const limited = await signInWithPassword(app, name);
    expect(limited.res.status).toBe(429);
    expect(limited.res.headers.get('retry-after')).toBe('1');
    expect(limited.page).toContain('请 1 秒后再试');
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
