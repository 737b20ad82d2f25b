import { fc } from '@fast-check/vitest';
import { GatewayUnavailableError } from '../../../src/application/ports/payment-gateway.js';
import type { RefundNotice } from '../../../src/application/ports/notify-verifier.js';
import { Money } from '../../../src/domain/money.js';
import type { RefundReport, RefundStatus, ReportedStatus } from '../../../src/domain/refund.js';
import type { World } from './world.js';

/*
 * Refund identity (issue #15, item 1): a refund notice, a refundquery answer or a refund API answer settles a refund
 * only when every identifier in it agrees with the refund we asked for on that order; anything else is refused,
 * alerted, and changes nothing. The oracle below decides that from the test's own model of what was asked for and
 * from WeChat's side of the fake; it never asks the service's domain.
 */

// ---------------------------------------------------------------- what is generated

/** Goods whose prices collide on purpose (99 yuan MIXED cash = 69 yuan; 69 WXPAY = 69 MIXED of the first), so borrowed amounts are sometimes right. */
const GOODS = [
  { name: 'Yoga course', marketPrice: Money.ofFen(9900), salePrice: Money.ofFen(6900), integral: 30, online: true },
  { name: 'Tea ceremony', marketPrice: Money.ofFen(6900), salePrice: Money.ofFen(1900), integral: 10, online: true },
  { name: 'Herbal tea', marketPrice: Money.ofFen(1900), salePrice: Money.ofFen(900), integral: 5, online: true },
];

export interface PaidOrderSpec {
  readonly user: number;
  readonly goods: number;
  readonly paidType: 'WXPAY' | 'MIXED';
}

export interface RefundSpec {
  readonly order: number;
  readonly part: 'full' | 'half' | 'third' | 'oneYuan';
  /**
   * answered: WeChat's answer came back; lost: WeChat accepted it, the answer was lost; unavailable: it never reached
   * WeChat; refused: WeChat refused it (NOTENOUGH), so it is REFUSED here and absent there.
   */
  readonly answer: 'answered' | 'lost' | 'unavailable' | 'refused';
  /** What WeChat has done with it since, without telling us. */
  readonly wechat: 'processing' | 'SUCCESS' | 'CLOSED';
  /** Refund reconciliation runs afterwards (genuine answers), so later refunds meet settled ones. */
  readonly thenReconcile: boolean;
}

/**
 * Where a mutated identifier comes from: another order's or refund's genuine value (picked), another refund of the
 * same order (for refund identifiers), or a value nobody has.
 */
export type Source = { readonly from: 'borrowed' | 'sibling' | 'invented'; readonly pick: number };

export interface Mutations {
  readonly outTradeNo?: Source;
  readonly transactionId?: Source;
  readonly outRefundNo?: Source;
  readonly refundId?: Source;
  readonly amount?: Source;
  /** 'absent': the answer carries no total_fee (refundquery's may not). Notices always carry one. */
  readonly totalFee?: Source | 'absent';
}

export interface ReportSpec {
  readonly channel: 'notice' | 'refundquery' | 'refundApi';
  /** The refund the message is genuinely about (picked among those it can be about). */
  readonly target: number;
  /** What WeChat does with the target first, if it is still processing there (a notice always reports a settled refund). */
  readonly wechatSettles: 'SUCCESS' | 'CLOSED' | 'no';
  readonly mutations: Mutations;
}

export interface RefundScenario {
  readonly orders: readonly PaidOrderSpec[];
  readonly refunds: readonly RefundSpec[];
  readonly reports: readonly ReportSpec[];
}

const source: fc.Arbitrary<Source> = fc.record({
  from: fc.constantFrom('borrowed' as const, 'sibling' as const, 'invented' as const),
  pick: fc.nat({ max: 30 }),
});

const FIELDS = ['outTradeNo', 'transactionId', 'outRefundNo', 'refundId', 'amount', 'totalFee'] as const;

/** Genuine messages, messages with one identifier mutated (the sharpest test of each check), and some with several. */
const mutations: fc.Arbitrary<Mutations> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({}) },
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.constantFrom(...FIELDS), source, fc.boolean())
      .map(([field, from, absent]): Mutations => ({ [field]: field === 'totalFee' && absent ? 'absent' : from })),
  },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        outTradeNo: source,
        transactionId: source,
        outRefundNo: source,
        refundId: source,
        amount: source,
        totalFee: fc.oneof(source, fc.constant('absent' as const)),
      },
      { requiredKeys: [] },
    ),
  },
);

export const refundScenario: fc.Arbitrary<RefundScenario> = fc.record({
  orders: fc.array(
    fc.record({
      user: fc.integer({ min: 0, max: 1 }),
      goods: fc.integer({ min: 0, max: GOODS.length - 1 }),
      paidType: fc.constantFrom('WXPAY' as const, 'MIXED' as const),
    }),
    { minLength: 2, maxLength: 4 },
  ),
  refunds: fc.array(
    fc.record({
      order: fc.nat({ max: 10 }),
      part: fc.constantFrom('full' as const, 'half' as const, 'third' as const, 'oneYuan' as const),
      answer: fc.constantFrom('answered' as const, 'answered' as const, 'lost' as const, 'unavailable' as const, 'refused' as const),
      wechat: fc.constantFrom('processing' as const, 'SUCCESS' as const, 'CLOSED' as const),
      thenReconcile: fc.boolean(),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  reports: fc.array(
    fc.record({
      channel: fc.constantFrom('notice' as const, 'refundquery' as const, 'refundApi' as const),
      target: fc.nat({ max: 10 }),
      wechatSettles: fc.constantFrom('SUCCESS' as const, 'CLOSED' as const, 'no' as const),
      mutations,
    }),
    { minLength: 1, maxLength: 8 },
  ),
});

// ---------------------------------------------------------------- the test's own model

interface ModelRefund {
  readonly outRefundNo: string;
  readonly amountFen: number;
  status: RefundStatus;
  /** WeChat's refund_id, once one of WeChat's answers that we accepted named it. */
  knownRefundId?: string;
}

interface ModelOrder {
  readonly outTradeNo: string;
  readonly uid: number;
  readonly cashFen: number;
  readonly integral: number;
  readonly transactionId: string;
  status: 'SUCC' | 'REFUND';
  readonly refunds: ModelRefund[];
  review: boolean;
}

export interface RefundModel {
  readonly uids: number[];
  readonly orders: ModelOrder[];
  readonly balances: Map<number, number>;
  readonly events: Set<string>;
  alerts: number;
}

const GRANT = 1_000;

/** Pays the orders and asks for the refunds through the use cases, with WeChat's answers lost or refunds settled on its side. */
export async function setUpRefunds(w: World, scenario: RefundScenario): Promise<RefundModel> {
  const uids: number[] = [];
  for (const i of [0, 1]) {
    const user = await w.ports.users.findOrCreate(`openid-refund-${i}`);
    uids.push(user.uid);
    await w.ports.ledger.grant(user.uid, GRANT, `welcome-${i}`, w.clock.now());
  }
  const goodsIds: number[] = [];
  for (const draft of GOODS) goodsIds.push((await w.ports.goods.create(draft)).id);

  const orderNumbers: string[] = [];
  for (const spec of scenario.orders) {
    const uid = uids[spec.user] as number;
    const prepay = await w.requestPrepay.execute({
      uid,
      goodsId: goodsIds[spec.goods] as number,
      paidType: spec.paidType,
      clientIp: '203.0.113.7',
    });
    if (!prepay.ok) throw new Error(`setup: prepay refused: ${JSON.stringify(prepay.error)}`);
    const verdict = await w.handleNotify.execute(w.fake.pay(prepay.value.outTradeNo));
    if (!verdict.ack) throw new Error(`setup: payment notify refused: ${verdict.reason}`);
    orderNumbers.push(prepay.value.outTradeNo);
    w.clock.advance(1_000);
  }

  for (const spec of scenario.refunds) {
    const no = orderNumbers[spec.order % orderNumbers.length] as string;
    const order = await w.ports.orders.findByOutTradeNo(no);
    const refundable = order?.refundableFen ?? 0;
    const fen = {
      full: refundable,
      half: Math.floor(refundable / 2),
      third: Math.floor(refundable / 3),
      oneYuan: Math.min(100, refundable),
    }[spec.part];
    if (fen === 0) continue;
    if (spec.answer === 'lost') w.gateway.loseNextRefundAnswer();
    if (spec.answer === 'unavailable') w.gateway.beUnavailable(1);
    if (spec.answer === 'refused') w.fake.refuseRefunds('NOTENOUGH', 'request');
    let outRefundNo: string | undefined;
    try {
      const result = await w.refundOrder.execute({ outTradeNo: no, amount: Money.ofFen(fen), actor: 'prop' });
      if (spec.answer === 'refused' && !result.ok && result.error.kind === 'GatewayRejected') continue;
      if (!result.ok) throw new Error(`setup: refund refused: ${JSON.stringify(result.error)}`);
      outRefundNo = result.value.outRefundNo;
    } catch (error) {
      if (!(error instanceof GatewayUnavailableError)) throw error;
    } finally {
      w.gateway.disarm();
    }
    const atWechat = outRefundNo === undefined ? undefined : w.fake.trades.get(no)?.refunds.get(outRefundNo);
    if (outRefundNo && atWechat?.status === 'PROCESSING' && spec.wechat !== 'processing') w.fake.settleRefund(outRefundNo, spec.wechat);
    if (spec.thenReconcile) await w.reconcileRefunds.execute();
    w.clock.advance(1_000);
  }

  // The model starts from the state the setup left, checked against WeChat's side where the two must agree.
  const orders: ModelOrder[] = [];
  for (const no of orderNumbers) {
    const order = await w.ports.orders.findByOutTradeNo(no);
    const trade = w.fake.trades.get(no);
    if (!order || !trade?.paid || order.state.transactionId !== trade.paid.transactionId) throw new Error(`setup: ${no} is not paid`);
    orders.push({
      outTradeNo: no,
      uid: order.state.uid,
      cashFen: order.state.cash.fen,
      integral: order.state.integral,
      transactionId: trade.paid.transactionId,
      status: order.status === 'REFUND' ? 'REFUND' : 'SUCC',
      review: order.needsReview,
      refunds: order.state.refunds.map((r) => {
        const atWechat = trade.refunds.get(r.outRefundNo);
        if (r.refundId !== undefined && r.refundId !== atWechat?.refundId)
          throw new Error(`setup: ${r.outRefundNo} learned a refund_id WeChat never gave`);
        return {
          outRefundNo: r.outRefundNo,
          amountFen: r.amount.fen,
          status: r.status,
          ...(r.refundId === undefined ? {} : { knownRefundId: r.refundId }),
        };
      }),
    });
  }
  const balances = new Map<number, number>();
  for (const uid of uids) balances.set(uid, await w.ports.ledger.balanceOf(uid));
  return { uids, orders, balances, events: new Set(await w.eventIds()), alerts: w.alerts.raised.length };
}

// ---------------------------------------------------------------- building a message

interface WechatRefund {
  readonly outTradeNo: string;
  readonly outRefundNo: string;
}

/** Every refund WeChat holds, in a stable order. */
function wechatRefunds(w: World): WechatRefund[] {
  return [...w.fake.trades.entries()]
    .flatMap(([outTradeNo, trade]) => [...trade.refunds.keys()].map((outRefundNo) => ({ outTradeNo, outRefundNo })))
    .sort((a, b) => a.outRefundNo.localeCompare(b.outRefundNo));
}

const at = <T>(list: readonly T[], index: number): T | undefined => (list.length === 0 ? undefined : list[index % list.length]);

/** Rewrites a genuine message's identifiers as the mutations say: borrowed from another order or refund, or invented. */
function mutate<T extends RefundReport>(w: World, model: RefundModel, genuine: T, m: Mutations, allowTotalFeeAbsent: boolean): T {
  const others = model.orders.filter((o) => o.outTradeNo !== genuine.outTradeNo);
  const all = wechatRefunds(w)
    .filter((r) => r.outRefundNo !== genuine.outRefundNo)
    .map((r) => ({ ...r, atWechat: w.fake.trades.get(r.outTradeNo)?.refunds.get(r.outRefundNo) }));
  const siblings = all.filter((r) => r.outTradeNo === genuine.outTradeNo);
  const refundsFor = (s: Source) => (s.from === 'sibling' ? siblings : s.from === 'borrowed' ? all : []);
  let report: T = { ...genuine };
  if (m.outTradeNo) {
    const borrowed = m.outTradeNo.from === 'invented' ? undefined : at(others, m.outTradeNo.pick)?.outTradeNo;
    report = { ...report, outTradeNo: borrowed ?? '2026011512000000029999999999' };
  }
  if (m.transactionId) {
    const borrowed = m.transactionId.from === 'invented' ? undefined : at(others, m.transactionId.pick)?.transactionId;
    report = { ...report, transactionId: borrowed ?? '4200000000999999999' };
  }
  if (m.outRefundNo) {
    const borrowed = at(refundsFor(m.outRefundNo), m.outRefundNo.pick)?.outRefundNo;
    report = { ...report, outRefundNo: borrowed ?? `${genuine.outTradeNo}R${40 + (m.outRefundNo.pick % 10)}` };
  }
  if (m.refundId) {
    const borrowed = at(refundsFor(m.refundId), m.refundId.pick)?.atWechat?.refundId;
    report = { ...report, refundId: borrowed ?? '5999999999' };
  }
  if (m.amount) {
    const borrowed = at(refundsFor(m.amount), m.amount.pick)?.atWechat?.amount;
    report = { ...report, amount: borrowed ?? Money.ofFen(genuine.amount.fen + 1 + (m.amount.pick % 3)) };
  }
  if (m.totalFee === 'absent') {
    if (allowTotalFeeAbsent) {
      const { totalFee: _dropped, ...rest } = report;
      report = rest as T;
    }
  } else if (m.totalFee) {
    const borrowed = m.totalFee.from === 'invented' ? undefined : at(others, m.totalFee.pick)?.cashFen;
    report = { ...report, totalFee: Money.ofFen(borrowed ?? (genuine.totalFee?.fen ?? 0) + 100) };
  }
  return report;
}

// ---------------------------------------------------------------- the oracle

/** WeChat's view of one refund: what an answer of WeChat's may record. */
interface Settlement {
  readonly outTradeNo: string;
  readonly outRefundNo: string;
  readonly to: RefundStatus;
  readonly refundId: string;
}

/**
 * What the oracle expects a message to do: settle the refund it names (accepted), or be refused — with an alert, or
 * without one for a notice WeChat's query does not confirm yet — where a refused notice whose identifiers all agree may
 * still have WeChat's own answer recorded, and a refused answer of WeChat's flags its order for a person.
 */
export type Expected =
  | ({ readonly verdict: 'settles' } & Settlement)
  | { readonly verdict: 'refused'; readonly alert: boolean; readonly flags?: string; readonly records?: Settlement };

/**
 * A notice is about the refund it names: it settles it iff it names one of our refunds on the order it names and its
 * transaction_id, refund_id (WeChat's, which the service can ask for), refund and order amounts agree with that
 * refund, and WeChat reports the same status. Identifiers that agree with a status WeChat does not confirm: refused
 * (alerted unless WeChat still says PROCESSING, which an early notice meets), WeChat's answer recorded.
 */
function expectNotice(w: World, model: RefundModel, notice: RefundNotice): Expected {
  const order = model.orders.find((o) => o.outTradeNo === notice.outTradeNo);
  const refund = order?.refunds.find((r) => r.outRefundNo === notice.outRefundNo);
  const atWechat = w.fake.trades.get(notice.outTradeNo)?.refunds.get(notice.outRefundNo);
  const identifiersAgree =
    order !== undefined &&
    refund !== undefined &&
    atWechat !== undefined &&
    notice.transactionId === order.transactionId &&
    notice.refundId === atWechat.refundId &&
    notice.refundFee.fen === refund.amountFen &&
    notice.totalFee.fen === order.cashFen;
  if (!identifiersAgree) return { verdict: 'refused', alert: true };
  const wechat = { outTradeNo: order.outTradeNo, outRefundNo: refund.outRefundNo, to: atWechat.status, refundId: atWechat.refundId };
  if (notice.status === atWechat.status) return { verdict: 'settles', ...wechat };
  return { verdict: 'refused', alert: atWechat.status !== 'PROCESSING', records: wechat };
}

/**
 * WeChat's answer about refund `asked` of order `order` (refundquery, or the refund API's answer) settles it iff it is
 * about that very refund: same out_refund_no, out_trade_no, transaction_id, refund amount, order amount (when given)
 * and the refund_id we already know (when we know one). Anything else is refused, alerted once, and flags the order.
 */
function expectAnswer(order: ModelOrder, asked: ModelRefund, answer: RefundReport): Expected {
  const genuine =
    answer.outRefundNo === asked.outRefundNo &&
    answer.outTradeNo === order.outTradeNo &&
    answer.transactionId === order.transactionId &&
    answer.amount.fen === asked.amountFen &&
    (answer.totalFee === undefined || answer.totalFee.fen === order.cashFen) &&
    (asked.knownRefundId === undefined || answer.refundId === asked.knownRefundId);
  if (!genuine) return { verdict: 'refused', alert: true, flags: order.outTradeNo };
  return { verdict: 'settles', outTradeNo: order.outTradeNo, outRefundNo: asked.outRefundNo, to: answer.status, refundId: answer.refundId };
}

/** Moves the model as an accepted message does: the refund's status and refund_id, the order's, coins and events. */
function apply(model: RefundModel, expected: Settlement): void {
  const order = model.orders.find((o) => o.outTradeNo === expected.outTradeNo) as ModelOrder;
  const refund = order.refunds.find((r) => r.outRefundNo === expected.outRefundNo) as ModelRefund;
  refund.knownRefundId ??= expected.refundId;
  const moves =
    refund.status !== expected.to && (refund.status === 'PROCESSING' || refund.status === 'ABNORMAL') && expected.to !== 'PROCESSING';
  if (!moves) return;
  refund.status = expected.to;
  if (expected.to !== 'SUCCESS') return;
  model.events.add(`${order.outTradeNo}:RefundSucceeded:${refund.outRefundNo}`);
  const refunded = order.refunds.filter((r) => r.status === 'SUCCESS').reduce((s, r) => s + r.amountFen, 0);
  if (refunded === order.cashFen && order.status === 'SUCC') {
    order.status = 'REFUND';
    model.events.add(`${order.outTradeNo}:OrderRefunded`);
    model.balances.set(order.uid, (model.balances.get(order.uid) ?? 0) + order.integral);
  }
}

// ---------------------------------------------------------------- delivering one message

export interface Delivery {
  readonly channel: ReportSpec['channel'];
  readonly message: RefundReport | RefundNotice;
  readonly expected: Expected;
  /** What the use case answered. */
  readonly outcome: unknown;
  /** What the use case's own answer says: accepted, or refused with or without an alert. */
  readonly verdict: 'settles' | 'refused, alerted' | 'refused quietly';
}

/** Builds the message the spec describes, works out what it must do, delivers it, and moves the model. Undefined when nothing fits the spec. */
export async function deliver(w: World, model: RefundModel, spec: ReportSpec): Promise<Delivery | undefined> {
  const delivery = await deliverOnly(w, model, spec);
  const expected = delivery?.expected;
  if (expected?.verdict === 'settles') apply(model, expected);
  if (expected?.verdict === 'refused' && expected.records) apply(model, expected.records);
  if (expected?.verdict === 'refused' && expected.flags) {
    const order = model.orders.find((o) => o.outTradeNo === expected.flags) as ModelOrder;
    if (!order.review) model.alerts++;
    order.review = true;
  }
  return delivery;
}

async function deliverOnly(w: World, model: RefundModel, spec: ReportSpec): Promise<Delivery | undefined> {
  switch (spec.channel) {
    case 'notice': {
      const target = at(wechatRefunds(w), spec.target);
      if (!target) return undefined;
      const atWechat = w.fake.trades.get(target.outTradeNo)?.refunds.get(target.outRefundNo);
      if (atWechat?.status === 'PROCESSING')
        w.fake.settleRefund(target.outRefundNo, spec.wechatSettles === 'no' ? 'SUCCESS' : spec.wechatSettles);
      // A settled refund's notice, as WeChat would send it (settleRefund of a settled refund only repeats it).
      const status = w.fake.trades.get(target.outTradeNo)?.refunds.get(target.outRefundNo)?.status as Exclude<ReportedStatus, 'PROCESSING'>;
      const genuine = w.fake.settleRefund(target.outRefundNo, status);
      const asReport = { ...genuine, amount: genuine.refundFee, at: genuine.at ?? w.clock.now() };
      const mutated = mutate(w, model, asReport, spec.mutations, false);
      const notice: RefundNotice = { ...genuine, ...mutated, refundFee: mutated.amount, totalFee: mutated.totalFee ?? genuine.totalFee };
      const expected = expectNotice(w, model, notice);
      const verdict = await w.handleRefundNotice.execute(notice);
      return {
        channel: 'notice',
        message: notice,
        expected,
        outcome: verdict,
        verdict: verdict.ack ? 'settles' : verdict.alert ? 'refused, alerted' : 'refused quietly',
      };
    }
    case 'refundquery': {
      const target = at(wechatRefunds(w), spec.target);
      if (!target) return undefined;
      const order = model.orders.find((o) => o.outTradeNo === target.outTradeNo) as ModelOrder;
      const asked = order.refunds.find((r) => r.outRefundNo === target.outRefundNo) as ModelRefund;
      settleAtWechat(w, target, spec);
      let answer: RefundReport | undefined;
      w.gateway.tamperNextRefundQuery((genuine) => (answer = mutate(w, model, genuine, keepUnknownRefundId(spec.mutations, asked), true)));
      const current = await w.ports.orders.findByOutTradeNo(order.outTradeNo);
      if (!current) throw new Error(`${order.outTradeNo} vanished`);
      const settlement = await w.settleRefund.execute(current, asked.outRefundNo);
      if (!answer) throw new Error(`refundquery for ${asked.outRefundNo} found nothing`);
      const expected = expectAnswer(order, asked, answer);
      return {
        channel: 'refundquery',
        message: answer,
        expected,
        outcome: settlement,
        verdict:
          settlement.kind === 'recorded' || settlement.kind === 'unchanged'
            ? 'settles'
            : settlement.kind === 'rejected'
              ? 'refused, alerted'
              : 'refused quietly',
      };
    }
    case 'refundApi': {
      // A retry of a refund still processing here: RefundOrder sends its number again (planRefund's rule, restated).
      const retryable = model.orders.flatMap((o) =>
        o.status !== 'SUCC'
          ? []
          : o.refunds
              .filter(
                (r, i) =>
                  r.status === 'PROCESSING' && !o.refunds.slice(0, i).some((e) => e.status === 'PROCESSING' && e.amountFen === r.amountFen),
              )
              .map((r) => ({ order: o, asked: r })),
      );
      const target = at(retryable, spec.target);
      if (!target) return undefined;
      const { order, asked } = target;
      settleAtWechat(w, { outTradeNo: order.outTradeNo, outRefundNo: asked.outRefundNo }, spec);
      let answer: RefundReport | undefined;
      w.gateway.tamperNextRefundAnswer((genuine) => (answer = mutate(w, model, genuine, keepUnknownRefundId(spec.mutations, asked), true)));
      const result = await w.refundOrder.execute({ outTradeNo: order.outTradeNo, amount: Money.ofFen(asked.amountFen), actor: 'prop' });
      if (!answer) throw new Error(`refund ${asked.outRefundNo}: WeChat did not answer (${JSON.stringify(result)})`);
      const expected = expectAnswer(order, asked, answer);
      return {
        channel: 'refundApi',
        message: answer,
        expected,
        outcome: result,
        verdict: result.ok ? 'settles' : result.error.kind === 'AnswerMismatch' ? 'refused, alerted' : 'refused quietly',
      };
    }
  }
}

function settleAtWechat(w: World, target: WechatRefund, spec: ReportSpec): void {
  const atWechat = w.fake.trades.get(target.outTradeNo)?.refunds.get(target.outRefundNo);
  if (atWechat?.status === 'PROCESSING' && spec.wechatSettles !== 'no') w.fake.settleRefund(target.outRefundNo, spec.wechatSettles);
}

/**
 * The service cannot check a refund_id it has never been told: in WeChat's own answers (refund API, refundquery) the
 * refund_id is left genuine until one of them has taught it. (A notice is checked against refundquery, so there it is
 * always fair game.)
 */
const keepUnknownRefundId = (m: Mutations, asked: ModelRefund): Mutations => {
  if (asked.knownRefundId !== undefined || !m.refundId) return m;
  const { refundId: _unknowable, ...rest } = m;
  return rest;
};

// ---------------------------------------------------------------- what the service holds, to compare with the model

export interface Observed {
  readonly orders: {
    readonly outTradeNo: string;
    readonly status: string;
    readonly review: boolean;
    readonly refunds: { outRefundNo: string; amountFen: number; status: RefundStatus; refundId: string | undefined }[];
  }[];
  readonly balances: Record<number, number>;
  readonly events: string[];
  readonly alerts: number;
}

export async function observe(w: World, model: RefundModel): Promise<Observed> {
  const orders = [];
  for (const m of model.orders) {
    const o = await w.ports.orders.findByOutTradeNo(m.outTradeNo);
    if (!o) throw new Error(`${m.outTradeNo} vanished`);
    orders.push({
      outTradeNo: m.outTradeNo,
      status: o.status,
      review: o.needsReview,
      refunds: o.state.refunds.map((r) => ({
        outRefundNo: r.outRefundNo,
        amountFen: r.amount.fen,
        status: r.status,
        refundId: r.refundId,
      })),
    });
  }
  const balances: Record<number, number> = {};
  for (const uid of model.uids) balances[uid] = await w.ports.ledger.balanceOf(uid);
  return { orders, balances, events: (await w.eventIds()).sort(), alerts: w.alerts.raised.length };
}

/** The same picture, as the model says it must be. */
export function predicted(model: RefundModel): Observed {
  const balances: Record<number, number> = {};
  for (const [uid, balance] of model.balances) balances[uid] = balance;
  return {
    orders: model.orders.map((o) => ({
      outTradeNo: o.outTradeNo,
      status: o.status,
      review: o.review,
      refunds: o.refunds.map((r) => ({ outRefundNo: r.outRefundNo, amountFen: r.amountFen, status: r.status, refundId: r.knownRefundId })),
    })),
    balances,
    events: [...model.events].sort(),
    alerts: model.alerts,
  };
}
