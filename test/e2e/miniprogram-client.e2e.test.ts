import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  WxCallError,
  WxPayApiError,
  WxPayClient,
  type WxLike,
  type WxRequestPaymentOptions,
} from '../../examples/miniprogram/wxpay-client.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

type Cashier = 'pay' | 'cancel' | 'pay-then-cancel';

interface StubWx extends WxLike {
  /** Every options object wx.requestPayment received, as given. */
  readonly payments: WxRequestPaymentOptions[];
  /** `METHOD /path` of every wx.request. */
  readonly requests: string[];
}

/**
 * A stand-in for the mini-program runtime's `wx`, backed by fetch and the service's WeChat Pay simulator: wx.login
 * gets a code from the simulator, wx.request does the HTTP call with wx's semantics (success for any status), and
 * wx.requestPayment plays the user in WeChat's cashier.
 */
function stubWx(baseUrl: string, cashier: Cashier, opts: { loginCode?: string; afterPay?: () => Promise<void> } = {}): StubWx {
  const { loginCode, afterPay } = opts;
  const sim = `${baseUrl}/sandbox/wxpay/control`;
  const payments: WxRequestPaymentOptions[] = [];
  const requests: string[] = [];
  const post = async (url: string, body: unknown): Promise<Response> =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const userPays = async (pkg: string): Promise<void> => {
    const res = await post(`${sim}/pay`, { prepay_id: pkg.replace(/^prepay_id=/, '') });
    if (!res.ok) throw new Error(`simulator refused the payment: ${res.status} ${await res.text()}`);
  };

  return {
    payments,
    requests,
    login(options) {
      const code =
        loginCode !== undefined
          ? Promise.resolve(loginCode)
          : post(`${sim}/code`, {}).then(async (r) => ((await r.json()) as { code: string }).code);
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

describe('mini-program client (examples/miniprogram) against the running service', () => {
  let service: ServiceProcess;
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(async () => service?.stop());
  afterEach(async () => {
    await fetch(`${service.baseUrl}/sandbox/wxpay/control/faults`, { method: 'DELETE' });
  });

  const clientFor = (wx: WxLike, token?: string): WxPayClient =>
    new WxPayClient(wx, { baseUrl: service.baseUrl, poll: FAST_POLL, ...(token === undefined ? {} : { token }) });

  it('logs in, prepays, pays through wx.requestPayment and ends paid with the order SUCC', async () => {
    const wx = stubWx(service.baseUrl, 'pay');
    const client = clientFor(wx);
    const session = await client.login();
    expect(session).toMatchObject({ token: expect.any(String), uid: expect.any(Number) });

    const result = await client.pay(1, 'WXPAY');

    expect(result).toMatchObject({
      kind: 'paid',
      order: { status: 'SUCC', goodsId: 1, paidMoney: 9900, billNo: expect.stringMatching(/^\d{28}$/) },
    });
    const order = await client.getOrder(result.outTradeNo!);
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
    expect((await client.getOrder(result.outTradeNo!)).status).toBe('CHECKED');
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
    const grant = await client.prepay(1);
    outTradeNo = grant.outTradeNo;

    const result = await client.pay(1); // reuses the open order and its prepay_id

    expect(result).toMatchObject({ kind: 'paid', outTradeNo: grant.outTradeNo, order: { status: 'SUCC' } });
  });

  it('surfaces a bad token as a typed error carrying the server msg, without opening the cashier', async () => {
    const wx = stubWx(service.baseUrl, 'pay');
    const client = clientFor(wx, 'not-a-real-token');

    const result = await client.pay(1);

    expect(result.kind).toBe('error');
    if (result.kind !== 'error') return;
    expect(result.error).toBeInstanceOf(WxPayApiError);
    expect(result.error).toMatchObject({ status: 401, errcode: 401, message: 'invalid or expired token', path: '/wechat/prepay' });
    expect(result.reason).toBe('invalid or expired token');
    expect(wx.payments).toHaveLength(0);
    await expect(client.getOrder('20250101000000000001')).rejects.toMatchObject({ name: 'WxPayApiError', status: 401 });
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
});
