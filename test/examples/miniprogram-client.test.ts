import { describe, expect, it } from 'vitest';
import { priceLabel, priceOf, yuan } from '../../examples/miniprogram/pricing.js';
import { DEFAULT_SESSION_KEY, EXPIRY_MARGIN_MS, MemoryStorage, type KeyValueStorage } from '../../examples/miniprogram/session-store.js';
import { WxPayClient, type GoodsView, type WxLike, type WxRequestOptions } from '../../examples/miniprogram/wxpay-client.js';

/**
 * The client against a scripted server, with no network: a fake `wx` whose request answers from `route`, and a
 * clock the test moves. The e2e test runs the same client against the real service; this one covers what a real
 * service will not do on demand (refuse every token, answer two calls at once, outlive a token's expiry).
 */
type Answer = { status: number; data: unknown };
type Route = (method: string, path: string, token: string | undefined) => Answer | undefined;

const ok = (data: unknown): Answer => ({ status: 200, data: { errcode: 200, msg: 'SUCCESS', data } });
const fail = (status: number, msg: string): Answer => ({ status, data: { errcode: status, msg, data: null } });
const HOUR = 3_600_000;

function fakeWx(route: Route) {
  const log: string[] = [];
  let codes = 0;
  const wx: WxLike = {
    login(options) {
      codes += 1;
      const code = `code-${codes}`;
      log.push(`wx.login ${code}`);
      setTimeout(() => options.success?.({ code }), 0);
    },
    request(options: WxRequestOptions) {
      const path = options.url.replace(/^https:\/\/api\.test/, '');
      const token = /^Bearer (.+)$/.exec(options.header?.authorization ?? '')?.[1];
      const answer =
        path === '/wechat/login'
          ? ok({ token: `token-for-${String(options.data?.code)}`, uid: 7, expiresIn: 7200 })
          : (route(options.method ?? 'GET', path, token) ?? fail(404, 'not found'));
      log.push(`${options.method ?? 'GET'} ${path} ${token ?? '-'} → ${answer.status}`);
      setTimeout(() => options.success?.({ statusCode: answer.status, data: answer.data }), 0);
    },
    requestPayment(options) {
      log.push('wx.requestPayment');
      setTimeout(() => options.fail?.({ errMsg: 'requestPayment:fail cancel' }), 0);
    },
  };
  return { wx, log };
}

/** A server that accepts only the tokens in `valid` on /wechat/integral. */
const integralFor =
  (valid: (token: string | undefined) => boolean): Route =>
  (method, path, token) => {
    if (path !== '/wechat/integral') return undefined;
    return valid(token) ? ok({ balance: 3, journal: [] }) : fail(401, 'invalid or expired token');
  };

const makeClient = (wx: WxLike, storage: KeyValueStorage = new MemoryStorage(), clock = { now: 1_000_000 }) =>
  new WxPayClient(wx, { baseUrl: 'https://api.test/', storage, now: () => clock.now, poll: { initialDelayMs: 1, timeoutMs: 50 } });

describe('WxPayClient session handling', () => {
  it('signs in on the first authenticated call and stores the token with its expiry', async () => {
    const { wx, log } = fakeWx(integralFor((t) => t === 'token-for-code-1'));
    const storage = new MemoryStorage();
    const client = makeClient(wx, storage);
    expect(client.signedIn).toBe(false);

    expect(await client.integral()).toEqual({ balance: 3, journal: [] });

    expect(log).toEqual(['wx.login code-1', 'POST /wechat/login - → 200', 'GET /wechat/integral token-for-code-1 → 200']);
    expect(storage.getStorageSync(DEFAULT_SESSION_KEY)).toEqual({ token: 'token-for-code-1', uid: 7, expiresAt: 1_000_000 + 2 * HOUR });
    expect(client.signedIn).toBe(true);
  });

  it('reuses a stored token until the expiry margin, then signs in again', async () => {
    const storage = new MemoryStorage();
    storage.setStorageSync(DEFAULT_SESSION_KEY, { token: 'stored', uid: 7, expiresAt: 1_000_000 + HOUR });
    const { wx, log } = fakeWx(integralFor(() => true));
    const clock = { now: 1_000_000 };
    const client = makeClient(wx, storage, clock);

    await client.integral();
    clock.now = 1_000_000 + HOUR - EXPIRY_MARGIN_MS - 1; // still valid
    await client.integral();
    clock.now += 1; // inside the margin: too close to expiry to start anything with
    await client.integral();

    expect(log).toEqual([
      'GET /wechat/integral stored → 200',
      'GET /wechat/integral stored → 200',
      'wx.login code-1',
      'POST /wechat/login - → 200',
      'GET /wechat/integral token-for-code-1 → 200',
    ]);
  });

  it('on a 401 signs in again once and retries once, then never loops: a second 401 is thrown', async () => {
    const { wx, log } = fakeWx(integralFor(() => false));
    const storage = new MemoryStorage();
    storage.setStorageSync(DEFAULT_SESSION_KEY, { token: 'stored', uid: 7, expiresAt: 1_000_000 + HOUR });

    await expect(makeClient(wx, storage).integral()).rejects.toMatchObject({ name: 'WxPayApiError', status: 401 });

    expect(log).toEqual([
      'GET /wechat/integral stored → 401',
      'wx.login code-1',
      'POST /wechat/login - → 200',
      'GET /wechat/integral token-for-code-1 → 401',
    ]);
  });

  it('drops a refused token from storage even when signing in again fails', async () => {
    const storage = new MemoryStorage();
    storage.setStorageSync(DEFAULT_SESSION_KEY, { token: 'stored', uid: 7, expiresAt: 1_000_000 + HOUR });
    const { wx } = fakeWx(integralFor(() => false));
    const offline: WxLike = { ...wx, login: (options) => options.fail?.({ errMsg: 'login:fail offline' }) };

    await expect(makeClient(offline, storage).integral()).rejects.toMatchObject({ name: 'WxCallError', errMsg: 'login:fail offline' });
    expect(storage.getStorageSync(DEFAULT_SESSION_KEY)).toBe('');
  });

  it('retries only a 401: other refusals are thrown at once', async () => {
    const { wx, log } = fakeWx((_m, path) => (path === '/wechat/orders/123' ? fail(403, 'not your order') : undefined));
    const client = makeClient(wx);
    await expect(client.orderStatus('123')).rejects.toMatchObject({ status: 403, message: 'not your order' });
    expect(log.filter((l) => l.startsWith('wx.login'))).toHaveLength(1);
    expect(log.filter((l) => l.startsWith('GET /wechat/orders/123'))).toHaveLength(1);
  });

  it('calls that need a session at the same moment share one sign-in, and one re-sign-in after a shared 401', async () => {
    const { wx, log } = fakeWx(integralFor((t) => t === 'token-for-code-2'));
    const client = makeClient(wx);

    await Promise.all([client.integral(), client.integral(), client.integral()]);

    // One sign-in for the three; all three refused; one new sign-in for the three retries.
    expect(log.filter((l) => l.startsWith('wx.login'))).toEqual(['wx.login code-1', 'wx.login code-2']);
    expect(log.filter((l) => l.endsWith('→ 401'))).toHaveLength(3);
    expect(log.filter((l) => l === 'GET /wechat/integral token-for-code-2 → 200')).toHaveLength(3);
  });

  it('ignores a malformed stored value and survives storage that throws', async () => {
    for (const junk of ['', 'token', { token: '' }, { token: 'x', uid: '7', expiresAt: Infinity }, null]) {
      const storage = new MemoryStorage();
      storage.setStorageSync(DEFAULT_SESSION_KEY, junk);
      expect(makeClient(fakeWx(() => undefined).wx, storage).signedIn).toBe(false);
    }
    const broken: KeyValueStorage = {
      getStorageSync: () => {
        throw new Error('getStorageSync:fail');
      },
      setStorageSync: () => {
        throw new Error('setStorageSync:fail exceed storage max size');
      },
      removeStorageSync: () => {
        throw new Error('removeStorageSync:fail');
      },
    };
    const client = makeClient(fakeWx(integralFor(() => true)).wx, broken);
    expect((await client.integral()).balance).toBe(3); // the session simply lives in memory
    client.signOut();
    expect(client.signedIn).toBe(false);
  });

  it('does not retry a refused login code', async () => {
    const { wx, log } = fakeWx(() => undefined);
    const refusing: WxLike = {
      ...wx,
      request: (options) =>
        options.url.endsWith('/wechat/login')
          ? options.success?.({ statusCode: 401, data: { errcode: 401, msg: 'invalid, used or expired login code', data: null } })
          : wx.request(options),
    };
    await expect(makeClient(refusing).integral()).rejects.toMatchObject({ status: 401, path: '/wechat/login' });
    expect(log).toEqual(['wx.login code-1']);
  });
});

describe('WxPayClient coin-only purchase', () => {
  const coinPaid = ok({
    status: 1,
    result: 'success',
    data: { paid: true, outTradeNo: '20261127231602000210952679', paidIntegral: 5, message: 'paid with health coins' },
  });

  it('is paid without the cashier even when the confirming look-up fails', async () => {
    const { wx, log } = fakeWx((method, path) => {
      if (path === '/wechat/prepay') return coinPaid;
      if (path.startsWith('/wechat/orders/')) return fail(503, 'busy');
      return undefined;
    });

    const result = await makeClient(wx).pay(3, 'INTEGRAL');

    expect(result).toEqual({ kind: 'paid', via: 'coins', outTradeNo: '20261127231602000210952679', paidIntegral: 5, order: undefined });
    expect(log).not.toContain('wx.requestPayment');
    expect(log.filter((l) => l.startsWith('GET /wechat/orders/'))).toHaveLength(1); // confirmed once, not polled
  });

  it('still rejects a prepay answer that is neither a grant nor a coin payment', async () => {
    const { wx } = fakeWx((_m, path) =>
      path === '/wechat/prepay' ? ok({ status: 1, result: 'success', data: { paid: false } }) : undefined,
    );
    const result = await makeClient(wx).pay(3, 'INTEGRAL');
    expect(result).toMatchObject({ kind: 'error', reason: 'request:fail unexpected answer from /wechat/prepay' });
  });
});

describe('example pricing (pricing.ts)', () => {
  const goods: GoodsView = { id: 1, name: 'Yoga', marketPrice: 9900, salePrice: 6900, integral: 30, online: true };

  it('formats fen as yuan without floating point', () => {
    expect([0, 5, 100, 1005, 6900, 123456789, -250].map(yuan)).toEqual(['0.00', '0.05', '1.00', '10.05', '69.00', '1234567.89', '-2.50']);
  });

  it('labels each paid type with what the server will charge', () => {
    expect(priceLabel(priceOf(goods, 'WXPAY'))).toBe('¥99.00');
    expect(priceLabel(priceOf(goods, 'INTEGRAL'))).toBe('¥69.00 + 30 健康币 coins');
    expect(priceLabel(priceOf(goods, 'MIXED'))).toBe('¥69.00 + 30 健康币 coins');
    expect(priceLabel(priceOf({ ...goods, salePrice: 0, integral: 1 }, 'INTEGRAL'))).toBe('1 健康币 coin');
  });
});
