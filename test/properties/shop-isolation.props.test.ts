import { fc } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaymentNotice, RefundNotice } from '../../src/application/ports/notify-verifier.js';
import type { PaymentGateway } from '../../src/application/ports/payment-gateway.js';
import type { GoodsAdmin } from '../../src/application/ports/goods-catalog.js';
import type { Goods } from '../../src/domain/goods.js';
import { GrantCoins } from '../../src/application/coins/grant-coins.js';
import { HandleNotify } from '../../src/application/payments/handle-notify.js';
import { RequestPrepay } from '../../src/application/payments/request-prepay.js';
import { RefundOrder } from '../../src/application/refunds/refund-order.js';
import { HandleRefundNotice } from '../../src/application/refunds/handle-refund-notice.js';
import { ReconcileBill } from '../../src/application/reconciliation/reconcile-bill.js';
import { ReconcilePending } from '../../src/application/reconciliation/reconcile-pending.js';
import { formatBeijingCompact } from '../../src/domain/beijing-time.js';
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
 * Issue 20, "Done when": over random interleavings of prepays, notifies (genuine, lost on the way, and signed by
 * another of our merchants, a partner sibling under the same provider among them), refunds and their notices, coin
 * grants and reconciliation (the pending run and the trade bill) across three merchants — v2 direct, v3 direct, v3
 * partner — and two mini-programs each, no operation of one shop reads, changes or is settled by another's data or
 * credentials: every order is its user's mini-program's, at that mini-program's merchant, for that mini-program's
 * goods; every call about it (prepay, query, close, refund, refund query) went to its own merchant's gateway, naming
 * its own appid; it is paid only with its own merchant's transaction; a notice of another merchant, or of the sibling
 * sub-merchant whose notices the shared provider credentials verify just as well, changes nothing wherever it is
 * delivered; coins move only between a user and that user's own orders.
 */

/** The 服务商 both partner merchants use: one sp_mchid, one set of credentials. */
const PROVIDER = { id: 'acme', spMchId: '1900000100' };
type Mid = 'default' | 'east' | 'south' | 'west';
const ACCOUNTS: Record<Exclude<Mid, 'default'>, MerchantAccount> = {
  east: {
    id: 'east',
    mode: 'direct',
    apiVersion: 'v3',
    appId: 'wx3333333333333333',
    appIds: ['wx3333333333333333', 'wx4444444444444444'],
    mchId: '1900000110',
  },
  south: {
    id: 'south',
    mode: 'partner',
    provider: PROVIDER.id,
    apiVersion: 'v3',
    appId: 'wx5555555555555555',
    appIds: ['wx5555555555555555', 'wx6666666666666666'],
    mchId: PROVIDER.spMchId,
    subMchId: '1900000111',
  },
  // south's sibling: another sub-merchant of the same provider, with no mini-program in this world. Its notices are
  // as genuine as south's (same sp_mchid, same provider key): only its sub_mchid tells them apart.
  west: {
    id: 'west',
    mode: 'partner',
    provider: PROVIDER.id,
    apiVersion: 'v3',
    appId: 'wx7777777777777777',
    mchId: PROVIDER.spMchId,
    subMchId: '1900000112',
  },
};
const MERCHANT_IDS: readonly Mid[] = ['default', 'east', 'south', 'west'];
const PROGRAMS: readonly ConfiguredMiniProgram[] = [
  { appId: SAMPLE_MERCHANT.appId, name: 'default', merchantId: 'default', appSecret: 's0', default: true },
  { appId: 'wx1111111111111111', name: 'members', merchantId: 'default', appSecret: 's1' },
  { appId: 'wx3333333333333333', name: 'east', merchantId: 'east', appSecret: 's2' },
  { appId: 'wx4444444444444444', name: 'east members', merchantId: 'east', appSecret: 's3' },
  { appId: 'wx5555555555555555', name: 'south', merchantId: 'south', appSecret: 's4' },
  { appId: 'wx6666666666666666', name: 'south members', merchantId: 'south', appSecret: 's5' },
];
/** Each mini-program's goods (ids 10 to 15), with coins so INTEGRAL and MIXED orders move them. */
const goodsIdOf = (shop: number): number => 10 + shop;

/** Where a forged notice is delivered: no URL named (the seed's path), the sender's URL, or the victim's. */
type DeliveredAt = 'none' | 'sender' | 'victim';

/** A refund's notice: genuine (its merchant's), or forged by the `forgedFrom`-th merchant after the refund's own. */
interface RefundNoticeOf {
  readonly forgedFrom: number | undefined;
  readonly at: DeliveredAt;
}

type Step =
  | { readonly kind: 'prepay'; readonly shop: number; readonly goodsOf: number; readonly paidType: PaidType }
  | { readonly kind: 'pay'; readonly pick: number; readonly lost: boolean }
  | {
      readonly kind: 'foreignNotice';
      readonly pick: number;
      /** From the partner sibling (west) about one of south's orders; else from the `from`-th merchant after the victim. */
      readonly sibling: boolean;
      readonly from: number;
      readonly victimAppId: boolean;
      readonly replay: boolean;
      readonly at: DeliveredAt;
    }
  | { readonly kind: 'refund'; readonly pick: number; readonly fen: number; readonly settled: RefundNoticeOf | undefined }
  | ({ readonly kind: 'refundNotice'; readonly pick: number } & RefundNoticeOf)
  | { readonly kind: 'grant'; readonly shop: number; readonly coins: number }
  | { readonly kind: 'reconcile'; readonly minutes: number }
  | { readonly kind: 'bill' };

const shop = fc.integer({ min: 0, max: PROGRAMS.length - 1 });
const pick = fc.nat({ max: 20 });
/** Another merchant than the shop's, by offset (1..3) among the four. */
const from = fc.integer({ min: 1, max: MERCHANT_IDS.length - 1 });
const at = fc.constantFrom<DeliveredAt>('none', 'sender', 'victim');
const refundNoticeOf: fc.Arbitrary<RefundNoticeOf> = fc.record({ forgedFrom: fc.option(from, { nil: undefined, freq: 2 }), at });
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('prepay' as const),
      shop,
      goodsOf: fc.oneof({ weight: 4, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: shop }),
      paidType: fc.constantFrom<PaidType>('WXPAY', 'MIXED', 'INTEGRAL'),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pay' as const), pick, lost: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('foreignNotice' as const),
      pick,
      sibling: fc.boolean(),
      from,
      victimAppId: fc.boolean(),
      replay: fc.boolean(),
      at,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      pick,
      fen: fc.integer({ min: 1, max: 9_900 }),
      // WeChat settles it at once (its notice sent, or forged), or later (a refundNotice step, or reconciliation).
      settled: fc.option(refundNoticeOf, { nil: undefined }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('refundNotice' as const), pick, forgedFrom: fc.option(from, { nil: undefined }), at }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('grant' as const), shop, coins: fc.integer({ min: 1, max: 100 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reconcile' as const), minutes: fc.integer({ min: 0, max: 150 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bill' as const }) },
);
/** Rounds of steps started together, every port's answer released in an order fast-check picks. */
const rounds = fc.array(fc.array(step, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 });

async function openShops(backend: Backend, wrap: <T extends object>(port: T) => T) {
  const clock = new ManualClock(START);
  const ports = await backend.fresh(clock);
  const container = serviceContainer({}, { clock });
  const [defaultAccount] = container.get(TOKENS.MerchantAccounts);
  const accounts: Record<Mid, MerchantAccount> = {
    default: { ...defaultAccount!, appIds: [PROGRAMS[0]!.appId, PROGRAMS[1]!.appId] },
    ...ACCOUNTS,
  };
  const identity = ({ appId, mchId, subMchId }: MerchantAccount) => ({ appId, mchId, ...(subMchId ? { subMchId } : {}) });
  const gateways = Object.fromEntries(
    MERCHANT_IDS.map((id) => [
      id,
      id === 'default' ? new FakePaymentGateway(clock) : new FakePaymentGateway(clock, identity(accounts[id])),
    ]),
  ) as Record<Mid, FakePaymentGateway>;
  /** Which order (or refund) numbers each merchant's gateway was asked about. */
  const asked = Object.fromEntries(MERCHANT_IDS.map((id) => [id, new Set<string>()])) as Record<Mid, Set<string>>;
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
  rebind(
    container,
    TOKENS.MerchantAccounts,
    MERCHANT_IDS.map((id) => accounts[id]),
  );
  for (const id of MERCHANT_IDS.filter((m) => m !== 'default')) {
    container
      .bind(TOKENS.MerchantGateway)
      .toConstantValue(wrap(recording(gateways[id], asked[id])))
      .whenNamed(id);
  }
  rebind(container, TOKENS.ConfiguredMiniPrograms, PROGRAMS);
  // One WeChat user in every mini-program: six users of ours, one per appid.
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
    accounts,
    gateways,
    asked,
    users,
    prepay: get(RequestPrepay),
    notify: get(HandleNotify),
    refund: get(RefundOrder),
    refundNotice: get(HandleRefundNotice),
    grant: get(GrantCoins),
    reconcile: get(ReconcilePending),
    bill: get(ReconcileBill),
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

/** Every shop's orders, each with its shop (the index of its user's mini-program). */
async function everyOrder(world: Shops): Promise<{ order: Order; shop: number }[]> {
  const all = [];
  for (const [shop, user] of world.users.entries()) for (const order of await ordersOf(world, user.uid)) all.push({ order, shop });
  return all;
}

/** One order of any shop that `fits`, by `pick`. */
async function anyOrder(world: Shops, pick: number, fits: (order: Order) => boolean) {
  const candidates = (await everyOrder(world)).filter(({ order }) => fits(order));
  return candidates[pick % Math.max(candidates.length, 1)];
}

const merchantOf = (shopIndex: number): Mid => PROGRAMS[shopIndex]!.merchantId as Mid;
/** The `offset`-th merchant after the shop's own: never the shop's. */
const otherThan = (own: Mid, offset: number): Mid => MERCHANT_IDS[(MERCHANT_IDS.indexOf(own) + offset) % MERCHANT_IDS.length]!;
/** The merchant whose URL a forged notice arrives at. */
const deliveredAt = (where: DeliveredAt, sender: Mid, victim: Mid): Mid | undefined =>
  where === 'none' ? undefined : where === 'sender' ? sender : victim;

/** WeChat settles a refund at its own merchant: the notice it sends is handled, or another merchant's forgery of it. */
async function settleRefund(world: Shops, outRefundNo: string, own: Mid, notice: RefundNoticeOf): Promise<void> {
  const processing = [...world.gateways[own].trades.values()].some((t) => t.refunds.get(outRefundNo)?.status === 'PROCESSING');
  if (!processing) return;
  const genuine = world.gateways[own].settleRefund(outRefundNo);
  if (notice.forgedFrom === undefined) {
    await world.refundNotice.execute(genuine, own);
    return;
  }
  const sender = otherThan(own, notice.forgedFrom);
  const { subMchId: _theirs, ...unnamed } = genuine;
  const forged: RefundNotice = { ...unnamed, ...world.gateways[sender].merchant };
  expect(await world.refundNotice.execute(forged, deliveredAt(notice.at, sender, own))).toMatchObject({ ack: false });
}

/** Runs one step, asserting what each step alone must hold. */
async function run(world: Shops, s: Step, grants: Map<number, number>): Promise<void> {
  switch (s.kind) {
    case 'prepay': {
      const goodsOf = s.goodsOf < 0 ? s.shop : s.goodsOf;
      const result = await world.prepay.execute({
        uid: world.users[s.shop]!.uid,
        appId: PROGRAMS[s.shop]!.appId,
        goodsId: goodsIdOf(goodsOf),
        paidType: s.paidType,
        clientIp: '203.0.113.7',
      });
      // Another mini-program's goods are never sold here.
      if (goodsOf !== s.shop) expect(result).toEqual({ ok: false, error: { kind: 'GoodsNotFound' } });
      return;
    }
    case 'pay': {
      const { order, shop } = (await anyOrder(world, s.pick, (o) => o.state.prepay !== undefined)) ?? {};
      if (!order || shop === undefined) return;
      const gateway = world.gateways[merchantOf(shop)];
      if (!gateway.trades.has(order.state.outTradeNo.value)) return;
      let notice: PaymentNotice;
      try {
        notice = gateway.pay(order.state.outTradeNo.value);
      } catch {
        return; // A closed trade cannot be paid: nothing to send.
      }
      // A lost notice: only reconciliation (the pending run, the bill) can find this payment.
      if (!s.lost) await world.notify.execute(notice, merchantOf(shop));
      return;
    }
    case 'foreignNotice': {
      const { order, shop } = (await anyOrder(world, s.pick, (o) => !s.sibling || o.state.merchantId === 'south')) ?? {};
      if (!order || shop === undefined) return;
      const victim = merchantOf(shop);
      const sender = s.sibling ? 'west' : otherThan(victim, s.from);
      const no = order.state.outTradeNo.value;
      // Verified for the sender (for south's sibling west: the provider's own credentials), naming this shop's order,
      // with the sender's appid or the victim's, at no URL, the sender's or the victim's; forged, or replaying the
      // transaction WeChat really paid it with (a relayed genuine notice: still not the sender's to settle).
      const paid = world.gateways[victim].trades.get(no)?.paid?.transactionId;
      const notice: PaymentNotice = {
        ...world.gateways[sender].merchant,
        ...(s.victimAppId ? { appId: PROGRAMS[shop]!.appId } : {}),
        outTradeNo: no,
        transactionId: s.replay && paid !== undefined ? paid : `forged-${no}`,
        totalFee: order.state.cash,
        succeeded: true,
        signedWith: 'MD5',
      };
      expect(await world.notify.execute(notice, deliveredAt(s.at, sender, victim))).toMatchObject({ ack: false });
      return;
    }
    case 'refund': {
      const { order, shop } = (await anyOrder(world, s.pick, (o) => o.status === 'SUCC' && !o.state.cash.isZero())) ?? {};
      if (!order || shop === undefined) return;
      const refunded = await world.refund.execute({
        outTradeNo: order.state.outTradeNo.value,
        amount: Money.ofFen(Math.min(s.fen, order.refundableFen) || 1),
        actor: 'prop',
      });
      if (refunded.ok && s.settled) await settleRefund(world, refunded.value.outRefundNo, merchantOf(shop), s.settled);
      return;
    }
    case 'refundNotice': {
      // WeChat settles one of a shop's refunds; the notice comes from its merchant, or forged by another.
      const pending = (await everyOrder(world)).flatMap(({ order, shop }) =>
        [...(world.gateways[merchantOf(shop)].trades.get(order.state.outTradeNo.value)?.refunds ?? [])]
          .filter(([, r]) => r.status === 'PROCESSING')
          .map(([outRefundNo]) => ({ outRefundNo, own: merchantOf(shop) })),
      );
      const { outRefundNo, own } = pending[s.pick % Math.max(pending.length, 1)] ?? {};
      if (outRefundNo === undefined || own === undefined) return;
      await settleRefund(world, outRefundNo, own, s);
      return;
    }
    case 'grant': {
      const user = world.users[s.shop]!;
      const granted = await world.grant.execute({
        uid: user.uid,
        amount: s.coins,
        grantId: `g-${s.shop}-${grants.size}-${s.coins}`,
        actor: 'prop',
      });
      if (granted.ok && granted.value.result === 'granted') grants.set(user.uid, (grants.get(user.uid) ?? 0) + s.coins);
      return;
    }
    case 'reconcile': {
      world.clock.advance(s.minutes * 60_000);
      await world.reconcile.execute();
      return;
    }
    case 'bill': {
      // Today's bill of every merchant, once WeChat has it (10:00 the next day): each payment looked up at its merchant.
      const today = formatBeijingCompact(world.clock.now()).slice(0, 8);
      world.clock.advance(36 * 60 * 60_000);
      const report = await world.bill.execute(today);
      // Every billed payment is one of the billing merchant's orders here (the fakes bill only their own trades).
      expect(report.unknown).toEqual([]);
      return;
    }
  }
}

async function assertIsolated(world: Shops): Promise<void> {
  for (const [i, user] of world.users.entries()) {
    const program = PROGRAMS[i]!;
    const mid = merchantOf(i);
    const own = world.gateways[mid];
    const others = MERCHANT_IDS.filter((m) => m !== mid);
    const orders = await ordersOf(world, user.uid);
    for (const order of orders) {
      const no = order.state.outTradeNo.value;
      expect(order.state, no).toMatchObject({ appId: program.appId, merchantId: program.merchantId, goodsId: goodsIdOf(i) });
      // WeChat heard of it only from its own merchant, naming its own mini-program.
      if (!order.state.cash.isZero()) expect(own.trades.get(no)?.request.appId ?? program.appId).toBe(program.appId);
      for (const other of others) {
        expect(world.gateways[other].trades.has(no), `${no} at ${other}`).toBe(false);
        // Nothing about it (prepay, query, close, refund, refund query) was asked of another merchant's gateway.
        expect(
          [...world.asked[other]].some((about) => about.startsWith(no)),
          `${no} of ${mid} asked of ${other}`,
        ).toBe(false);
      }
      // Paid only with its own merchant's transaction: never by a forged notice, never by another merchant's payment.
      if (order.isPaid && order.state.transactionId !== undefined && !order.state.cash.isZero()) {
        expect(order.state.transactionId, no).toBe(own.trades.get(no)?.paid?.transactionId);
      }
      // Refunds only as its own merchant's gateway knows them.
      for (const refund of order.state.refunds) {
        const atWechat = own.trades.get(no)?.refunds.get(refund.outRefundNo);
        if (refund.refundId !== undefined) expect(refund.refundId, refund.outRefundNo).toBe(atWechat?.refundId);
      }
    }
    // Coins move only between the user and the user's own orders.
    const mine = new Set(orders.map((o) => o.state.outTradeNo.value));
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
        const grants = new Map<number, number>();
        for (const round of plan) {
          await s.waitFor(Promise.all(round.map((step) => run(world, step, grants))));
          await assertIsolated(world);
        }
      }),
      runsOf(numRuns),
    );
  };
}

describe('shop isolation over random interleavings', () => {
  it(
    'holds on the in-memory adapters',
    isolationProperty(() => memoryBackend, 150),
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
    isolationProperty(() => backend, 20),
    PROPERTY_TIMEOUT_MS,
  );
});
