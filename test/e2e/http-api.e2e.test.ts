import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniProgramUser, postJson, type Envelope } from '../support/mini-program.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

const ADMIN_TOKEN = 'api-admin-token-0123456789';

/** The HTTP contract of design.md §5: the seed's envelope, every input form, and a precise status for every error. */
describe('HTTP API', () => {
  let service: ServiceProcess;
  let user: MiniProgramUser;

  beforeAll(async () => {
    service = await startService({ ADMIN_TOKEN });
    user = await new MiniProgramUser(service.baseUrl).login();
  });
  afterAll(async () => service?.stop());

  const call = async (method: string, path: string, init: { body?: string; type?: string; token?: string | null } = {}) => {
    const headers: Record<string, string> = {};
    if (init.type) headers['content-type'] = init.type;
    const token = init.token === undefined ? user.token : init.token;
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${service.baseUrl}${path}`, { method, headers, ...(init.body === undefined ? {} : { body: init.body }) });
    const body = (await res.json()) as Envelope<unknown>;
    // The envelope's errcode is the HTTP status, and nothing internal ever leaks.
    expect(body.errcode).toBe(res.status);
    expect(JSON.stringify(body)).not.toMatch(/\bat \w+ \(|Error:|SELECT |node_modules|192006250b4c09247ec02edce69f6a2d/);
    return { status: res.status, body };
  };

  describe('prepay accepts every form the seed accepted', () => {
    it.each([
      ['GET query string', 'GET', '/wechat/prepay?goods_id=2&paid_type=WXPAY', undefined, undefined],
      ['POST JSON', 'POST', '/wechat/prepay', JSON.stringify({ goods_id: 2, paid_type: 'WXPAY' }), 'application/json'],
      ['POST form', 'POST', '/wechat/prepay', 'goods_id=2&paid_type=WXPAY', 'application/x-www-form-urlencoded'],
      [
        'the seed’s param JSON string',
        'POST',
        '/wechat/prepay',
        `param=${encodeURIComponent(JSON.stringify({ goods_id: '2', paid_type: 'WXPAY' }))}`,
        'application/x-www-form-urlencoded',
      ],
    ])('%s', async (_name, method, path, body, type) => {
      const { status, body: answer } = await call(method, path, { ...(body === undefined ? {} : { body }), ...(type ? { type } : {}) });
      expect(status).toBe(200);
      expect(answer).toMatchObject({
        errcode: 200,
        msg: 'SUCCESS',
        data: { status: 1, result: 'success', data: { package: expect.stringMatching(/^prepay_id=/), signType: 'MD5' } },
      });
    });
  });

  it('accepts a uid equal to the token’s (the seed sent one)', async () => {
    const { status } = await call('GET', `/wechat/prepay?goods_id=2&uid=${user.uid}`);
    expect(status).toBe(200);
  });

  describe('bad input gets a clear error and changes nothing', () => {
    it.each([
      ['no goods_id', '/wechat/prepay', 400],
      ['goods_id 1e2', '/wechat/prepay?goods_id=1e2', 400],
      ['goods_id 0', '/wechat/prepay?goods_id=0', 400],
      ['an unknown paid_type', '/wechat/prepay?goods_id=1&paid_type=CASH', 400],
      ['param that is not JSON', `/wechat/prepay?param=${encodeURIComponent('{goods_id:1')}`, 400],
      ['a non-integer uid', '/wechat/prepay?goods_id=1&uid=abc', 400],
      ['unknown goods', '/wechat/prepay?goods_id=999', 404],
    ])('%s → %i', async (_name, path, expected) => {
      const { status, body } = await call('GET', path);
      expect(status).toBe(expected);
      expect(body.data).toMatchObject({ status: -1, result: 'fail', data: expect.any(String) });
    });

    it('another user’s uid → 403', async () => {
      const { status } = await call('GET', `/wechat/prepay?goods_id=1&uid=${user.uid + 1000}`);
      expect(status).toBe(403);
    });

    it('no token or a forged token → 401', async () => {
      expect((await call('GET', '/wechat/prepay?goods_id=1', { token: null })).status).toBe(401);
      expect((await call('GET', '/wechat/prepay?goods_id=1', { token: `${user.token.slice(0, -2)}xx` })).status).toBe(401);
      expect((await call('GET', '/wechat/integral', { token: 'v1.1.9999999999.forged' })).status).toBe(401);
    });

    it('offline goods → 409, and the catalogue hides them', async () => {
      const created = await call('POST', '/admin/goods', {
        token: ADMIN_TOKEN,
        type: 'application/json',
        body: JSON.stringify({ name: 'Retired', market_price: 1_000, sale_price: 500, integral: 0, online: false }),
      });
      const id = (created.body.data as { id: number }).id;
      expect((await call('GET', `/wechat/prepay?goods_id=${id}`)).status).toBe(409);
      expect((await call('GET', `/goods/${id}`, { token: null })).status).toBe(404);
      expect(((await call('GET', '/goods', { token: null })).body.data as { id: number }[]).map((g) => g.id)).not.toContain(id);
    });

    it('a body over 16 KB → 413', async () => {
      const { status } = await call('POST', '/wechat/prepay', {
        type: 'application/json',
        body: JSON.stringify({ goods_id: 1, pad: 'x'.repeat(20_000) }),
      });
      expect(status).toBe(413);
    });

    it('malformed JSON → 400', async () => {
      expect((await call('POST', '/wechat/login', { type: 'application/json', body: '{"code":', token: null })).status).toBe(400);
    });

    it('login: no code → 400, an unknown or used code → 401', async () => {
      expect((await call('POST', '/wechat/login', { type: 'application/json', body: '{}', token: null })).status).toBe(400);
      expect(
        (await call('POST', '/wechat/login', { type: 'application/json', body: JSON.stringify({ code: 'never-issued' }), token: null }))
          .status,
      ).toBe(401);
      const { code } = await postJson<{ code: string }>(`${service.baseUrl}/sandbox/wxpay/control/code`, {});
      expect((await call('POST', '/wechat/login', { type: 'application/json', body: JSON.stringify({ code }), token: null })).status).toBe(
        200,
      );
      expect((await call('POST', '/wechat/login', { type: 'application/json', body: JSON.stringify({ code }), token: null })).status).toBe(
        401,
      );
    });

    it('login: a user WeChat blocks → 403 with the reason; a rate-limited one → 429 with Retry-After', async () => {
      for (const [outcome, status] of [
        ['blocked', 403],
        ['rateLimited', 429],
      ] as const) {
        const { code } = await postJson<{ code: string }>(`${service.baseUrl}/sandbox/wxpay/control/code`, { outcome });
        const res = await fetch(`${service.baseUrl}/wechat/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code }),
        });
        expect(res.status).toBe(status);
        if (status === 429) expect(res.headers.get('retry-after')).toBe('60');
        else expect(((await res.json()) as Envelope).msg).toMatch(/blocked/);
      }
    });

    it('orders: someone else’s → 403, unknown → 404', async () => {
      const other = await new MiniProgramUser(service.baseUrl).login();
      const theirs = await other.prepay(1);
      expect((await call('GET', `/wechat/orders/${theirs.outTradeNo}`)).status).toBe(403);
      expect((await call('GET', '/wechat/orders/2026011512000000020000000000')).status).toBe(404);
    });

    it('the admin API wants its token', async () => {
      expect((await call('GET', '/admin/orders', { token: null })).status).toBe(401);
      expect((await call('GET', '/admin/orders', { token: user.token })).status).toBe(401);
      expect((await call('GET', '/admin/orders?status=PAID', { token: ADMIN_TOKEN })).status).toBe(400);
    });

    it('unknown paths → 404 in the envelope', async () => {
      expect((await call('GET', '/nope', { token: null })).status).toBe(404);
    });
  });

  it('WeChat unreachable → 502, and the order waits, CHECKED, for the retry', async () => {
    const buyer = await new MiniProgramUser(service.baseUrl).login();
    await postJson(`${service.baseUrl}/sandbox/wxpay/control/faults`, { fault: 'httpError', api: 'unifiedorder', count: 3 });
    const failed = await call('GET', '/wechat/prepay?goods_id=1', { token: buyer.token });
    expect(failed.status).toBe(502);
    const retried = await buyer.prepay(1);
    const { body } = await buyer.order(retried.outTradeNo);
    expect(body.data.status).toBe('CHECKED');
  });
});
