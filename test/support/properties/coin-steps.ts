import { requestPaymentParams } from '../../../src/adapters/wechatpay/shared/request-payment.js';
import { fc } from '@fast-check/vitest';
import { ABANDONED_AFTER_MS } from '../../../src/application/reconciliation/close-abandoned-orders.js';
import { DEFAULT_RECONCILE_OPTIONS } from '../../../src/application/reconciliation/reconcile-payments.js';
import { GatewayUnavailableError } from '../../../src/application/ports/payment-gateway.js';
import type { ReservationState } from '../../../src/application/ports/integral-ledger.js';
import { PREPAY_LIFETIME_MS } from '../../../src/domain/prepay.js';
import { formatBeijingCompact } from '../../../src/domain/beijing-time.js';
import { Money } from '../../../src/domain/money.js';
import type { OrderStatus } from '../../../src/domain/order-status.js';
import type { Goods } from '../../../src/domain/goods.js';
import type { PaidType } from '../../../src/domain/paid-type.js';
import { PREPAY_FAULTS, type PrepayFault } from './faulty-gateway.js';
import type { World } from './world.js';

const USERS = 2;
const GOODS = 2;

/** Clock jumps that cross the service's windows: closeorder's 5 minutes, the 10-minute grace, a prepay_id's 2 hours, reuse's 7 days. */
export const JUMPS = {
  minute: 60_000,
  closeWindow: 6 * 60_000,
  grace: ABANDONED_AFTER_MS + 60_000,
  prepayLifetime: PREPAY_LIFETIME_MS + 60_000,
  reuseWindow: 8 * 24 * 60 * 60_000,
} as const;
export type Jump = keyof typeof JUMPS;

export type CoinStep =
  | { readonly kind: 'grant'; readonly user: number; readonly coins: number }
  | { readonly kind: 'prepay'; readonly user: number; readonly goods: number; readonly paidType: PaidType; readonly fault?: PrepayFault }
  /** An operator changes the goods' prices (whole yuan here; the sale price capped at the market price) and coins. */
  | { readonly kind: 'price'; readonly goods: number; readonly marketYuan: number; readonly saleYuan: number; readonly coins: number }
  | { readonly kind: 'online'; readonly goods: number; readonly online: boolean }
  | { readonly kind: 'clock'; readonly jump: Jump }
  /** The user pays a prepay_id they were given; WeChat's notify arrives or is lost. */
  | { readonly kind: 'pay'; readonly pick: number; readonly notify: 'delivered' | 'lost' }
  /** WeChat notifies a failed payment: it changes nothing by itself. */
  | { readonly kind: 'failedNotify'; readonly pick: number }
  /** WeChat ends an unpaid trade on its side (time_expire passed, the bank refused). */
  | { readonly kind: 'wechatEnds'; readonly pick: number; readonly state: 'CLOSED' | 'PAYERROR' }
  | {
      readonly kind: 'refund';
      readonly pick: number;
      readonly part: 'full' | 'half';
      readonly answerLost: boolean;
      readonly settle: 'no' | 'SUCCESS' | 'CLOSED';
      readonly notify: boolean;
    }
  | {
      readonly kind: 'reconcile';
      readonly job: 'all' | 'payments' | 'abandoned' | 'refunds' | 'coins';
      /** WeChat is unreachable for this many calls of the job. */
      readonly unavailable: number;
    };

export interface StepMix {
  /** Users and goods the steps pick from (at most USERS and GOODS). */
  readonly users: number;
  readonly goods: number;
  /** One prepay in this many fails at WeChat. */
  readonly faultEvery: number;
}

export const SEQUENTIAL_MIX: StepMix = { users: USERS, goods: GOODS, faultEvery: 3 };
/** Racing steps meet on fewer keys (one user's balance, one goods item's open orders), so that races are likely. */
export const RACING_MIX: StepMix = { users: 1, goods: 1, faultEvery: 2 };

/** A reconciliation job, sometimes with WeChat unreachable for its first calls. */
export const reconcileStep = fc.record({
  kind: fc.constant('reconcile' as const),
  job: fc.constantFrom('all' as const, 'payments' as const, 'abandoned' as const, 'refunds' as const, 'coins' as const),
  unavailable: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
});

export function coinSteps(mix: StepMix): fc.Arbitrary<CoinStep> {
  const user = fc.integer({ min: 0, max: mix.users - 1 });
  const goods = fc.integer({ min: 0, max: mix.goods - 1 });
  const pick = fc.nat({ max: 20 });
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('grant' as const), user, coins: fc.integer({ min: 1, max: 100 }) }) },
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('prepay' as const),
        user,
        goods,
        paidType: fc.constantFrom<PaidType>('INTEGRAL', 'MIXED', 'WXPAY'),
        fault: fc.oneof(
          { weight: mix.faultEvery - 1, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.constantFrom(...PREPAY_FAULTS) },
        ),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('price' as const),
        goods,
        marketYuan: fc.integer({ min: 1, max: 99 }),
        saleYuan: fc.integer({ min: 0, max: 99 }),
        coins: fc.integer({ min: 0, max: 40 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('online' as const), goods, online: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('clock' as const), jump: fc.constantFrom(...(Object.keys(JUMPS) as Jump[])) }) },
    {
      weight: 3,
      arbitrary: fc.record({ kind: fc.constant('pay' as const), pick, notify: fc.constantFrom('delivered' as const, 'lost' as const) }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('failedNotify' as const), pick }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('wechatEnds' as const),
        pick,
        state: fc.constantFrom('CLOSED' as const, 'PAYERROR' as const),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('refund' as const),
        pick,
        part: fc.constantFrom('full' as const, 'half' as const),
        answerLost: fc.boolean(),
        settle: fc.constantFrom('no' as const, 'SUCCESS' as const, 'CLOSED' as const),
        notify: fc.boolean(),
      }),
    },
    { weight: 2, arbitrary: reconcileStep },
  );
}

/**
 * Steps that run together: one or two requests, and half the time a reconciliation job racing them, as the
 * periodic jobs do in production.
 */
export function racingRound(mix: StepMix): fc.Arbitrary<CoinStep[]> {
  return fc
    .tuple(fc.array(coinSteps(mix), { minLength: 1, maxLength: 2 }), fc.option(reconcileStep, { freq: 2 }))
    .map(([steps, job]) => (job ? [...steps, job] : steps));
}

const GOODS_AT_START = [
  // Cash and coins for INTEGRAL/MIXED.
  { name: 'Yoga course', marketPrice: Money.ofFen(9900), salePrice: Money.ofFen(6900), integral: 30, online: true },
  // Coins only for INTEGRAL/MIXED (sale price 0): paid the moment it is ordered.
  { name: 'Herbal tea', marketPrice: Money.ofFen(1900), salePrice: Money.ZERO, integral: 10, online: true },
];

/** What the test knows independently of the service: who was granted what, and which prepay_ids users were handed. */
export interface CoinModel {
  readonly uids: number[];
  readonly openids: string[];
  readonly goodsIds: number[];
  readonly granted: Map<number, number>;
  /** prepay_ids handed to users (wx.requestPayment parameters), by out_trade_no: only these can be paid. */
  readonly handedOut: Map<string, Set<string>>;
  grants: number;
}

export async function setUpCoins(w: World): Promise<CoinModel> {
  const uids: number[] = [];
  const openids: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const u = await w.ports.users.findOrCreate(`openid-prop-${i}`);
    uids.push(u.uid);
    openids.push(u.openid);
  }
  const goodsIds: number[] = [];
  for (const draft of GOODS_AT_START) goodsIds.push((await w.ports.goods.create(draft)).id);
  return { uids, openids, goodsIds, granted: new Map(uids.map((u) => [u, 0])), handedOut: new Map(), grants: 0 };
}

const at = <T>(list: readonly T[], index: number): T | undefined => (list.length === 0 ? undefined : list[index % list.length]);

/** Orders of every user, oldest first. */
async function allOrders(w: World, m: CoinModel) {
  return (await Promise.all(m.uids.map((u) => w.ordersOf(u)))).flat();
}

/** Runs one step through the use cases. WeChat being unreachable is an answer (503 to the caller), anything else thrown is a bug. */
export async function runCoinStep(w: World, m: CoinModel, step: CoinStep): Promise<void> {
  try {
    await run(w, m, step);
  } catch (error) {
    if (!(error instanceof GatewayUnavailableError)) throw error;
  }
}

async function run(w: World, m: CoinModel, step: CoinStep): Promise<void> {
  switch (step.kind) {
    case 'grant': {
      const uid = m.uids[step.user] as number;
      const grantId = `g${++m.grants}`;
      const granted = await w.grantCoins.execute({ uid, amount: step.coins, grantId, actor: 'prop' });
      if (granted.ok && granted.value.result === 'granted') m.granted.set(uid, (m.granted.get(uid) ?? 0) + step.coins);
      return;
    }
    case 'prepay': {
      const uid = m.uids[step.user] as number;
      if (step.fault) w.gateway.failNextPrepay(m.openids[step.user] as string, step.fault);
      const goodsId = m.goodsIds[step.goods] as number;
      const result = await w.requestPrepay.execute({ uid, goodsId, paidType: step.paidType, clientIp: '203.0.113.7' });
      if (result.ok && result.value.kind === 'payInClient') {
        const prepayId = requestPaymentParams(result.value.clientPayment).package.replace(/^prepay_id=/, '');
        const ids = m.handedOut.get(result.value.outTradeNo) ?? new Set();
        ids.add(prepayId);
        m.handedOut.set(result.value.outTradeNo, ids);
      }
      return;
    }
    case 'price':
    case 'online': {
      const id = m.goodsIds[step.goods] as number;
      const current = (await w.ports.goods.findById(id)) as Goods;
      const next: Goods =
        step.kind === 'online'
          ? { ...current, online: step.online }
          : {
              ...current,
              marketPrice: Money.ofFen(step.marketYuan * 100),
              // Never above the market price (ManageGoods refuses that): the step still changes both prices.
              salePrice: Money.ofFen(Math.min(step.saleYuan, step.marketYuan) * 100),
              integral: step.coins,
            };
      await w.manageGoods.update(next, 'prop');
      return;
    }
    case 'clock':
      w.clock.advance(JUMPS[step.jump]);
      return;
    case 'pay':
    case 'failedNotify':
    case 'wechatEnds': {
      const no = at(payable(w, m), step.pick);
      if (!no) return;
      if (step.kind === 'wechatEnds') return w.fake.setTradeState(no, step.state);
      if (step.kind === 'failedNotify') {
        const { appId, mchId } = w.fake.merchant;
        const trade = w.fake.trades.get(no);
        await w.handleNotify.execute({
          appId,
          mchId,
          outTradeNo: no,
          transactionId: '',
          totalFee: trade?.request.amount ?? Money.ZERO,
          succeeded: false,
        });
        return;
      }
      const notice = w.fake.pay(no);
      if (step.notify === 'delivered') await w.handleNotify.execute(notice);
      return;
    }
    case 'refund': {
      const paid = (await allOrders(w, m)).filter((o) => o.status === 'SUCC');
      const order = at(paid, step.pick);
      if (!order) return;
      const fen = step.part === 'full' ? undefined : Math.floor(order.refundableFen / 2);
      if (fen === 0 && !order.state.cash.isZero()) return;
      if (step.answerLost) w.gateway.loseNextRefundAnswer();
      const no = order.state.outTradeNo.value;
      const result = await w.refundOrder.execute({
        outTradeNo: no,
        actor: 'prop',
        ...(fen === undefined || order.state.cash.isZero() ? {} : { amount: Money.ofFen(fen) }),
      });
      if (!result.ok || result.value.outRefundNo === '' || step.settle === 'no') return;
      const refund = w.fake.trades.get(no)?.refunds.get(result.value.outRefundNo);
      if (refund?.status !== 'PROCESSING') return;
      const notice = w.fake.settleRefund(result.value.outRefundNo, step.settle);
      if (step.notify) await w.handleRefundNotice.execute(notice);
      return;
    }
    case 'reconcile': {
      if (step.unavailable > 0) w.gateway.beUnavailable(step.unavailable);
      switch (step.job) {
        case 'all':
          await w.reconcile.execute();
          return;
        case 'payments':
          await w.reconcilePayments.execute();
          return;
        case 'abandoned':
          await w.closeAbandoned.execute();
          return;
        case 'refunds':
          await w.reconcileRefunds.execute();
          return;
        case 'coins':
          await w.repairCoins.execute();
          return;
      }
    }
  }
}

/** Orders a user can still pay at WeChat: a prepay_id they were handed is alive and WeChat's trade is unpaid. */
function payable(w: World, m: CoinModel): string[] {
  const now = w.clock.now().getTime();
  return [...m.handedOut.entries()]
    .filter(([no, ids]) => {
      const trade = w.fake.trades.get(no);
      if (!trade || trade.paid || (trade.state !== 'NOTPAY' && trade.state !== 'USERPAYING')) return false;
      return trade.prepays.some((p) => ids.has(p.prepayId) && p.expiresAt.getTime() > now);
    })
    .map(([no]) => no)
    .sort();
}

/** The state an order's coins must be in, by the order's status (health-coins.ts: every reservation follows its order). */
export const RESERVATION_FOR: Readonly<Record<OrderStatus, ReservationState>> = {
  CHECKED: 'reserved',
  SUCC: 'committed',
  FAILED: 'released',
  REFUND: 'refunded',
};

/**
 * The coin invariant, per user, from three independent sources: the test's own record of grants, the orders (spent =
 * coins of orders paid and not refunded in full; a full refund gives them back), and the ledger (balance, and each
 * reservation's state from its journal). Returns what is wrong, empty when nothing is.
 */
export async function coinViolations(w: World, m: CoinModel): Promise<string[]> {
  const problems: string[] = [];
  const open = await w.ports.ledger.openReservations(new Date(8.64e15), 100_000);
  for (const uid of m.uids) {
    const orders = await w.ordersOf(uid);
    const { balance, reservations } = await w.coinsOf(uid);
    const granted = m.granted.get(uid) ?? 0;
    const reserved = [...reservations.values()].filter((r) => r.state === 'reserved').reduce((s, r) => s + r.amount, 0);
    const spent = orders.filter((o) => o.status === 'SUCC').reduce((s, o) => s + o.state.integral, 0);
    if (balance < 0) problems.push(`user ${uid}: negative balance ${balance}`);
    if (balance + reserved !== granted - spent) {
      problems.push(`user ${uid}: balance ${balance} + reserved ${reserved} ≠ granted ${granted} − spent ${spent}`);
    }
    const openOfUser = open.filter((r) => r.uid === uid).reduce((s, r) => s + r.amount, 0);
    if (openOfUser !== reserved) problems.push(`user ${uid}: openReservations lists ${openOfUser} coins, the journal ${reserved}`);
    const byNumber = new Map(orders.map((o) => [o.state.outTradeNo.value, o]));
    for (const o of orders) {
      if (o.state.integral === 0) continue;
      const no = o.state.outTradeNo.value;
      const r = reservations.get(no);
      if (r?.state !== RESERVATION_FOR[o.status]) {
        problems.push(`order ${no} is ${o.status} (${o.state.integral} coins) but its coins are ${r ? r.state : 'not reserved'}`);
      } else if (r.amount !== o.state.integral) {
        problems.push(`order ${no} costs ${o.state.integral} coins but reserved ${r.amount}`);
      }
    }
    for (const [no, r] of reservations) {
      if (r.state !== 'released' && !byNumber.has(no)) problems.push(`reservation ${no} (${r.state}) has no order`);
    }
  }
  return problems;
}

/** Past every window (a prepay_id's life, the grace period, the reconciler's longest backoff) with WeChat reachable. */
export const SETTLE_JUMP_MS = PREPAY_LIFETIME_MS + ABANDONED_AFTER_MS + DEFAULT_RECONCILE_OPTIONS.maxBackoffMs + 60_000;

/**
 * Reconciliation past the grace period with WeChat healthy, then the next day's trade-bill reconciliation for every
 * day WeChat took a payment: afterwards no reservation outlives its order, i.e. no coins stay reserved (every order is
 * paid, failed or refunded: nothing can be paid any more), unless a person was asked to look at the order.
 */
export async function settleEverything(w: World): Promise<void> {
  w.gateway.disarm();
  w.clock.advance(SETTLE_JUMP_MS);
  await w.reconcile.execute();
  w.clock.advance(DEFAULT_RECONCILE_OPTIONS.maxBackoffMs + 60_000);
  await w.reconcile.execute();
  w.clock.advance(DAY_MS);
  const billDates = new Set([...w.fake.trades.values()].flatMap((t) => (t.paid ? [formatBeijingCompact(t.paid.paidAt).slice(0, 8)] : [])));
  for (const date of [...billDates].sort()) await w.reconcileBill.execute(date);
}

const DAY_MS = 24 * 60 * 60_000;

/** Every payment WeChat took is recorded as paid here (SUCC, or REFUND since), with WeChat's transaction. */
export async function paymentsWeChatTookButWeMissed(w: World, m: CoinModel): Promise<string[]> {
  const orders = new Map((await allOrders(w, m)).map((o) => [o.state.outTradeNo.value, o]));
  return [...w.fake.trades.entries()].flatMap(([no, trade]) => {
    if (!trade.paid) return [];
    const order = orders.get(no);
    return order?.isPaid && order.state.transactionId === trade.paid.transactionId
      ? []
      : [`WeChat took ${trade.paid.amount.fen} fen for ${no} but the order is ${order ? order.status : 'missing'}`];
  });
}

export async function lingeringReservations(w: World, m: CoinModel): Promise<string[]> {
  const problems: string[] = [];
  for (const uid of m.uids) {
    const orders = new Map((await w.ordersOf(uid)).map((o) => [o.state.outTradeNo.value, o]));
    const { reservations } = await w.coinsOf(uid);
    for (const [no, r] of reservations) {
      if (r.state !== 'reserved') continue;
      const order = orders.get(no);
      if (order?.needsReview) continue;
      problems.push(`reservation ${no} (${r.amount} coins) is still reserved; its order is ${order ? order.status : 'missing'}`);
    }
    for (const o of orders.values()) {
      if (o.status === 'CHECKED' && !o.needsReview) problems.push(`order ${o.state.outTradeNo.value} is still CHECKED`);
    }
  }
  return problems;
}
