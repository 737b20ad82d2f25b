import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson } from '../support/mini-program.js';
import { OpenApiContract, openApiProblems } from '../support/openapi-contract.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { until } from '../support/service-ops.js';

const ADMIN_TOKEN = 'openapi-admin-token-0123456789';

/**
 * Issue 14 §2: /openapi.json is a valid OpenAPI 3.1 document, and every answer of an end-to-end flow — mini-program,
 * WeChat callbacks, admin API, probes, and their errors — matches it. Every documented operation is exercised.
 */
describe('OpenAPI document against the running service', () => {
  let service: ServiceProcess;
  let api: OpenApiContract;

  beforeAll(async () => {
    service = await startService({ ADMIN_TOKEN, SANDBOX_TIME_SCALE: '0.001' });
    const document = (await (await fetch(`${service.baseUrl}/openapi.json`)).json()) as ConstructorParameters<typeof OpenApiContract>[1];
    api = new OpenApiContract(service.baseUrl, document);
  });
  afterAll(async () => service?.stop());

  const sim = (path: string, body: unknown = {}) => postJson<Record<string, unknown>>(`${service.baseUrl}/sandbox/wxpay${path}`, body);

  async function login(outcome?: string): Promise<{ token: string; uid: number }> {
    const { code } = (await sim('/control/code', outcome ? { outcome } : {})) as { code: string };
    const res = await api.call('POST', '/wechat/login', { json: { code } });
    return res.body.data as { token: string; uid: number };
  }

  const pay = async (pkg: string) => sim('/control/pay', { prepay_id: pkg.replace(/^prepay_id=/, '') });
  const admin = (method: string, template: string, init: Parameters<OpenApiContract['call']>[2] = {}) =>
    api.call(method, template, { token: ADMIN_TOKEN, ...init });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(api.document.openapi).toBe('3.1.1');
    expect(await openApiProblems(api.document)).toEqual([]);
  });

  it('describes every answer of the mini-program flow: login, goods, prepay WXPAY / INTEGRAL / MIXED, pay, status', async () => {
    const user = await login();
    expect((await api.call('POST', '/wechat/login', { json: {} })).status).toBe(400);
    expect((await api.call('POST', '/wechat/login', { json: { code: 'never-issued' } })).status).toBe(401);
    expect((await api.call('POST', '/wechat/login', { body: '{"code":', type: 'application/json' })).status).toBe(400);
    for (const [outcome, status] of [
      ['blocked', 403],
      ['rateLimited', 429],
    ] as const) {
      const { code } = (await sim('/control/code', { outcome })) as { code: string };
      expect((await api.call('POST', '/wechat/login', { json: { code } })).status).toBe(status);
    }

    expect((await api.call('GET', '/goods')).body.data.length).toBeGreaterThan(0);
    expect((await api.call('GET', '/goods/{id}', { params: { id: 1 } })).status).toBe(200);
    expect((await api.call('GET', '/goods/{id}', { params: { id: 999_999 } })).status).toBe(404);
    expect((await api.call('GET', '/goods/{id}', { params: { id: '1e2' } })).status).toBe(400);

    expect((await admin('POST', '/admin/integral/grant', { json: { uid: user.uid, amount: 100, grant_id: 'openapi-1' } })).status).toBe(
      200,
    );

    const wxpay = await api.call('GET', '/wechat/prepay', { token: user.token, query: 'goods_id=1&paid_type=WXPAY' });
    expect(wxpay.status).toBe(200);
    const coins = await api.call('POST', '/wechat/prepay', { token: user.token, json: { goods_id: 3, paid_type: 'INTEGRAL' } });
    expect(coins.body.data.data).toMatchObject({ paid: true });
    const mixed = await api.call('POST', '/wechat/prepay', {
      token: user.token,
      body: 'goods_id=2&paid_type=MIXED',
      type: 'application/x-www-form-urlencoded',
    });
    expect(mixed.body.data.data.package).toMatch(/^prepay_id=/);

    for (const answer of [wxpay, mixed]) {
      const params = answer.body.data.data as { package: string; outTradeNo: string };
      await pay(params.package);
      const order = await until(
        async () =>
          (await api.call('GET', '/wechat/orders/{outTradeNo}', { token: user.token, params: { outTradeNo: params.outTradeNo } })).body,
        (body) => body.data.status === 'SUCC',
      );
      expect(order.data.status).toBe('SUCC');
    }
    expect((await api.call('GET', '/wechat/integral', { token: user.token })).body.data.journal.length).toBeGreaterThan(0);
  });

  it('describes the error answers of the mini-program endpoints', async () => {
    const user = await login();
    const other = await login();
    const order = (await api.call('GET', '/wechat/prepay', { token: other.token, query: 'goods_id=1' })).body.data.data
      .outTradeNo as string;
    const prepay = (query: string, token: string | null = user.token) =>
      api.call('GET', '/wechat/prepay', { query, ...(token ? { token } : {}) });
    expect((await prepay('goods_id=1e2')).status).toBe(400);
    expect((await prepay('goods_id=1', null)).status).toBe(401);
    expect((await prepay(`goods_id=1&uid=${other.uid}`)).status).toBe(403);
    expect((await prepay('goods_id=999999')).status).toBe(404);
    expect((await prepay('goods_id=1&paid_type=INTEGRAL')).body.data).toMatchObject({ status: -1, required: 30, balance: 0 });
    const big = await api.call('POST', '/wechat/prepay', { token: user.token, json: { goods_id: 1, pad: 'x'.repeat(20_000) } });
    expect(big.status).toBe(413);
    const utf7 = await api.call('POST', '/wechat/prepay', {
      token: user.token,
      body: '{"goods_id":1}',
      type: 'application/json; charset=utf-7',
    });
    expect(utf7.status).toBe(415);
    await sim('/control/faults', { fault: 'httpError', api: 'unifiedorder', count: 3 });
    expect((await prepay('goods_id=2')).status).toBe(502);

    const status = (outTradeNo: string, token: string | null = user.token) =>
      api.call('GET', '/wechat/orders/{outTradeNo}', { params: { outTradeNo }, ...(token ? { token } : {}) });
    expect((await status(order)).status).toBe(403);
    expect((await status('2026011512000000020000000000')).status).toBe(404);
    expect((await status('bad%00no')).status).toBe(400);
    expect((await status(order, null)).status).toBe(401);
    expect((await api.call('GET', '/wechat/integral')).status).toBe(401);
  });

  it('describes the WeChat callbacks: XML in, XML out', async () => {
    const notify = (method: string, path: string, body?: string) =>
      api.call(method, path, { ...(body === undefined ? {} : { body, type: 'text/xml' }) });
    expect((await notify('POST', '/wechat/pay-notify', '<xml><return_code>SUCCESS</return_code></xml>')).text).toContain('FAIL');
    expect((await notify('GET', '/wechat/pay-notify')).text).toContain('FAIL');
    expect((await notify('POST', '/wechat/refund-notify', '<xml><return_code>SUCCESS</return_code></xml>')).text).toContain('FAIL');
    expect((await notify('POST', '/wechat/pay-notify', `<xml>${'x'.repeat(20_000)}</xml>`)).status).toBe(413);
    // A merchant's own callback paths (issue 20): the environment's merchant is `default`.
    const own = (method: string, path: string, body?: string) =>
      api.call(method, path, { params: { merchant: 'default' }, ...(body === undefined ? {} : { body, type: 'text/xml' }) });
    expect((await own('POST', '/wechat/pay-notify/{merchant}', '<xml><return_code>SUCCESS</return_code></xml>')).text).toContain('FAIL');
    expect((await own('GET', '/wechat/pay-notify/{merchant}')).text).toContain('FAIL');
    expect((await own('POST', '/wechat/refund-notify/{merchant}', '<xml><return_code>SUCCESS</return_code></xml>')).text).toContain('FAIL');
  });

  it('describes every answer of the admin API', async () => {
    const user = await login();
    const params = (await api.call('GET', '/wechat/prepay', { token: user.token, query: 'goods_id=2' })).body.data.data;
    const unpaid = (await api.call('GET', '/wechat/prepay', { token: user.token, query: 'goods_id=1' })).body.data.data.outTradeNo;
    await pay(params.package);
    await until(
      async () => (await admin('GET', '/admin/orders/{outTradeNo}', { params: { outTradeNo: params.outTradeNo } })).body.data.status,
      (s) => s === 'SUCC',
    );
    const no = { outTradeNo: params.outTradeNo };
    expect((await admin('GET', '/admin/orders', { query: `uid=${user.uid}` })).body.data.length).toBe(2);
    expect((await admin('GET', '/admin/orders', { query: 'limit=0' })).status).toBe(400);
    expect((await api.call('GET', '/admin/orders')).status).toBe(401);
    expect((await admin('GET', '/admin/orders/{outTradeNo}', { params: { outTradeNo: '2026011512000000029999999999' } })).status).toBe(404);
    expect((await admin('GET', '/admin/orders/{outTradeNo}', { params: { outTradeNo: 'a%00b' } })).status).toBe(400);

    const refund = (outTradeNo: string, json: unknown, headers: Record<string, string> = {}) =>
      admin('POST', '/admin/orders/{outTradeNo}/refund', { params: { outTradeNo }, json, headers });
    expect((await refund(params.outTradeNo, { amount: 100, reason: 'partial' }, { 'idempotency-key': 'oa-r1' })).status).toBe(200);
    expect((await refund(params.outTradeNo, { amount: 999_999 })).status).toBe(400);
    expect((await refund(unpaid, {})).status).toBe(409);
    expect((await refund('2026011512000000029999999999', {})).status).toBe(404);

    const resolve = (outTradeNo: string, json: unknown) =>
      admin('POST', '/admin/orders/{outTradeNo}/review/resolve', { params: { outTradeNo }, json });
    expect((await resolve(params.outTradeNo, { note: 'checked' })).status).toBe(409);
    expect((await resolve(params.outTradeNo, {})).status).toBe(400);
    expect((await resolve('2026011512000000029999999999', { note: 'x' })).status).toBe(404);

    const created = await admin('POST', '/admin/goods', { json: { name: 'OpenAPI course', market_price: 1000, sale_price: 500 } });
    expect(created.status).toBe(200);
    expect((await admin('POST', '/admin/goods', { json: { name: 'x', market_price: 150, sale_price: 200 } })).status).toBe(400); // sale above market
    const goods = { name: 'OpenAPI course', market_price: 2000, sale_price: 500, online: false };
    expect((await admin('PUT', '/admin/goods/{id}', { params: { id: created.body.data.id }, json: goods })).status).toBe(200);
    expect((await admin('PUT', '/admin/goods/{id}', { params: { id: 999_999 }, json: goods })).status).toBe(404);
    expect((await admin('GET', '/admin/goods')).body.data.length).toBeGreaterThan(3);

    expect((await admin('POST', '/admin/integral/grant', { json: { uid: 999_999, amount: 5, grant_id: 'x' } })).status).toBe(404);
    expect((await admin('POST', '/admin/integral/grant', { json: { uid: user.uid, amount: [5], grant_id: 'x' } })).status).toBe(400);
    expect((await admin('GET', '/admin/audit', { query: `subject=${params.outTradeNo}` })).body.data.length).toBeGreaterThan(0);
    expect((await admin('GET', '/admin/audit', { query: 'limit=x' })).status).toBe(400);
    expect((await admin('POST', '/admin/reconcile')).status).toBe(200);
    expect((await admin('GET', '/admin/merchants')).body.data[0]).toMatchObject({ id: 'default', state: 'available' });
    // Without MERCHANTS_FILE there is nothing to read again: it says so and changes nothing.
    expect((await admin('POST', '/admin/merchants/reload')).body.data).toMatchObject({ reloaded: false });
    expect((await admin('POST', '/admin/reconcile-bill', { json: {} })).status).toBe(200);
    expect((await admin('POST', '/admin/reconcile-bill', { json: { date: '2026-11-29' } })).status).toBe(400);
    void no;
  });

  it('describes the probes and metrics', async () => {
    expect((await api.call('GET', '/healthz')).body.data).toEqual({ status: 'ok' });
    expect((await api.call('GET', '/readyz')).status).toBe(200);
    expect((await api.call('GET', '/metrics')).text).toContain('wxpay_notify_total');
  });

  it('exercised every operation the document declares', () => {
    expect([...api.exercised].sort()).toEqual([...api.operations].sort());
  });

  it('serves /docs: a page for people, generated from the same document, with nothing loaded from elsewhere', async () => {
    const res = await fetch(`${service.baseUrl}/docs`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    for (const path of Object.keys(api.document.paths)) expect(html).toContain(path.replace(/[{}]/g, (c) => c));
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)[a-z]/i);
  });
});
