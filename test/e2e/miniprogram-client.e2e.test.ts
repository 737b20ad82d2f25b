import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sandboxWx } from '../../examples/miniprogram/sandbox-wx.js';
import { DEFAULT_SESSION_KEY, MemoryStorage, type StoredSession } from '../../examples/miniprogram/session-store.js';
import {
  WxCallError,
  WxPayApiError,
  WxPayClient,
  type WxLike,
  type WxRequestPaymentOptions,
} from '../../examples/miniprogram/wxpay-client.js';
import { startService, tempSqliteUrl, type ServiceProcess } from '../support/service-process.js';

type Cashier = 'pay' | 'cancel' | 'pay-then-cancel';

interface StubWx extends WxLike {
  /** Every options object wx.requestPayment received, as given. */
  readonly payments: WxRequestPaymentOptions[];
  /** `METHOD /path` of every wx.request. */
  readonly requests: string[];
  /** `METHOD /path STATUS` of every wx.request that got an answer, in the order the answers came. */
  readonly answers: string[];
  /** How many times wx.login was called. */
  readonly logins: number;
}

/**
 * A stand-in for the mini-program runtime's `wx`, backed by fetch and the service's WeChat Pay simulator: wx.login
 * gets a code from the simulator (always for the same openid, as one WeChat user on one mini-program), wx.request
 * does the HTTP call with wx's semantics (success for any status), and wx.requestPayment plays the user in WeChat's
 * cashier.
 */
function stubWx(
  baseUrl: string,
  cashier: Cashier,
  opts: { loginCode?: string; openid?: string; afterPay?: () => Promise<void> } = {},
): StubWx {
  const { loginCode, afterPay, openid = `stub-${randomUUID()}` } = opts;
  const sim = `${baseUrl}/sandbox/wxpay/control`;
  const payments: WxRequestPaymentOptions[] = [];
  const requests: string[] = [];
  const answers: string[] = [];
  let logins = 0;
  const post = async (url: string, body: unknown): Promise<Response> =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const userPays = async (pkg: string): Promise<void> => {
    const res = await post(`${sim}/pay`, { prepay_id: pkg.replace(/^prepay_id=/, '') });
    if (!res.ok) throw new Error(`simulator refused the payment: ${res.status} ${await res.text()}`);
  };

  return {
    payments,
    requests,
    answers,
    get logins() {
      return logins;
    },
    login(options) {
      logins += 1;
      const code =
        loginCode !== undefined
          ? Promise.resolve(loginCode)
          : post(`${sim}/code`, { openid }).then(async (r) => ((await r.json()) as { code: string }).code);
      code.then(
        (c) => options.success?.({ code: c, errMsg: 'login:ok' }),
        (e: unknown) => options.fail?.({ errMsg: `login:fail ${String(e)}` }),
      );
    },
    request(options) {
      const method = options.method ?? 'GET';
      const url = new URL(options.url);
      requests.push(`${method} ${url.pathname}`);
      let body: string | undefined;
      if (options.data !== undefined) {
        if (method === 'GET') for (const [k, v] of Object.entries(options.data)) url.searchParams.set(k, String(v));
        else body = JSON.stringify(options.data);
      }
      fetch(url, { method, headers: options.header, body })
        .then(async (res) => {
          const text = await res.text();
          let data: unknown = text;
          try {
            data = JSON.parse(text);
          } catch {
            // wx.request hands over the raw text when it is not JSON
          }
          answers.push(`${method} ${url.pathname} ${res.status}`);
          options.success?.({ statusCode: res.status, data });
        })
        .catch((e: unknown) => options.fail?.({ errMsg: `request:fail ${String(e)}` }));
    },
    requestPayment(options) {
      payments.push(options);
      void (async () => {
        if (cashier === 'cancel') return options.fail?.({ errMsg: 'requestPayment:fail cancel' });
        await userPays(options.package);
        if (cashier === 'pay') return options.success?.({ errMsg: 'requestPayment:ok' });
        // Paid, but the cashier reports a cancel: answer only once the server knows, so the case is deterministic.
        await afterPay?.();
        options.fail?.({ errMsg: 'requestPayment:fail cancel' });
      })().catch((e: unknown) => options.fail?.({ errMsg: `requestPayment:fail ${String(e)}` }));
    },
  };
}

const FAST_POLL = { initialDelayMs: 50, maxDelayMs: 200, factor: 2, timeoutMs: 10_000 };
const ADMIN_TOKEN = 'miniprogram-e2e-admin-token-0123';
const storedSession = (storage: MemoryStorage): StoredSession => storage.getStorageSync(DEFAULT_SESSION_KEY) as StoredSession;

describe('mini-program client (examples/miniprogram) against the running service', () => {
  let service: ServiceProcess;
  beforeAll(async () => {
    service = await startService({ ADMIN_TOKEN });
  });
  afterAll(async () => service?.stop());
  afterEach(async () => {
    await fetch(`${service.baseUrl}/sandbox/wxpay/control/faults`, { method: 'DELETE' });
  });

  /** A client as the app creates it at launch; pass the same storage to play a relaunch on the same device. */
  const clientFor = (wx: WxLike, storage = new MemoryStorage(), baseUrl = service.baseUrl): WxPayClient =>
    new WxPayClient(wx, { baseUrl, storage, poll: FAST_POLL });

  const grantCoins = async (uid: number, amount: number, grantId: string): Promise<void> => {
    const res = await fetch(`${service.baseUrl}/admin/integral/grant`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ uid, amount, grant_id: grantId }),
    });
    expect(res.status).toBe(200);
  };

  /** The API's own answer, bypassing the client, to compare the helpers with. */
  const raw = async (path: string, token?: string): Promise<unknown> => {
    const res = await fetch(`${service.baseUrl}${path}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
    return ((await res.json()) as { data: unknown }).data;
  };

  it('logs in, prepays, pays through wx.requestPayment and ends paid with the order SUCC', async () => {
    const wx = stubWx(service.baseUrl, 'pay');
    const client = clientFor(wx);
    const session = await client.login();
    expect(session).toMatchObject({ token: expect.any(String), uid: expect.any(Number), expiresIn: 604800 });

    const result = await client.pay(1, 'WXPAY');

    expect(result).toMatchObject({
      kind: 'paid',
      via: 'wechat',
      order: { status: 'SUCC', goodsId: 1, paidMoney: 9900, billNo: expect.stringMatching(/^\d{28}$/) },
    });
    const order = await client.orderStatus(result.outTradeNo!);
    expect(order.status).toBe('SUCC');
    expect(wx.requests.filter((r) => r === 'POST /wechat/login')).toHaveLength(1);
    expect(wx.requests).toContain(`GET /wechat/orders/${result.outTradeNo}`);
  });

  it('passes wx.requestPayment exactly the five signed fields and never appId', async () => {
    const wx = stubWx(service.baseUrl, 'pay');
    const result = await clientFor(wx).pay(1); // signs in on its own
    expect(result.kind).toBe('paid');

    expect(wx.payments).toHaveLength(1);
    const options = wx.payments[0]!;
    expect(Object.keys(options).sort()).toEqual(['fail', 'nonceStr', 'package', 'paySign', 'signType', 'success', 'timeStamp']);
    expect(options).not.toHaveProperty('appId');
    expect(options).toMatchObject({
      timeStamp: expect.stringMatching(/^\d{10}$/),
      nonceStr: expect.any(String),
      package: expect.stringMatching(/^prepay_id=wx/),
      signType: 'MD5',
      paySign: expect.stringMatching(/^[0-9A-F]{32}$/),
    });
    // The prepay_id is the one WeChat (the simulator) issued for this order.
    const simOrder = (await (await fetch(`${service.baseUrl}/sandbox/wxpay/control/orders/${result.outTradeNo}`)).json()) as {
      prepay_ids: string[];
    };
    expect(simOrder.prepay_ids).toContain(options.package.replace(/^prepay_id=/, ''));
  });

  it('reports a user cancel as cancelled after checking the order once, which stays CHECKED', async () => {
    const wx = stubWx(service.baseUrl, 'cancel');
    const client = clientFor(wx);
    await client.login();

    const result = await client.pay(1);

    expect(result).toMatchObject({ kind: 'cancelled', reason: 'requestPayment:fail cancel', order: { status: 'CHECKED' } });
    expect(wx.requests.filter((r) => r.startsWith('GET /wechat/orders/'))).toHaveLength(1);
    expect((await client.orderStatus(result.outTradeNo!)).status).toBe('CHECKED');
  });

  it('reports paid when the cashier says cancel but the user did pay', async () => {
    let outTradeNo = '';
    let token = '';
    const settled = async (): Promise<void> => {
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
        const res = await fetch(`${service.baseUrl}/wechat/orders/${outTradeNo}`, { headers: { authorization: `Bearer ${token}` } });
        if (((await res.json()) as { data: { status: string } }).data.status === 'SUCC') return;
      }
      throw new Error('the payment notify never reached the service');
    };
    const wx = stubWx(service.baseUrl, 'pay-then-cancel', { afterPay: settled });
    const client = clientFor(wx);
    ({ token } = await client.login());
    const prepay = await client.prepay(1);
    outTradeNo = prepay.outTradeNo;

    const result = await client.pay(1); // reuses the open order and its prepay_id

    expect(result).toMatchObject({ kind: 'paid', outTradeNo: prepay.outTradeNo, order: { status: 'SUCC' } });
  });

  describe('coin-only orders (demo goods 3: sale price 0 + 5 coins)', () => {
    it('is paid at once, without the cashier, and confirmed once; the coins are spent', async () => {
      const wx = stubWx(service.baseUrl, 'cancel'); // a cashier that would cancel: it must not be asked
      const client = clientFor(wx);
      const { uid } = await client.login();
      await grantCoins(uid, 5, 'coin-only');

      const result = await client.pay(3, 'INTEGRAL');

      expect(result).toEqual({
        kind: 'paid',
        via: 'coins',
        outTradeNo: expect.stringMatching(/^\d{14}0002\d{10}$/),
        paidIntegral: 5,
        order: expect.objectContaining({ status: 'SUCC', paidMoney: 0, paidIntegral: 5, paidType: 'INTEGRAL', goodsId: 3 }),
      });
      expect(wx.payments).toHaveLength(0);
      expect(wx.requests).toEqual(['POST /wechat/login', 'POST /wechat/prepay', `GET /wechat/orders/${result.outTradeNo}`]);
      const coins = await client.integral();
      expect(coins.balance).toBe(0);
      expect(coins.journal).toEqual(
        expect.arrayContaining([
          { delta: 5, operation: 'grant', outTradeNo: null, at: expect.any(Number) },
          { delta: -5, operation: 'reserve', outTradeNo: result.outTradeNo, at: expect.any(Number) },
        ]),
      );
    });

    it('is refused with the server reason when the coins do not suffice, and nothing is paid', async () => {
      const wx = stubWx(service.baseUrl, 'pay');
      const result = await clientFor(wx).pay(3, 'INTEGRAL');

      expect(result).toMatchObject({
        kind: 'error',
        reason: 'not enough health coins: 5 needed, balance 0',
        error: { name: 'WxPayApiError', status: 409 },
      });
      expect(wx.payments).toHaveLength(0);
    });

    it('prepay() says paidWithCoins instead of failing as an unexpected answer', async () => {
      const client = clientFor(stubWx(service.baseUrl, 'pay'));
      await grantCoins((await client.login()).uid, 5, 'prepay-only');
      expect(await client.prepay(3, 'MIXED')).toEqual({
        kind: 'paidWithCoins',
        outTradeNo: expect.any(String),
        paidIntegral: 5,
        message: 'paid with health coins; no WeChat payment is needed',
      });
    });
  });

  it('a MIXED order with a cash part goes through the cashier and commits the coins', async () => {
    const wx = stubWx(service.baseUrl, 'pay');
    const client = clientFor(wx);
    await grantCoins((await client.login()).uid, 30, 'mixed');

    const result = await client.pay(1, 'MIXED');

    expect(result).toMatchObject({ kind: 'paid', via: 'wechat', order: { status: 'SUCC', paidMoney: 6900, paidIntegral: 30 } });
    expect(wx.payments).toHaveLength(1);
    expect((await client.integral()).balance).toBe(0);
  });

  describe('the session token', () => {
    it('is kept in storage and reused after a relaunch, without wx.login', async () => {
      const storage = new MemoryStorage();
      const first = stubWx(service.baseUrl, 'pay');
      const { token, uid, expiresIn } = await clientFor(first, storage).login();
      expect(storedSession(storage)).toEqual({ token, uid, expiresAt: expect.any(Number) });
      expect(storedSession(storage).expiresAt).toBeGreaterThan(Date.now() + (expiresIn - 60) * 1000);

      // The app is closed and launched again: a new client on the same device storage.
      const second = stubWx(service.baseUrl, 'pay');
      const relaunched = clientFor(second, storage);
      expect(relaunched.signedIn).toBe(true);
      expect((await relaunched.integral()).balance).toBe(0);
      expect(await relaunched.pay(1)).toMatchObject({ kind: 'paid' });

      expect(second.logins).toBe(0);
      expect(second.requests).not.toContain('POST /wechat/login');
      expect(storedSession(storage).token).toBe(token);
    });

    it('tampered in storage: the 401 leads to one new sign-in and the call succeeds', async () => {
      const storage = new MemoryStorage();
      const openid = `tampered-${randomUUID()}`;
      const { token, uid } = await clientFor(stubWx(service.baseUrl, 'pay', { openid }), storage).login();
      await grantCoins(uid, 7, 'tampered');
      const forged = token.replace(/\.(\d+)\./, (_m, uid: string) => `.${Number(uid) + 1}.`); // someone else's uid
      storage.setStorageSync(DEFAULT_SESSION_KEY, { ...storedSession(storage), token: forged });

      const wx = stubWx(service.baseUrl, 'pay', { openid });
      const coins = await clientFor(wx, storage).integral();

      expect(coins).toMatchObject({ balance: 7 }); // the same user, signed in again
      expect(storedSession(storage).uid).toBe(uid);
      expect(wx.logins).toBe(1);
      expect(wx.answers).toEqual(['GET /wechat/integral 401', 'POST /wechat/login 200', 'GET /wechat/integral 200']);
      expect(storedSession(storage).token).not.toBe(forged);
    });

    it('is replaced once when the server restarts with a new SESSION_SECRET, and the call succeeds', async () => {
      const DATABASE_URL = tempSqliteUrl();
      let svc = await startService({ DATABASE_URL, SESSION_SECRET: 'first-session-secret-0123456789abcdef' });
      try {
        const wx = stubWx(svc.baseUrl, 'pay');
        const client = clientFor(wx, new MemoryStorage(), svc.baseUrl);
        const paid = await client.pay(1);
        expect(paid.kind).toBe('paid');

        // Same database, same port, new secret: every token issued before is now refused.
        const { port } = svc;
        await svc.stop();
        svc = await startService({ DATABASE_URL, PORT: String(port), SESSION_SECRET: 'second-session-secret-0123456789abcdef' });
        wx.answers.length = 0;

        const order = await client.orderStatus(paid.outTradeNo!);

        expect(order).toMatchObject({ outTradeNo: paid.outTradeNo, status: 'SUCC' });
        expect(wx.logins).toBe(2);
        expect(wx.answers).toEqual([
          'GET /wechat/orders/' + paid.outTradeNo + ' 401',
          'POST /wechat/login 200',
          expect.stringMatching(/ 200$/),
        ]);
      } finally {
        await svc.stop();
      }
    });
  });

  it('helpers return what the API says: goods, goodsById, integral, orderStatus', async () => {
    const wx = stubWx(service.baseUrl, 'pay');
    const storage = new MemoryStorage();
    const client = clientFor(wx, storage);

    const goods = await client.goods();
    expect(goods).toEqual(await raw('/goods'));
    expect(goods.map((g) => g.id)).toEqual(expect.arrayContaining([1, 2, 3]));
    expect(await client.goodsById(3)).toEqual(await raw('/goods/3'));
    expect(await client.goodsById(3)).toMatchObject({ salePrice: 0, integral: 5, marketPrice: 100 });
    await expect(client.goodsById(999_999)).rejects.toMatchObject({ name: 'WxPayApiError', status: 404, message: 'goods not found' });
    expect(wx.logins).toBe(0); // the catalogue is public

    const { uid, token } = await client.login();
    await grantCoins(uid, 40, 'helpers');
    const paid = await client.pay(1, 'INTEGRAL');
    expect(paid.kind).toBe('paid');

    expect(await client.integral()).toEqual(await raw('/wechat/integral', token));
    expect(await client.integral()).toMatchObject({ balance: 10 });
    expect(await client.orderStatus(paid.outTradeNo!)).toEqual(await raw(`/wechat/orders/${paid.outTradeNo}`, token));
    expect(storedSession(storage).token).toBe(token);
  });

  it('throws typed errors for a refused login code, unknown goods and a server-side failure', async () => {
    await expect(clientFor(stubWx(service.baseUrl, 'pay', { loginCode: 'bogus-code' })).login()).rejects.toSatisfy(
      (e) => e instanceof WxPayApiError && e.status === 401 && e.message === 'invalid, used or expired login code',
    );

    const wx = stubWx(service.baseUrl, 'pay');
    const client = clientFor(wx);
    await client.login();
    await expect(client.prepay(999_999)).rejects.toMatchObject({ name: 'WxPayApiError', status: 404, message: 'goods not found' });

    // WeChat Pay keeps failing: the service gives up with a 5xx envelope, which the client turns into an error result.
    const fault = await fetch(`${service.baseUrl}/sandbox/wxpay/control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault: 'httpError', api: 'unifiedorder', count: 20 }),
    });
    expect(fault.status).toBe(201);
    const result = await client.pay(1);
    expect(result).toMatchObject({
      kind: 'error',
      error: { name: 'WxPayApiError', status: 502, message: 'WeChat Pay is unreachable; retry shortly' },
    });
    expect(wx.payments).toHaveLength(0);
  });

  it('turns a failing wx.login into a WxCallError', async () => {
    const wx: WxLike = { ...stubWx(service.baseUrl, 'pay'), login: (options) => options.fail?.({ errMsg: 'login:fail network' }) };
    await expect(clientFor(wx).login()).rejects.toSatisfy(
      (e) => e instanceof WxCallError && e.api === 'login' && e.errMsg === 'login:fail network',
    );
  });

  describe("the example app's sandbox wx (sandbox-wx.ts), over a wx that only does requests", () => {
    /** Real wx.login and wx.requestPayment must never be reached in sandbox mode; the modal answers `confirm`. */
    const deviceWx = (confirm: boolean) => {
      const stub = stubWx(service.baseUrl, 'pay');
      const storage = new MemoryStorage();
      const modals: string[] = [];
      const wx = {
        request: stub.request.bind(stub),
        getStorageSync: (key: string) => storage.getStorageSync(key),
        setStorageSync: (key: string, value: unknown) => storage.setStorageSync(key, value),
        removeStorageSync: (key: string) => storage.removeStorageSync(key),
        login: () => {
          throw new Error('the real wx.login was called');
        },
        requestPayment: () => {
          throw new Error('the real wx.requestPayment was called');
        },
        showModal: (options: { title: string; success?(res: { confirm: boolean; cancel: boolean }): void }) => {
          modals.push(options.title);
          options.success?.({ confirm, cancel: !confirm });
        },
      };
      return { wx: sandboxWx(wx, service.baseUrl), modals, stub, storage };
    };

    it('signs in as the same user every time on one device, as real WeChat does', async () => {
      const { wx, storage } = deviceWx(true);
      const first = await clientFor(wx, storage).login();
      const again = await clientFor(wx, new MemoryStorage()).login(); // a fresh wx.login, e.g. after a refused token
      expect(again.uid).toBe(first.uid);
      expect(await clientFor(deviceWx(true).wx).login()).not.toMatchObject({ uid: first.uid }); // another device
    });

    it('signs in with a simulator code and pays through the simulator when the modal is confirmed', async () => {
      const { wx, modals } = deviceWx(true);
      const result = await clientFor(wx).pay(2);
      expect(result).toMatchObject({ kind: 'paid', via: 'wechat', order: { status: 'SUCC', goodsId: 2, paidMoney: 1900 } });
      expect(modals).toEqual(['沙箱收银台 Sandbox cashier']);
    });

    it('reports the cashier cancel when the modal is dismissed', async () => {
      const { wx } = deviceWx(false);
      const result = await clientFor(wx).pay(2);
      expect(result).toMatchObject({ kind: 'cancelled', reason: 'requestPayment:fail cancel', order: { status: 'CHECKED' } });
    });
  });
});
