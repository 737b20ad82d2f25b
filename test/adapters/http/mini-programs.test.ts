import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Router } from 'express';
import { createHttpApp } from '../../../src/adapters/http/app.js';
import { goodsRoutes } from '../../../src/adapters/http/goods-routes.js';
import { wechatRoutes } from '../../../src/adapters/http/wechat-routes.js';
import { Metrics } from '../../../src/adapters/observability/metrics.js';
import { SAMPLE_MERCHANT } from '../../../src/adapters/wechatpay/shared/sample-merchant.js';
import { GetOrderStatus } from '../../../src/application/payments/get-order-status.js';
import { RequestPrepay } from '../../../src/application/payments/request-prepay.js';
import { Login } from '../../../src/application/users/login.js';
import type { MerchantAccount } from '../../../src/composition/merchant-registry.js';
import { TOKENS } from '../../../src/composition/tokens.js';
import { Money } from '../../../src/domain/money.js';
import { aGoods } from '../../support/builders.js';
import { FakePaymentGateway } from '../../support/doubles/fake-payment-gateway.js';
import { silentLogger, useCaseFixture, type UseCaseFixture } from '../../support/test-container.js';

const DEFAULT_APP = SAMPLE_MERCHANT.appId;
/** A second mini-program of the default merchant, and a third selling through another merchant (shop-b). */
const SECOND_APP = 'wx1111111111111111';
const THIRD_APP = 'wx2222222222222222';
const SHOP_B: MerchantAccount = { id: 'shop-b', appId: THIRD_APP, mchId: '1900000109', apiVersion: 'v2' };

/** Where each mini-program is served: the seed's paths and its own prefix for the default one, a prefix for the others. */
const PLACES = [
  { name: 'the seed paths', appId: DEFAULT_APP, prefix: '' },
  { name: 'the default prefix', appId: DEFAULT_APP, prefix: `/mp/${DEFAULT_APP}` },
  { name: 'the second mini-program', appId: SECOND_APP, prefix: `/mp/${SECOND_APP}` },
  { name: 'the third mini-program', appId: THIRD_APP, prefix: `/mp/${THIRD_APP}` },
] as const;
const GOODS_OF: Record<string, number> = { [DEFAULT_APP]: 3, [SECOND_APP]: 30, [THIRD_APP]: 40 };

let server: Server;
let baseUrl: string;
let f: UseCaseFixture;
let shopB: FakePaymentGateway;
let api: Router;

beforeAll(async () => {
  const clock = { now: () => f.clock.now() };
  shopB = new FakePaymentGateway(clock, { appId: SHOP_B.appId, mchId: SHOP_B.mchId });
  f = await useCaseFixture({
    merchants: [{ account: SHOP_B, gateway: shopB }],
    miniPrograms: [
      { appId: SECOND_APP, name: '会员', merchantId: 'default' },
      { appId: THIRD_APP, name: '南区', merchantId: 'shop-b' },
    ],
  });
  await f.goods.save(aGoods({ id: 30, appId: SECOND_APP, name: 'Second', marketPrice: Money.ofFen(3_000) }));
  await f.goods.save(aGoods({ id: 40, appId: THIRD_APP, name: 'Third', marketPrice: Money.ofFen(4_000) }));
  const get = f.container.get.bind(f.container);
  const miniPrograms = get(TOKENS.MiniPrograms);
  api = wechatRoutes({
    login: get(Login),
    requestPrepay: get(RequestPrepay),
    getOrderStatus: get(GetOrderStatus),
    ledger: get(TOKENS.IntegralLedger),
    tokens: get(TOKENS.SessionTokens),
    miniPrograms,
    metrics: new Metrics(),
    logger: silentLogger,
  });
  const app = createHttpApp({
    logger: silentLogger,
    trustProxyHops: 0,
    routers: [api, goodsRoutes(get(TOKENS.GoodsCatalog), miniPrograms)],
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Answer {
  status: number;
  body: { errcode: number; msg: string; data: unknown };
}

async function call(path: string, init: { token?: string; method?: string; body?: unknown } = {}): Promise<Answer> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

async function login(prefix: string, name: string): Promise<{ token: string; uid: number }> {
  const answer = await call(`${prefix}/wechat/login`, { body: { code: `code-${name}` } });
  expect(answer.status, `${prefix} login`).toBe(200);
  return answer.body.data as { token: string; uid: number };
}

async function prepay(prefix: string, token: string, goodsId: number): Promise<Answer> {
  return call(`${prefix}/wechat/prepay`, { token, body: { goods_id: goodsId, paid_type: 'WXPAY' } });
}

const numberOf = (answer: Answer): string => (answer.body.data as { data: { outTradeNo: string } }).data.outTradeNo;

describe('several mini-programs in one deployment, over HTTP', () => {
  it('pays end to end in two mini-programs of one merchant and one of another: each its own user, goods, order and merchant', async () => {
    const seen = new Set<number>();
    for (const [appId, prefix, merchantId, gateway] of [
      [DEFAULT_APP, '', 'default', f.gateway],
      [SECOND_APP, `/mp/${SECOND_APP}`, 'default', f.gateway],
      [THIRD_APP, `/mp/${THIRD_APP}`, 'shop-b', shopB],
    ] as const) {
      // The same person (one WeChat account) is a user per mini-program: openids exist per appid.
      const { token, uid } = await login(prefix, 'carol');
      expect(seen.has(uid)).toBe(false);
      seen.add(uid);
      expect((await f.users.findByUid(uid))?.appId).toBe(appId);

      const listed = await call(`${prefix}/goods`);
      expect((listed.body.data as { id: number }[]).map((g) => g.id)).toEqual([GOODS_OF[appId]]);

      const granted = await prepay(prefix, token, GOODS_OF[appId]!);
      expect(granted.status, appId).toBe(200);
      const no = numberOf(granted);
      // wx.requestPayment's parameters are for the mini-program the payer pays in (the paySign is over its appid).
      expect((granted.body.data as { data: { appId: string } }).data.appId).toBe(appId);
      expect((await f.orders.findByOutTradeNo(no))?.state).toMatchObject({ appId, merchantId, uid, status: 'CHECKED' });
      // The gateway of the mini-program's merchant was asked, for a payment in that mini-program.
      expect(gateway.trades.get(no)?.request.appId).toBe(appId);

      expect(await f.handleNotify.execute(gateway.pay(no))).toEqual({ ack: true, result: 'recorded' });
      const status = await call(`${prefix}/wechat/orders/${no}`, { token });
      expect(status.status).toBe(200);
      expect(status.body.data).toMatchObject({ outTradeNo: no, status: 'SUCC' });
    }
  });

  it("refuses another mini-program's goods: not listed, not found by id, not sold", async () => {
    const { token } = await login(`/mp/${SECOND_APP}`, 'dave');
    expect((await call(`/mp/${SECOND_APP}/goods/${GOODS_OF[THIRD_APP]}`)).status).toBe(404);
    expect((await call(`/goods/${GOODS_OF[SECOND_APP]}`)).status).toBe(404);
    const before = f.orders.all().length;
    const refused = await prepay(`/mp/${SECOND_APP}`, token, GOODS_OF[DEFAULT_APP]!);
    expect(refused.status).toBe(404);
    expect(f.orders.all().length).toBe(before);
  });

  it('answers 404 for a mini-program that is not configured here, before any login is tried', async () => {
    const calls = f.wechatLogin.calls.length;
    const answer = await call('/mp/wx9999999999999999/wechat/login', { body: { code: 'code-erin' } });
    expect(answer.status).toBe(404);
    expect(f.wechatLogin.calls.length).toBe(calls);
    expect((await call('/mp/wx9999999999999999/goods')).status).toBe(404);
  });

  it("logs in with the mini-program's own login (its AppSecret), never another's", async () => {
    const defaultCalls = f.wechatLogin.calls.length;
    await login(`/mp/${THIRD_APP}`, 'frank');
    expect(f.loginOf(THIRD_APP).calls.length).toBeGreaterThan(0);
    expect(f.wechatLogin.calls.length).toBe(defaultCalls);
  });
});

describe('a token binds uid and mini-program: one of A is refused at B on every authenticated route', () => {
  /** Every route of the mini-program API but login, as `METHOD path` with a `{no}` placeholder. */
  function authenticatedRoutes(): string[] {
    interface Layer {
      route?: { path: string; methods: Record<string, boolean> };
      handle?: { stack?: Layer[] };
    }
    const walk = (stack: Layer[]): string[] =>
      stack.flatMap((layer) =>
        layer.route
          ? Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path.replace(':outTradeNo', '{no}')}`)
          : walk(layer.handle?.stack ?? []),
      );
    return [...new Set(walk((api as unknown as { stack: Layer[] }).stack))].filter((r) => r !== 'POST /wechat/login').sort();
  }

  it('covers every route the API serves (a new authenticated route joins this test by itself)', () => {
    expect(authenticatedRoutes()).toEqual(['GET /wechat/integral', 'GET /wechat/orders/{no}', 'GET /wechat/prepay', 'POST /wechat/prepay']);
  });

  it.each(PLACES.flatMap((a) => PLACES.filter((b) => b.appId !== a.appId).map((b) => [a.name, b.name, a, b] as const)))(
    'a token from %s is refused at %s',
    async (_fromName, _atName, from, at) => {
      const victim = await login(at.prefix, `victim-${Math.random().toString(36).slice(2)}`);
      const theirs = await prepay(at.prefix, victim.token, GOODS_OF[at.appId]!);
      const no = numberOf(theirs);
      const attacker = await login(from.prefix, `attacker-${Math.random().toString(36).slice(2)}`);
      const orders = f.orders.all().length;
      for (const route of authenticatedRoutes()) {
        const [method, path] = route.split(' ') as [string, string];
        const url = `${at.prefix}${path.replace('{no}', no)}${method === 'GET' && path.endsWith('prepay') ? `?goods_id=${GOODS_OF[at.appId]}&paid_type=WXPAY` : ''}`;
        const body = method === 'POST' ? { goods_id: GOODS_OF[at.appId], paid_type: 'WXPAY' } : undefined;
        const answer = await call(url, { token: attacker.token, method, ...(body ? { body } : {}) });
        expect(answer.status, `${route} at ${at.name}`).toBe(401);
        expect(answer.body.msg).toBe('the token is for another mini-program');
        // The victim's own token still works there: the refusal is the binding, not a broken route.
        const own = await call(url, { token: victim.token, method, ...(body ? { body } : {}) });
        expect(own.status, `${route} at ${at.name} with its own token`).toBe(200);
      }
      expect(f.orders.all().length).toBe(orders);
    },
  );

  it('accepts a token of the default mini-program on the seed paths and under its own prefix alike', async () => {
    const { token } = await login('', 'grace');
    expect((await call(`/mp/${DEFAULT_APP}/wechat/integral`, { token })).status).toBe(200);
    const prefixed = await login(`/mp/${DEFAULT_APP}`, 'heidi');
    expect((await call('/wechat/integral', { token: prefixed.token })).status).toBe(200);
  });

  it('refuses a token whose appid was edited (the signature covers it)', async () => {
    const { token } = await login(`/mp/${SECOND_APP}`, 'ivan');
    expect(token.startsWith(`v2.`)).toBe(true);
    const forged = token.replace(SECOND_APP, THIRD_APP);
    expect((await call(`/mp/${THIRD_APP}/wechat/integral`, { token: forged })).status).toBe(401);
    expect((await call(`/mp/${THIRD_APP}/wechat/integral`, { token: forged })).body.msg).toBe('invalid or expired token');
  });

  it("does not show another mini-program's order even to a token of the same uid number's owner", async () => {
    // uids are global, so a token names one user of one mini-program: an order of another is simply not found.
    const { token } = await login(`/mp/${SECOND_APP}`, 'judy');
    const elsewhere = await login(`/mp/${THIRD_APP}`, 'judy');
    const no = numberOf(await prepay(`/mp/${THIRD_APP}`, elsewhere.token, GOODS_OF[THIRD_APP]!));
    expect((await call(`/mp/${SECOND_APP}/wechat/orders/${no}`, { token })).status).toBe(404);
  });
});
