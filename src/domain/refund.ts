import { type Money } from './money.js';
import { learnedFrom, type RefundParts } from './refund-parts.js';
import type { OrderState } from './order-state.js';
import type { OrderStatus } from './order-status.js';
import { err, ok, type Result } from './result.js';

export const REFUND_STATUSES = ['PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL', 'REFUSED'] as const;
/**
 * PROCESSING: asked for, or accepted by WeChat. SUCCESS: the money is back with the user. CLOSED (REFUNDCLOSE): it
 * will never pay out, its amount is refundable again. ABNORMAL (CHANGE): the user's account refused the money; it is
 * settled by hand in WeChat's merchant console, after which WeChat reports SUCCESS or CLOSED. REFUSED: WeChat refused
 * to accept the request (the merchant's balance, a parameter, our credentials); nothing was refunded, its amount is
 * free, and asking for the same refund again resubmits it under the same out_refund_no, as WeChat asks.
 */
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** What WeChat can say of a refund: REFUSED is our record of a refusal, never a status WeChat reports. */
export type ReportedStatus = Exclude<RefundStatus, 'REFUSED'>;

export const isRefundStatus = (value: unknown): value is RefundStatus =>
  typeof value === 'string' && (REFUND_STATUSES as readonly string[]).includes(value);

/**
 * Where WeChat's reports may move a refund. A report about a REFUSED refund means WeChat holds it after all (an
 * earlier attempt under the same number got through), so it counts, even when another refund took its amount
 * meanwhile (see applyRefundReport). REFUSED itself is never reported: it comes from a refusal (refuseRefund), and
 * it is left by asking again (planRefund).
 */
export const REFUND_TRANSITIONS: Readonly<Record<RefundStatus, readonly RefundStatus[]>> = {
  PROCESSING: ['SUCCESS', 'CLOSED', 'ABNORMAL'],
  ABNORMAL: ['SUCCESS', 'CLOSED'],
  REFUSED: ['PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL'],
  SUCCESS: [],
  CLOSED: [],
};

/** WeChat refunds one order at most 50 times, each under its own out_refund_no (protocol digest §8.1). */
export const MAX_REFUNDS_PER_ORDER = 50;

/**
 * One refund request of an order. `seq` is its place among the order's requests (1, 2, …) and names it:
 * out_refund_no = `<out_trade_no>R<seq>`. WeChat refunds a number once, so a retry of the same request reuses it.
 */
export interface Refund {
  readonly seq: number;
  readonly outRefundNo: string;
  readonly amount: Money;
  readonly status: RefundStatus;
  readonly requestedAt: Date;
  readonly settledAt?: Date;
  /** WeChat's refund_id, once an answer of WeChat's named it. */
  readonly refundId?: string;
  /** The caller's Idempotency-Key: a repeated request with it is the same refund, never a second one. */
  readonly requestKey?: string;
  /** The parts of `amount` WeChat reported: back to the user in cash, and back onto a coupon that paid part. */
  readonly parts?: RefundParts;
}

export const refundNumber = (outTradeNo: string, seq: number): string => `${outTradeNo}R${seq}`;

const sum = (refunds: readonly Refund[], counts: (r: Refund) => boolean): number =>
  refunds.filter(counts).reduce((total, r) => total + r.amount.fen, 0);

/** Back with the user. */
export const refundedFen = (refunds: readonly Refund[]): number => sum(refunds, (r) => r.status === 'SUCCESS');

/** Returned or on its way back: a CLOSED or REFUSED refund holds no money. */
export const committedFen = (refunds: readonly Refund[]): number => sum(refunds, (r) => r.status !== 'CLOSED' && r.status !== 'REFUSED');

/** What of an order the refund rules read: every function here takes the order's state as it is. */
export type RefundFacts = Pick<OrderState, 'outTradeNo' | 'status' | 'cash' | 'transactionId' | 'refunds'>;

/**
 * What of an order can still be refunded, the one definition that the order, planRefund, the APIs and the console
 * read: cash (what was paid, minus refunds that succeeded or may still succeed), or, for an order paid only in
 * health coins, its coins (they go back without WeChat); nothing unless the order is paid (SUCC).
 */
export type Refundable = { readonly kind: 'cash'; readonly fen: number } | { readonly kind: 'coinsOnly' } | { readonly kind: 'nothing' };

export function refundableOf(order: RefundFacts): Refundable {
  if (order.status !== 'SUCC') return { kind: 'nothing' };
  if (order.cash.isZero()) return { kind: 'coinsOnly' };
  const fen = order.cash.fen - committedFen(order.refunds);
  return fen > 0 ? { kind: 'cash', fen } : { kind: 'nothing' };
}

/** The cash part of `refundableOf`: 0 when no cash can be refunded. */
export const refundableFen = (order: RefundFacts): number => {
  const refundable = refundableOf(order);
  return refundable.kind === 'cash' ? refundable.fen : 0;
};

export interface RefundDemand {
  readonly amount: Money;
  readonly requestKey?: string;
  readonly at: Date;
}

export type RefundRequestRefusal =
  /** Only a paid order (SUCC) takes refund requests. */
  | { readonly kind: 'NotRefundable'; readonly status: OrderStatus }
  | { readonly kind: 'RefundExceedsPayment'; readonly requestedFen: number; readonly refundableFen: number }
  | { readonly kind: 'TooManyRefunds'; readonly limit: number }
  /** The Idempotency-Key already names a refund of another amount. */
  | { readonly kind: 'RequestKeyReused'; readonly outRefundNo: string; readonly amountFen: number };

/**
 * The refund a demand names, and the order's refunds with it; `change` says whether they change (a new refund, or a
 * refused one asked again).
 */
export type PlannedRefund = {
  readonly refund: Refund;
  readonly refunds: readonly Refund[];
  readonly change: 'new' | 'resubmitted' | 'repeated';
};

/**
 * What a refund demand means given the refunds already made: the refund it repeats, or a new one. Without an
 * Idempotency-Key, a demand for the amount of a refund still PROCESSING (or REFUSED) is taken as its retry, so a
 * client that timed out and asks again can never refund twice. A REFUSED refund asked again goes back to PROCESSING
 * under its own number, when its amount is still refundable.
 */
export function planRefund(order: RefundFacts, demand: RefundDemand): Result<PlannedRefund, RefundRequestRefusal> {
  if (order.status !== 'SUCC') return err({ kind: 'NotRefundable', status: order.status });
  const { refunds } = order;
  const { amount, requestKey } = demand;
  const repeated =
    requestKey !== undefined
      ? refunds.find((r) => r.requestKey === requestKey)
      : (refunds.find((r) => r.requestKey === undefined && r.status === 'PROCESSING' && r.amount.equals(amount)) ??
        refunds.find((r) => r.requestKey === undefined && r.status === 'REFUSED' && r.amount.equals(amount)));
  // A REFUSED refund holds no money, so what it asks for again is measured against the same refundable amount.
  const refundable = refundableFen(order);
  if (repeated) {
    if (!repeated.amount.equals(amount)) {
      return err({ kind: 'RequestKeyReused', outRefundNo: repeated.outRefundNo, amountFen: repeated.amount.fen });
    }
    if (repeated.status !== 'REFUSED') return ok({ refund: repeated, refunds, change: 'repeated' });
    if (amount.fen > refundable) return err({ kind: 'RefundExceedsPayment', requestedFen: amount.fen, refundableFen: refundable });
    const resubmitted: Refund = { ...repeated, status: 'PROCESSING' };
    return ok({ refund: resubmitted, refunds: refunds.map((r) => (r === repeated ? resubmitted : r)), change: 'resubmitted' });
  }
  if (amount.isZero() || amount.fen > refundable) {
    return err({ kind: 'RefundExceedsPayment', requestedFen: amount.fen, refundableFen: refundable });
  }
  if (refunds.length >= MAX_REFUNDS_PER_ORDER) return err({ kind: 'TooManyRefunds', limit: MAX_REFUNDS_PER_ORDER });
  const seq = refunds.length + 1;
  const refund: Refund = {
    seq,
    outRefundNo: refundNumber(order.outTradeNo.value, seq),
    amount,
    status: 'PROCESSING',
    requestedAt: demand.at,
    ...(requestKey === undefined ? {} : { requestKey }),
  };
  return ok({ refund, refunds: [...refunds, refund], change: 'new' });
}

export type RefusalRejection = { readonly kind: 'UnknownRefund'; readonly outRefundNo: string };

/**
 * WeChat refused to accept a refund request: a refund it never accepted (PROCESSING with no refund_id) becomes
 * REFUSED and frees its amount. A refund WeChat already holds (it named a refund_id, or settled it) stays as it is:
 * a refusal of a retry cannot undo it. `moved` is undefined when nothing changed.
 */
export function refuseRefund(order: RefundFacts, outRefundNo: string): Result<AppliedReport, RefusalRejection> {
  const refunds = order.refunds;
  const index = refunds.findIndex((r) => r.outRefundNo === outRefundNo);
  const refund = refunds[index];
  if (!refund) return err({ kind: 'UnknownRefund', outRefundNo });
  if (refund.status !== 'PROCESSING' || refund.refundId !== undefined) return ok({ refunds });
  return ok(replace(refunds, index, { ...refund, status: 'REFUSED' }));
}

/** What WeChat said about one refund: a refund notice, a refundquery answer or the refund API's own answer. */
export interface RefundReport {
  readonly outTradeNo: string;
  readonly transactionId: string;
  readonly outRefundNo: string;
  readonly refundId: string;
  readonly amount: Money;
  /** The order amount WeChat holds (total_fee), when the message carries it (refundquery's may not). */
  readonly totalFee?: Money;
  readonly status: ReportedStatus;
  readonly at: Date;
  /** The cash and coupon parts, when the message carries them (the refund's answer does; v2's notify does not). */
  readonly parts?: RefundParts;
}

export type RefundReportRejection =
  /** No refund of this order has that number: WeChat's report is about something we never asked for. */
  | { readonly kind: 'UnknownRefund'; readonly outRefundNo: string }
  /** The report names our refund but disagrees with it: it may settle nothing. */
  | {
      readonly kind: 'RefundMismatch';
      readonly field: 'outRefundNo' | 'outTradeNo' | 'transactionId' | 'refundId' | 'amount' | 'totalFee';
    }
  | { readonly kind: 'IllegalRefundTransition'; readonly from: RefundStatus; readonly to: RefundStatus }
  /**
   * The report would have more paid back than was paid. WeChat refunds an order at most its total_fee, all refunds
   * together, so such a report contradicts what WeChat confirmed before: it may settle nothing.
   */
  | { readonly kind: 'RefundedBeyondPayment'; readonly refundedFen: number; readonly paidFen: number };

/** The refunds after the report, and the refund it moved (undefined when it changed nothing). */
export type AppliedReport = { readonly refunds: readonly Refund[]; readonly moved?: Refund };

/**
 * The refund a report of WeChat's is about, provided every identifier agrees with the refund we asked for: a valid
 * message about another order's refund must never settle this one. `asked`: the out_refund_no we asked WeChat about
 * (refundquery, the refund API), whose answer must be about that refund and no other of the order's.
 */
export function matchRefund(order: RefundFacts, report: RefundReport, asked?: string): Result<Refund, RefundReportRejection> {
  const mismatch = (field: Extract<RefundReportRejection, { kind: 'RefundMismatch' }>['field']) =>
    err({ kind: 'RefundMismatch' as const, field });
  if (asked !== undefined && report.outRefundNo !== asked) return mismatch('outRefundNo');
  const refund = order.refunds.find((r) => r.outRefundNo === report.outRefundNo);
  if (!refund) return err({ kind: 'UnknownRefund', outRefundNo: report.outRefundNo });
  if (report.outTradeNo !== order.outTradeNo.value) return mismatch('outTradeNo');
  if (order.transactionId === undefined || report.transactionId !== order.transactionId) return mismatch('transactionId');
  if (refund.refundId !== undefined && report.refundId !== refund.refundId) return mismatch('refundId');
  if (!report.amount.equals(refund.amount)) return mismatch('amount');
  if (report.totalFee !== undefined && !report.totalFee.equals(order.cash)) return mismatch('totalFee');
  return ok(refund);
}

/**
 * Two reports name the same refund of the same payment: every identifier and amount agrees (total_fee when both carry
 * it). A refund notice must agree so with WeChat's refundquery answer before that answer may settle anything: a
 * notice can name our out_refund_no before we have learned its refund_id, and only WeChat's answer tells that one.
 */
export function sameRefund(a: RefundReport, b: RefundReport): boolean {
  return (
    a.outTradeNo === b.outTradeNo &&
    a.transactionId === b.transactionId &&
    a.outRefundNo === b.outRefundNo &&
    a.refundId === b.refundId &&
    a.amount.equals(b.amount) &&
    (a.totalFee === undefined || b.totalFee === undefined || a.totalFee.equals(b.totalFee))
  );
}

/**
 * Applies WeChat's report to the matching refund (see matchRefund), moving it along REFUND_TRANSITIONS.
 *
 * The money rule, for every path that learns WeChat's word (refund answers, refundquery, notices, bills): what is
 * back with the user never exceeds what was paid, so a report that would make it is rejected (RefundedBeyondPayment).
 * What is back or on its way (committedFen) may exceed it, and only through WeChat's word, never a request of ours:
 * a refund WeChat refused frees its amount, another takes it, then WeChat reports the refused one after all (an
 * earlier attempt of it got through). That report is a fact about money and is recorded; WeChat's cap means one of
 * the two will not pay out, and only WeChat's word on it says which, so the order is flagged (beyondPayment).
 */
export function applyRefundReport(order: RefundFacts, report: RefundReport, asked?: string): Result<AppliedReport, RefundReportRejection> {
  const matched = matchRefund(order, report, asked);
  const refunds = order.refunds;
  if (!matched.ok) return matched;
  const refund = matched.value;
  const index = refunds.indexOf(refund);
  const learned = learnedFrom(refund, report);
  if (report.status === refund.status) return ok(learned ? replace(refunds, index, { ...refund, ...learned }) : { refunds });
  if (!REFUND_TRANSITIONS[refund.status].includes(report.status)) {
    // A late PROCESSING after WeChat already settled the refund says nothing new.
    if (report.status === 'PROCESSING') return ok({ refunds });
    return err({ kind: 'IllegalRefundTransition', from: refund.status, to: report.status });
  }
  const settled = report.status === 'SUCCESS' || report.status === 'CLOSED';
  const applied = replace(refunds, index, {
    ...refund,
    ...learned,
    status: report.status,
    ...(report.refundId === '' ? {} : { refundId: report.refundId }),
    ...(settled ? { settledAt: report.at } : {}),
  });
  const refunded = refundedFen(applied.refunds);
  if (refunded > order.cash.fen) return err({ kind: 'RefundedBeyondPayment', refundedFen: refunded, paidFen: order.cash.fen });
  return ok(applied);
}

/**
 * Why a person must look at an order whose refunds `moved` took beyond what was paid, or undefined when it did not:
 * only a refused refund that WeChat reports holding after all adds to what is committed, and the refunds it now
 * competes with are left for WeChat's own word (refundquery, reconciliation), which will close or refuse one of them.
 */
export function beyondPayment(order: RefundFacts, before: readonly Refund[], moved: Refund): string | undefined {
  const committed = committedFen(order.refunds);
  if (committed <= order.cash.fen || committed <= committedFen(before)) return undefined;
  const others = order.refunds
    .filter((r) => r !== moved && (r.status === 'PROCESSING' || r.status === 'ABNORMAL'))
    .map((r) => `${r.outRefundNo} (${r.amount.fen} fen ${r.status})`);
  return (
    `refund ${moved.outRefundNo} was refused, then WeChat reported it ${moved.status}: ${committed} fen are refunded or ` +
    `on their way of ${order.cash.fen} paid; WeChat's word on ${others.join(', ') || 'the others'} decides which pays out`
  );
}

function replace(refunds: readonly Refund[], index: number, moved: Refund): AppliedReport {
  return { refunds: refunds.map((r, i) => (i === index ? moved : r)), moved };
}
