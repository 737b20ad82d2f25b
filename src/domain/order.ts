import type {
  CashlessRefundRejection,
  CashPartRequired,
  FailureRejection,
  PaymentRejection,
  PrepayRejection,
  RefundRejection,
  RefundReportError,
} from './order-errors.js';
import type { OrderEvent } from './order-events.js';
import { canMove, isPaidStatus, type FailureReason, type OrderStatus } from './order-status.js';
import type { Change, ConfirmedPayment, NewOrder, OrderState } from './order-state.js';
import type { Price } from './paid-type.js';
import { renewedPrepay, type Prepay } from './prepay.js';
import {
  applyRefundReport,
  beyondPayment,
  matchRefund,
  planRefund,
  refundableFen,
  refundableOf,
  refundedFen,
  refuseRefund,
  type RefusalRejection,
  type Refund,
  type Refundable,
  type RefundDemand,
  type RefundReport,
} from './refund.js';
import { err, ok, type Result } from './result.js';

export type { Change, ConfirmedPayment, NewOrder, OrderState, Review } from './order-state.js';

const PAID_AFTER_FAILURE = 'paid after the order was closed: fulfil or refund it';
const PAID_AFTER_SUPERSEDE = 'paid after a newer order replaced it (its price may have changed): fulfil at the price paid or refund it';

export class Order {
  private pending: OrderEvent[] = [];

  private constructor(private s: OrderState) {}

  static open(draft: NewOrder, now: Date): Order {
    const { price, ...identity } = draft;
    const fresh = { status: 'CHECKED', createdAt: now, updatedAt: now, refunds: [], holdsOpenSlot: true, version: 0 } as const;
    return new Order({ ...identity, cash: price.cash, integral: price.integral, ...fresh });
  }

  /** Rebuilds an order from storage; for repositories and test builders only. */
  static restore(state: OrderState): Order {
    return new Order({ ...state });
  }

  get state(): Readonly<OrderState> {
    return this.s;
  }

  get status(): OrderStatus {
    return this.s.status;
  }

  get price(): Price {
    return { cash: this.s.cash, integral: this.s.integral };
  }

  /** Money was taken: SUCC, or REFUND since. */
  get isPaid(): boolean {
    return isPaidStatus(this.s.status);
  }

  get needsReview(): boolean {
    return this.s.review !== undefined;
  }

  /** Cash back with the user so far. */
  get refundedFen(): number {
    return refundedFen(this.s.refunds);
  }

  /** What can still be refunded: cash, the coins of a coins-only order, or nothing (refund.ts, refundableOf). */
  get refundable(): Refundable {
    return refundableOf(this.s);
  }

  /** Its cash part. */
  get refundableFen(): number {
    return refundableFen(this.s);
  }

  /**
   * Records a payment WeChat confirmed. Repeats of the recorded payment are 'unchanged' (also after a refund, so a
   * late redelivery never moves a REFUND order); a different transaction for a paid order is a conflict.
   */
  confirmPaid(payment: ConfirmedPayment): Result<Change, PaymentRejection> {
    if (!payment.amount.equals(this.s.cash)) {
      return err({ kind: 'AmountMismatch', expectedFen: this.s.cash.fen, paidFen: payment.amount.fen });
    }
    const recorded = this.s.transactionId;
    if (this.isPaid) {
      if (recorded === payment.transactionId) return ok('unchanged');
      return err({
        kind: 'ConflictingPayment',
        recordedTransactionId: recorded ?? '(paid without WeChat)',
        incomingTransactionId: payment.transactionId,
      });
    }
    const afterFailure = this.s.status === 'FAILED';
    // Only a newer order of the key (another price, say) takes the slot from a CHECKED one: this payment is for the old.
    const superseded = this.s.status === 'CHECKED' && !this.s.holdsOpenSlot;
    const reason = afterFailure ? PAID_AFTER_FAILURE : superseded ? PAID_AFTER_SUPERSEDE : undefined;
    this.move('SUCC', payment.paidAt, {
      transactionId: payment.transactionId,
      paidAt: payment.paidAt,
      ...(payment.cashPaid === undefined ? {} : { cashPaid: payment.cashPaid }),
      ...(reason === undefined ? {} : { review: this.s.review ?? { reason } }),
    });
    this.recordPaid(payment.transactionId, payment.paidAt, afterFailure, superseded);
    return ok('changed');
  }

  /**
   * An order whose cash part is 0 (paid entirely in health coins) is paid the moment it is placed: there is nothing
   * for WeChat to confirm, and no transaction_id.
   */
  completeWithoutCash(at: Date): Result<Change, CashPartRequired> {
    if (!this.s.cash.isZero()) return err({ kind: 'CashPaymentRequired', cashFen: this.s.cash.fen });
    if (this.isPaid) return ok('unchanged');
    this.move('SUCC', at, { paidAt: at });
    this.recordPaid(null, at, false, false);
    return ok('changed');
  }

  /** Refunds an order that had no cash part: only coins go back, so WeChat has no part in it. */
  refundWithoutCash(at: Date): Result<Change, CashlessRefundRejection> {
    if (!this.s.cash.isZero()) return err({ kind: 'CashPaymentRequired', cashFen: this.s.cash.fen });
    if (this.s.status === 'REFUND') return ok('unchanged');
    if (this.s.status !== 'SUCC') return err({ kind: 'NotRefundable', status: this.s.status });
    this.move('REFUND', at, {});
    this.recordRefunded(null, at);
    return ok('changed');
  }

  /** Only call with WeChat's word that the order is closed or failed, never on an unknown result. */
  markFailed(reason: FailureReason, at: Date): Result<Change, FailureRejection> {
    if (this.s.status === 'FAILED') return ok('unchanged');
    if (!canMove(this.s.status, 'FAILED')) return err({ kind: 'AlreadyPaid', status: this.s.status });
    // ORDERNOTEXIST speaks of an order without a prepay_id. One given since (a retried prepay racing the reconciler)
    // exists at WeChat and may be paid with it: failing it would release its coins under a payment.
    if (reason === 'ORDERNOTEXIST' && this.s.prepay !== undefined) return err({ kind: 'CreatedAtWechat' });
    this.move('FAILED', at, {});
    this.record({ type: 'OrderFailed', outTradeNo: this.s.outTradeNo.value, reason, at });
    return ok('changed');
  }

  /** A prepay can only be attached while the order can still be paid; the same id keeps its first expiry. */
  attachPrepay(prepay: Prepay, at: Date): Result<Change, PrepayRejection> {
    if (this.s.status !== 'CHECKED') return err({ kind: 'NotPayable', status: this.s.status });
    const renewed = renewedPrepay(this.s.prepay, prepay);
    if (renewed === this.s.prepay) return ok('unchanged');
    this.s = { ...this.s, prepay: renewed, updatedAt: at };
    return ok('changed');
  }

  /**
   * Gives up the open slot without closing the order, when a new order must replace it (its price changed, it is too
   * old to reuse, or WeChat refuses its parameters). It stays CHECKED until WeChat says it is paid or closed.
   */
  supersede(at: Date): Change {
    if (!this.s.holdsOpenSlot) return 'unchanged';
    this.s = { ...this.s, holdsOpenSlot: false, updatedAt: at };
    return 'changed';
  }

  /** Asks a person to look at the order; the first reason given stays until the review is resolved. */
  flagForReview(reason: string, at: Date): Change {
    if (this.s.review) return 'unchanged';
    this.s = { ...this.s, review: { reason }, updatedAt: at };
    return 'changed';
  }

  resolveReview(at: Date): Change {
    if (!this.s.review) return 'unchanged';
    const { review: _resolved, ...rest } = this.s;
    this.s = { ...rest, updatedAt: at };
    return 'changed';
  }

  /**
   * Starts a refund of a paid order, or recognises a repeat of one already requested (same Idempotency-Key, or the
   * same amount still processing without a key), whose out_refund_no it keeps so nothing is refunded twice.
   */
  requestRefund(demand: RefundDemand): Result<{ readonly refund: Refund; readonly change: Change }, RefundRejection> {
    const planned = planRefund(this.s, demand);
    if (!planned.ok) return planned;
    const { refund, refunds, change } = planned.value;
    if (change === 'repeated') return ok({ refund, change: 'unchanged' });
    this.s = { ...this.s, refunds, updatedAt: demand.at };
    return ok({ refund, change: 'changed' });
  }

  /** WeChat refused to accept a refund request: see refuseRefund. */
  refuseRefund(outRefundNo: string, at: Date): Result<Change, RefusalRejection> {
    const refused = refuseRefund(this.s, outRefundNo);
    if (!refused.ok) return refused;
    if (!refused.value.moved) return ok('unchanged');
    this.s = { ...this.s, refunds: refused.value.refunds, updatedAt: at };
    return ok('changed');
  }

  /** The refund a report of WeChat's is about, if every identifier agrees (refund.ts, matchRefund); changes nothing. */
  refundMatching(report: RefundReport, asked?: string): Result<Refund, RefundReportError> {
    return matchRefund(this.s, report, asked);
  }

  /**
   * Applies WeChat's word about one of our refunds if every identifier matches (refund.ts, applyRefundReport); when
   * the refunds that succeeded add up to the whole amount, the order is REFUND. A report that takes the refunds
   * beyond what was paid (a refused refund WeChat holds after all) is recorded and flags the order for review, in the
   * same change.
   */
  applyRefundReport(report: RefundReport, asked?: string): Result<Change, RefundReportError> {
    const applied = applyRefundReport(this.s, report, asked);
    if (!applied.ok) return applied;
    const moved = applied.value.moved;
    if (!moved) return ok('unchanged');
    const before = this.s.refunds;
    this.s = { ...this.s, refunds: applied.value.refunds, updatedAt: report.at };
    const beyond = beyondPayment(this.s, before, moved);
    if (beyond !== undefined) this.flagForReview(beyond, report.at);
    if (moved.status !== 'SUCCESS') return ok('changed');
    const refunded = this.refundedFen;
    this.record({
      type: 'RefundSucceeded',
      outTradeNo: this.s.outTradeNo.value,
      uid: this.s.uid,
      outRefundNo: moved.outRefundNo,
      refundFen: moved.amount.fen,
      refundedFen: refunded,
      remainingFen: this.s.cash.fen - refunded,
      at: report.at,
    });
    if (refunded === this.s.cash.fen && canMove(this.s.status, 'REFUND')) {
      this.move('REFUND', report.at, {});
      this.recordRefunded(moved.outRefundNo, report.at);
    }
    return ok('changed');
  }

  /** Called by repositories after a successful compare-and-set, so the next write compares against it. */
  versionCommitted(): void {
    this.s = { ...this.s, version: this.s.version + 1 };
  }

  /** Events recorded since the last call, for the caller to publish after it committed the change. */
  pullEvents(): OrderEvent[] {
    const events = this.pending;
    this.pending = [];
    return events;
  }

  /** Callers check canMove first: every status change goes through the transition table. */
  private move(to: OrderStatus, at: Date, patch: Partial<OrderState>): void {
    if (!canMove(this.s.status, to)) throw new Error(`order ${this.s.outTradeNo.value}: ${this.s.status} → ${to} is not allowed`);
    this.s = { ...this.s, ...patch, status: to, holdsOpenSlot: false, updatedAt: at };
  }

  private record(event: OrderEvent): void {
    this.pending.push(event);
  }

  private recordPaid(transactionId: string | null, paidAt: Date, afterFailure: boolean, superseded: boolean): void {
    const { outTradeNo, uid, goodsId, paidType, cash, integral } = this.s;
    this.record({
      type: 'OrderPaid',
      outTradeNo: outTradeNo.value,
      uid,
      goodsId,
      paidType,
      cashFen: cash.fen,
      integral,
      transactionId,
      paidAt,
      afterFailure,
      superseded,
    });
  }

  private recordRefunded(outRefundNo: string | null, at: Date): void {
    const { outTradeNo, uid, integral } = this.s;
    this.record({ type: 'OrderRefunded', outTradeNo: outTradeNo.value, uid, outRefundNo, refundFen: this.refundedFen, integral, at });
  }
}
