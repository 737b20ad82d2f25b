import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_ROLES, type OperatorRole, type Permission } from '../../../src/domain/operator-role.js';
import { consoleApp, CONSOLE_PASSWORD, postForm, type ConsoleApp } from '../../support/console-app.js';

/** The roles, written out: a role added in src must be added here, with its row in every action below. */
const ROLES = ['viewer', 'operator', 'admin'] as const satisfies readonly OperatorRole[];

/**
 * Every state-changing console route, the capability it is registered with, and the roles that may use it: the
 * role × action table itself, written out rather than read from src's PERMISSIONS/allows(), so a permission loosened
 * in src fails here. A new route must be added here to pass.
 */
const ACTIONS: Readonly<Record<string, { permission: Permission; allowed: readonly OperatorRole[] }>> = {
  '/console/logout': { permission: 'read', allowed: ['viewer', 'operator', 'admin'] },
  '/console/orders/:outTradeNo/refund': { permission: 'refund', allowed: ['operator', 'admin'] },
  '/console/orders/:outTradeNo/review': { permission: 'resolveReview', allowed: ['operator', 'admin'] },
  '/console/goods': { permission: 'manageGoods', allowed: ['admin'] },
  '/console/goods/:id': { permission: 'manageGoods', allowed: ['admin'] },
  '/console/goods/:id/online': { permission: 'manageGoods', allowed: ['admin'] },
  '/console/users/:uid/grant': { permission: 'grantCoins', allowed: ['operator', 'admin'] },
  '/console/reconciliation/bill': { permission: 'reconcile', allowed: ['operator', 'admin'] },
  '/console/operators': { permission: 'manageOperators', allowed: ['admin'] },
  '/console/operators/:name/role': { permission: 'manageOperators', allowed: ['admin'] },
  '/console/operators/:name/disable': { permission: 'manageOperators', allowed: ['admin'] },
  '/console/operators/:name/enable': { permission: 'manageOperators', allowed: ['admin'] },
  '/console/operators/:name/password': { permission: 'manageOperators', allowed: ['admin'] },
  '/console/operators/:name/totp/remove': { permission: 'manageOperators', allowed: ['admin'] },
  '/console/operators/:name/shops': { permission: 'manageOperators', allowed: ['admin'] },
  // Each operator's own second factor: every role, for itself only.
  '/console/account/totp/begin': { permission: 'read', allowed: ['viewer', 'operator', 'admin'] },
  '/console/account/totp/confirm': { permission: 'read', allowed: ['viewer', 'operator', 'admin'] },
  '/console/account/totp/remove': { permission: 'read', allowed: ['viewer', 'operator', 'admin'] },
};

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

describe('console security', () => {
  let app: ConsoleApp;
  let paidOrder = '';
  beforeAll(async () => {
    app = await consoleApp();
    const prepay = await app.f.requestPrepay.execute({ uid: app.f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
    if (!prepay.ok) throw new Error('prepay failed');
    await app.f.handleNotify.execute(app.f.gateway.pay(prepay.value.outTradeNo));
    paidOrder = prepay.value.outTradeNo;
  });
  afterAll(async () => app?.close());

  const concrete = (path: string): string =>
    path.replace(':outTradeNo', paidOrder).replace(':id', '3').replace(':uid', String(app.f.user.uid)).replace(':name', 'someone');

  it('registers every POST route through the checked action table, and the table is the one above', () => {
    const posts = ((app.router as unknown as { stack: Layer[] }).stack ?? [])
      .filter((l) => l.route?.methods.post)
      .map((l) => l.route?.path)
      // The two sign-in forms come before any session: they carry their own login-CSRF token instead.
      .filter((p) => p !== '/console/login' && p !== '/console/login/code');
    expect(posts.sort()).toEqual(app.actions.map((a) => a.path).sort());
    expect(Object.fromEntries(app.actions.map((a) => [a.path, a.permission]))).toEqual(
      Object.fromEntries(Object.entries(ACTIONS).map(([path, { permission }]) => [path, permission])),
    );
  });

  it('knows exactly the roles src knows', () => {
    expect([...OPERATOR_ROLES].sort()).toEqual([...ROLES].sort());
  });

  describe.each(Object.entries(ACTIONS).map(([path, { allowed }]) => [path, allowed.join(', ')] as const))(
    'POST %s (allowed: %s)',
    (path) => {
      const refused = ROLES.filter((role) => !ACTIONS[path]!.allowed.includes(role));
      it.each(refused)('is refused to a %s, and changes nothing', async (role) => {
        const session = await app.session(role);
        const auditBefore = app.f.audit.entries.length;
        const res = await postForm(app, concrete(path), session, {
          _csrf: session.csrf,
          amount: '1',
          amount_fen: '1',
          confirm: 'yes',
          request_key: 'k',
          note: 'n',
          name: 'newname',
          role: 'admin',
          password: 'a new password!',
          online: '0',
          market_price: '1',
          sale_price: '1',
          grant_id: 'g',
          date: '2026-01-14',
        });
        expect(res.status).toBe(403);
        expect(await res.text()).toContain('你的角色无权执行此操作');
        expect(app.f.audit.entries.length).toBe(auditBefore);
      });

      it('is refused without the session CSRF token, with another session’s, and from another origin', async () => {
        const session = await app.session('admin');
        const other = await app.session('admin');
        for (const [form, headers] of [
          [{}, {}],
          [{ _csrf: '' }, {}],
          [{ _csrf: other.csrf }, {}],
          [{ _csrf: session.csrf }, { origin: 'https://evil.example' }],
          [{ _csrf: session.csrf }, { origin: 'null' }],
        ] as const) {
          const res = await postForm(app, concrete(path), session, form, headers);
          expect(res.status).toBe(403);
          expect(await res.text()).toContain('表单已失效');
        }
      });

      it('is refused without a session', async () => {
        const res = await postForm(app, concrete(path), undefined, { _csrf: 'x' });
        expect(res.status).toBe(401);
      });
    },
  );

  it('redirects a page without a session to the sign-in form, and back after it', async () => {
    const res = await fetch(`${app.baseUrl}/console/orders?status=SUCC`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/login?next=${encodeURIComponent('/console/orders?status=SUCC')}`);
  });

  it('serves pages with a strict Content-Security-Policy and no caching', async () => {
    const session = await app.session('viewer');
    const res = await fetch(`${app.baseUrl}/console`, { headers: { cookie: session.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const page = await res.text();
    expect(page).not.toMatch(/<script|\sstyle=|\son\w+=/i);
    expect(page).not.toMatch(/https?:\/\//); // nothing from another origin
  });

  it('keeps a viewer to reading: pages open, no refund form is shown', async () => {
    const viewer = await app.session('viewer');
    const page = await (await fetch(`${app.baseUrl}/console/orders/${paidOrder}`, { headers: { cookie: viewer.cookie } })).text();
    expect(page).toContain(paidOrder);
    expect(page).not.toContain('/refund"');
    const operator = await app.session('operator');
    const theirs = await (await fetch(`${app.baseUrl}/console/orders/${paidOrder}`, { headers: { cookie: operator.cookie } })).text();
    expect(theirs).toContain(`/console/orders/${paidOrder}/refund"`);
    expect((await fetch(`${app.baseUrl}/console/operators`, { headers: { cookie: operator.cookie } })).status).toBe(403);
  });
});

describe('console sign-in over HTTP', () => {
  let app: ConsoleApp;
  beforeAll(async () => {
    app = await consoleApp({ trustProxyHops: 1 });
    await app.f.manageOperators.add({ name: 'olivia', role: 'operator', password: CONSOLE_PASSWORD }, 'cli');
  });
  afterAll(async () => app?.close());

  /** The sign-in form's token and the cookie that goes with it, as a browser gets them. */
  async function loginForm(headers: Record<string, string> = {}) {
    const res = await fetch(`${app.baseUrl}/console/login`, { headers });
    const cookie = (res.headers.getSetCookie().find((c) => c.startsWith('wxpay_console_login=')) ?? '').split(';')[0] ?? '';
    const token = /name="_login" value="([^"]+)"/.exec(await res.text())?.[1] ?? '';
    return { cookie, token };
  }
  const signIn = async (password: string, headers: Record<string, string> = {}) => {
    const form = await loginForm(headers);
    return fetch(`${app.baseUrl}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie, ...headers },
      body: new URLSearchParams({ _login: form.token, name: 'olivia', password, next: '/console/orders' }).toString(),
    });
  };

  it('sets an HttpOnly, SameSite=Strict session cookie, Secure behind a trusted HTTPS proxy', async () => {
    const plain = await signIn(CONSOLE_PASSWORD);
    expect(plain.status).toBe(303);
    expect(plain.headers.get('location')).toBe('/console/orders');
    const cookie = plain.headers.getSetCookie().find((c) => c.startsWith('wxpay_console='));
    expect(cookie).toMatch(/; Max-Age=43200; Path=\/console; Expires=.*; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain('Secure');

    const proxied = await signIn(CONSOLE_PASSWORD, { 'x-forwarded-proto': 'https' });
    expect(proxied.headers.getSetCookie().find((c) => c.startsWith('wxpay_console='))).toMatch(/; HttpOnly; Secure; SameSite=Strict$/);
  });

  it('refuses a sign-in form posted without its own token (login CSRF)', async () => {
    const res = await fetch(`${app.baseUrl}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'olivia', password: CONSOLE_PASSWORD }).toString(),
    });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('wxpay_console='))).toBe(false);
  });

  it('rate-limits failures per name (429 with Retry-After), records every attempt, and never says which part was wrong', async () => {
    const before = app.f.loginAttempts.attempts.length;
    for (let i = 0; i < 5; i++) {
      const res = await signIn(`wrong password ${i}`, { 'x-forwarded-for': `198.51.100.${i}` });
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('用户名或密码错误');
    }
    const limited = await signIn(CONSOLE_PASSWORD, { 'x-forwarded-for': '198.51.100.77' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('900');
    expect(limited.headers.getSetCookie().some((c) => c.startsWith('wxpay_console='))).toBe(false);
    const attempts = app.f.loginAttempts.attempts.slice(before);
    expect(attempts.map((a) => [a.ip, a.outcome])).toEqual([
      ['198.51.100.0', 'badCredentials'],
      ['198.51.100.1', 'badCredentials'],
      ['198.51.100.2', 'badCredentials'],
      ['198.51.100.3', 'badCredentials'],
      ['198.51.100.4', 'badCredentials'],
      ['198.51.100.77', 'rateLimited'],
    ]);
  });

  it('signing out revokes the session: the same cookie opens nothing afterwards', async () => {
    const session = await app.session('viewer');
    expect((await fetch(`${app.baseUrl}/console`, { headers: { cookie: session.cookie }, redirect: 'manual' })).status).toBe(200);
    const out = await postForm(app, '/console/logout', session, { _csrf: session.csrf });
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().find((c) => c.startsWith('wxpay_console='))).toContain('Expires=Thu, 01 Jan 1970');
    const again = await fetch(`${app.baseUrl}/console`, { headers: { cookie: session.cookie }, redirect: 'manual' });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toContain('ended=1');
  });

  it('ends a session after 30 idle minutes', async () => {
    const session = await app.session('viewer');
    app.f.clock.advance(30 * 60_000);
    const res = await fetch(`${app.baseUrl}/console`, { headers: { cookie: session.cookie }, redirect: 'manual' });
    expect(res.status).toBe(303);
  });

  it('never redirects a sign-in elsewhere than the console', async () => {
    const form = await loginForm();
    const res = await fetch(`${app.baseUrl}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
      body: new URLSearchParams({ _login: form.token, name: 'x', password: 'y', next: '//evil.example/console' }).toString(),
    });
    expect(await res.text()).toContain('name="next" value="/console"');
  });
});
