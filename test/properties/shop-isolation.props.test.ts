import { fc } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentNotice } from '../../src/application/ports/notify-verifier.js';
import type { PaymentGateway } from '../../src/application/ports/payment-gateway.js';
import type { GoodsAdmin } from '../../src/application/ports/goods-catalog.js';
import type { Goods } from '../../src/domain/goods.js';
import { GrantCoins } from '../../src/application/coins/grant-coins.js';
import { HandleNotify } from '../../src/application/payments/handle-notify.js';
import { RequestPrepay } from '../../src/application/payments/request-prepay.js';
import { RefundOrder } from '../../src/application/refunds/refund-order.js';
import { SAMPLE_MERCHANT } from '../../src/adapters/wechatpay/shared/sample-merchant.js';
import type { MerchantAccount } from '../../src/composition/merchant-registry.js';
import type { ConfiguredMiniProgram } from '../../src/composition/mini-program-list.js';
import { TOKENS } from '../../src/composition/tokens.js';
import { Money } from '../../src/domain/money.js';
import type { Order } from '../../src/domain/order.js';
import type { PaidType } from '../../src/domain/paid-type.js';
import { aGoods } from '../support/builders.js';
import { scratchMariaDb } from '../support/databases.js';
import { FakePaymentGateway } from '../support/doubles/fake-payment-gateway.js';
import { ManualClock } from '../support/doubles/manual-clock.js';
import { describeIfServices } from '../support/integration.js';
import { PROPERTY_TIMEOUT_MS, runsOf } from '../support/properties/runs.js';
import { memoryBackend, seededRandom, sqlBackend, START, type Backend } from '../support/properties/world.js';
import { rebind, scheduledBy, serviceContainer } from '../support/test-container.js';

/**
 * Issue 20, "Done when" (the part this branch owns): over random interleavings of prepays, notifies (genuine, and
 * signed by another of our merchants), refunds and coin grants across two merchants and three mini-programs (two of
 * the default merchant, one of shop-b), no operation of one shop reads, changes or is settled by another's data or
 * credentials: every order is its user's mini-program's, at that mini-program's merchant, for that mini-program's
 * goods; every call about it went to its own merchant's gateway, naming its own appid; a notice of another merchant
 * changes nothing; coins move only between a user and that user's own orders.
 */

const SHOP_B: MerchantAccount = { id: 'shop-b', appId: 'wx2222222222222222', mchId: '1900000109', apiVersion: 'v2' };
const PROGRAMS: readonly ConfiguredMiniProgram[] = [
  { appId: SAMPLE_MERCHANT.appId, name: 'default', merchantId: 'default', appSecret: 's0', default: true },
  { appId: 'wx1111111111111111', name: 'members', merchantId: 'default', appSecret: 's1' },
  { appId: 'wx2222222222222222', name: 'south', merchantId: 'shop-b', appSecret: 's2' },
];
/** Each mini-program's goods (ids 10, 11, 12), with coins so INTEGRAL and MIXED orders move them. */
const goodsIdOf = (shop: number): number => 10 + shop;

type Step =
  | { readonly kind: 'prepay'; readonly shop: number; readonly goodsOf: number; readonly paidType: PaidType }
  | { readonly kind: 'pay'; readonly shop: number; readonly pick: number }
  | { readonly kind: 'foreignNotice'; readonly shop: number; readonly pick: number }
  | { readonly kind: 'refund'; readonly shop: number; readonly pick: number; readonly fen: number }
  | { readonly kind: 'grant'; readonly shop: number; readonly coins: number };

const shop = fc.integer({ min: 0, max: PROGRAMS.length - 1 });
const pick = fc.nat({ max: 20 });
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('prepay' as const),
      shop,
      goodsOf: shop,
      paidType: fc.constantFrom<PaidType>('WXPAY', 'MIXED', 'INTEGRAL'),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pay' as const), shop, pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('foreignNotice' as const), shop, pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), shop, pick, fen: fc.integer({ min: 1, max: 9_900 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('grant' as const), shop, coins: fc.integer({ min: 1, max: 100 }) }) },
);
/** Rounds of steps started together, every port's answer released in an order fast-check picks. */
const rounds = fc.array(fc.array(step, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 });

async function openShops(backend: Backend, wrap: <T extends object>(port: T) => T) {
  const clock = new ManualClock(START);
  const ports = await backend.fresh(clock);
  const gateways = {
    default: new FakePaymentGateway(clock),
    'shop-b': new FakePaymentGateway(clock, { appId: SHOP_B.appId, mchId: SHOP_B.mchId }),
  };
  const container = serviceContainer({}, { clock });
  const asked = { default: new Set<string>(), 'shop-b': new Set<string>() };
  rebind(container, TOKENS.OrderRepository, wrap(ports.orders));
  rebind(container, TOKENS.EventOutbox, wrap(ports.outbox));
  rebind(container, TOKENS.GoodsCatalog, wrap(ports.goods));
  rebind(container, TOKENS.UserRepository, wrap(ports.users));
  rebind(container, TOKENS.IntegralLedger, wrap(ports.ledger));
  rebind(container, TOKENS.PaymentGateway, wrap(recording(gateways.default, asked.default)));
  rebind(container, TOKENS.NotifyLog, ports.notifyLog);
  rebind(container, TOKENS.AuditLog, ports.audit);
  rebind(container, TOKENS.Random, seededRandom(7));
  rebind(container, TOKENS.PrepayLockTiming, { ttlMs: 15_000, waitMs: 2_000 });
  rebind(container, TOKENS.MerchantAccounts, [...container.get(TOKENS.MerchantAccounts), SHOP_B]);
  container
    .bind(TOKENS.MerchantGateway)
    .toConstantValue(wrap(recording(gateways['shop-b'], asked['shop-b'])))
    .whenNamed(SHOP_B.id);
  rebind(container, TOKENS.ConfiguredMiniPrograms, PROGRAMS);
  // One WeChat user in every mini-program: three users of ours, one per appid.
  const users = [];
  for (const program of PROGRAMS) users.push(await ports.users.findOrCreate('openid-same-person', undefined, program.appId));
  for (const [i, program] of PROGRAMS.entries()) {
    // Both backends' catalogues store goods under a chosen id (their seeding write).
    await (ports.goods as GoodsAdmin & { save(goods: Goods): Promise<void> }).save(
      aGoods({ id: goodsIdOf(i), appId: program.appId, marketPrice: Money.ofFen(9_900), integral: 5 }),
    );
    await ports.ledger.grant(users[i]!.uid, 50, `start-${i}`, clock.now());
  }
  const get = container.get.bind(container);
  return {
    clock,
    ports,
    gateways,
    asked,
    users,
    prepay: get(RequestPrepay),
    notify: get(HandleNotify),
    refund: get(RefundOrder),
    grant: get(GrantCoins),
  };
}

type Shops = Awaited<ReturnType<typeof openShops>>;

/** The gateway, noting the order (or refund) number each call is about. */
function recording(gateway: PaymentGateway, asked: Set<string>): PaymentGateway {
  return new Proxy(gateway, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const [first] = args;
        const about = typeof first === 'string' ? first : (first as { outTradeNo?: string } | undefined)?.outTradeNo;
        if (about !== undefined) asked.add(about);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

async function ordersOf(world: Shops, uid: number): Promise<Order[]> {
  const orders = await world.ports.orders.list({ uid, limit: 100, offset: 0 });
  return orders.sort((a, b) => a.state.outTradeNo.value.localeCompare(b.state.outTradeNo.value));
}

const merchantOf = (shopIndex: number) => PROGRAMS[shopIndex]!.merchantId as 'default' | 'shop-b';

/** Runs one step; returns what the assertions need to know about it. */
async function run(world: Shops, s: Step, foreign: Set<string>, grants: Map<number, number>): Promise<void> {
  const user = world.users[s.shop]!;
  switch (s.kind) {
    case 'prepay': {
      const result = await world.prepay.execute({
        uid: user.uid,
        appId: PROGRAMS[s.shop]!.appId,
        goodsId: goodsIdOf(s.goodsOf),
        paidType: s.paidType,
        clientIp: '203.0.113.7',
      });
      // Another mini-program's goods are never sold here.
      if (s.goodsOf !== s.shop) expect(result).toEqual({ ok: false, error: { kind: 'GoodsNotFound' } });
      return;
    }
    case 'pay': {
      const orders = (await ordersOf(world, user.uid)).filter((o) => o.state.prepay);
      const order = orders[s.pick % Math.max(orders.length, 1)];
      if (!order) return;
      const gateway = world.gateways[merchantOf(s.shop)];
      if (!gateway.trades.has(order.state.outTradeNo.value)) return;
      try {
        await world.notify.execute(gateway.pay(order.state.outTradeNo.value));
      } catch {
        // A closed trade cannot be paid: nothing to send.
      }
      return;
    }
    case 'foreignNotice': {
      const orders = await ordersOf(world, user.uid);
      const order = orders[s.pick % Math.max(orders.length, 1)];
      if (!order) return;
      // Signed (verified) for the other merchant, naming this shop's order.
      const other = merchantOf(s.shop) === 'default' ? world.gateways['shop-b'] : world.gateways.default;
      const no = order.state.outTradeNo.value;
      foreign.add(no);
      const notice: PaymentNotice = {
        ...other.merchant,
        outTradeNo: no,
        transactionId: `forged-${no}`,
        totalFee: order.state.cash,
        succeeded: true,
        signedWith: 'MD5',
      };
      const verdict = await world.notify.execute(notice);
      expect(verdict).toMatchObject({ ack: false });
      return;
    }
    case 'refund': {
      const orders = (await ordersOf(world, user.uid)).filter((o) => o.status === 'SUCC' && !o.state.cash.isZero());
      const order = orders[s.pick % Math.max(orders.length, 1)];
      if (!order) return;
      await world.refund.execute({
        outTradeNo: order.state.outTradeNo.value,
        amount: Money.ofFen(Math.min(s.fen, order.refundableFen) || 1),
        actor: 'prop',
      });
      return;
    }
    case 'grant': {
      const granted = await world.grant.execute({
        uid: user.uid,
        amount: s.coins,
        grantId: `g-${s.shop}-${grants.size}-${s.coins}`,
        actor: 'prop',
      });
      if (granted.ok && granted.value.result === 'granted') grants.set(user.uid, (grants.get(user.uid) ?? 0) + s.coins);
      return;
    }
  }
}

async function assertIsolated(world: Shops, foreign: ReadonlySet<string>): Promise<void> {
  for (const [i, user] of world.users.entries()) {
    const program = PROGRAMS[i]!;
    const own = world.gateways[merchantOf(i)];
    const other = merchantOf(i) === 'default' ? world.gateways['shop-b'] : world.gateways.default;
    const askedOther = world.asked[merchantOf(i) === 'default' ? 'shop-b' : 'default'];
    for (const order of await ordersOf(world, user.uid)) {
      const no = order.state.outTradeNo.value;
      expect(order.state, no).toMatchObject({ appId: program.appId, merchantId: program.merchantId, goodsId: goodsIdOf(i) });
      // WeChat heard of it only from its own merchant, naming its own mini-program.
      if (!order.state.cash.isZero()) expect(own.trades.get(no)?.request.appId ?? program.appId).toBe(program.appId);
      expect(other.trades.has(no), `${no} at the other merchant`).toBe(false);
      // Nothing about it (prepay, query, close, refund, refund query) was asked of the other merchant's gateway.
      expect(
        [...askedOther].some((about) => about.startsWith(no)),
        `${no} asked of the other merchant`,
      ).toBe(false);
      // Paid only by its own merchant's payment: never by a forged notice of the other one.
      if (order.isPaid && order.state.transactionId !== undefined) {
        expect(order.state.transactionId.startsWith('forged-'), no).toBe(false);
        if (foreign.has(no)) expect(own.trades.get(no)?.paid?.transactionId).toBe(order.state.transactionId);
      }
    }
    // Coins move only between the user and the user's own orders.
    const mine = new Set((await ordersOf(world, user.uid)).map((o) => o.state.outTradeNo.value));
    for (const line of await world.ports.ledger.journalOf(user.uid, 10_000)) {
      if (line.outTradeNo !== undefined) expect(mine.has(line.outTradeNo), `${line.outTradeNo} in uid ${user.uid}'s coins`).toBe(true);
    }
  }
}

function isolationProperty(backend: () => Backend, numRuns: number) {
  return async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), rounds, async (s, plan) => {
        const world = await openShops(backend(), scheduledBy(s));
        const foreign = new Set<string>();
        const grants = new Map<number, number>();
        for (const round of plan) {
          await s.waitFor(Promise.all(round.map((step) => run(world, step, foreign, grants))));
          await assertIsolated(world, foreign);
        }
      }),
      runsOf(numRuns),
    );
  };
}

describe('shop isolation over random interleavings', () => {
  it(
    'holds on the in-memory adapters',
    isolationProperty(() => memoryBackend, 100),
    PROPERTY_TIMEOUT_MS,
  );
});

const describeWith = await describeIfServices(['mariadb']);

describeWith('shop isolation over random interleavings, on MariaDB', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await sqlBackend('MariaDB', scratchMariaDb, 'isolation');
  });
  afterAll(async () => backend?.close());

  it(
    'holds',
    isolationProperty(() => backend, 15),
    PROPERTY_TIMEOUT_MS,
  );
});
