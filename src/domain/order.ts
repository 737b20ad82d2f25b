import type { Money } from './money.js';
import type { OutTradeNo } from './out-trade-no.js';
import type { PaidType, Price } from './paid-type.js';
import { err, ok, type Result } from './result.js';

export const ORDER_STATUSES = ['CHECKED', 'SUCC', 'FAILED', 'REFUND'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * The state machine as data, so tests can enumerate it. FAILED→SUCC exists because money WeChat took is always
 * recorded; REFUND is terminal; nothing returns to CHECKED.
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  CHECKED: ['SUCC', 'FAILED'],
  SUCC: ['REFUND'],
  FAILED: ['SUCC'],
  REFUND: [],
};

/** Why WeChat says an order can no longer be paid (orderquery trade_state, or a successful closeorder). */
export type FailureReason = 'CLOSED' | 'PAYERROR' | 'REVOKED';

/** A prepay_id and the parameters it was issued for. The sign type is opaque here: the gateway chose it. */
export interface Prepay {
  readonly prepayId: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  readonly signType: string;
}

/**
 * Our refund request for a paid order. One number per attempt: WeChat refunds a number once, so a retry of the same
 * attempt reuses it, and only a refund WeChat closed (REFUNDCLOSE) opens a new attempt.
 */
export interface RefundRequest {
  readonly outRefundNo: string;
  readonly amount: Money;
  readonly requestedAt: Date;
  readonly status: RefundStatus;
}

export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'CLOSED';

export interface OrderState {
  readonly outTradeNo: OutTradeNo;
  readonly uid: number;
  readonly goodsId: number;
  readonly paidType: PaidType;
  /** paid_money: the cash part, which is what WeChat must confirm. */
  readonly cash: Money;
  /** paid_integral: health coins. */
  readonly integral: number;
  readonly status: OrderStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** bill_no: WeChat's transaction_id, set once paid. */
  readonly transactionId?: string;
  readonly paidAt?: Date;
  readonly prepay?: Prepay;
  readonly refund?: RefundRequest;
  /** Set when money arrived after the order had been marked FAILED: someone must look at it. */
  readonly needsReview: boolean;
  /**
   * True for the one order of its (uid, goods, paid type) that prepay requests may reuse. Storage enforces that at
   * most one order per key holds it, which is the database's guard against duplicate open orders.
   */
  readonly holdsOpenSlot: boolean;
  /**
   * Opaque optimistic-concurrency token: repositories write only if the stored version still equals this one.
   * A deliberate compromise so that a compare-and-set needs no ORM identity map.
   */
  readonly version: number;
}

export interface ConfirmedPayment {
  readonly transactionId: string;
  readonly amount: Money;
  readonly paidAt: Date;
}

export type OrderEvent =
  | {
      readonly type: 'OrderPaid';
      readonly outTradeNo: string;
      readonly uid: number;
      readonly goodsId: number;
      readonly paidType: PaidType;
      readonly cashFen: number;
      readonly integral: number;
      readonly transactionId: string;
      readonly paidAt: Date;
      /** True when the order had been closed first: fulfil or refund by hand. */
      readonly afterFailure: boolean;
    }
  | { readonly type: 'OrderFailed'; readonly outTradeNo: string; readonly reason: FailureReason; readonly at: Date }
  | {
      readonly type: 'OrderRefunded';
      readonly outTradeNo: string;
      readonly uid: number;
      readonly outRefundNo: string;
      readonly refundFen: number;
      readonly integral: number;
      readonly at: Date;
    };

export type OrderError =
  | { readonly kind: 'IllegalTransition'; readonly from: OrderStatus; readonly to: OrderStatus }
  | { readonly kind: 'AmountMismatch'; readonly expectedFen: number; readonly paidFen: number }
  /** A second, different payment for an already paid order: a double payment to refund, never an overwrite. */
  | { readonly kind: 'ConflictingPayment'; readonly recordedTransactionId: string; readonly incomingTransactionId: string }
  | { readonly kind: 'RefundExceedsPayment'; readonly paidFen: number; readonly refundFen: number }
  /** Only an order with no cash part settles without WeChat. */
  | { readonly kind: 'CashPaymentRequired'; readonly cashFen: number }
  /** A refund is already under way with another amount: wait for WeChat's answer first. */
  | { readonly kind: 'RefundInProgress'; readonly outRefundNo: string; readonly amountFen: number };

/** What WeChat confirmed about a refund (refund notify or refundquery). */
export interface ConfirmedRefund {
  readonly outRefundNo: string;
  readonly amount: Money;
  readonly at: Date;
}

export type Change = 'changed' | 'unchanged';

export interface NewOrder {
  readonly outTradeNo: OutTradeNo;
  readonly uid: number;
  readonly goodsId: number;
  readonly paidType: PaidType;
  readonly price: Price;
}

export class Order {
  private pending: OrderEvent[] = [];

  private constructor(private s: OrderState) {}

  static open(draft: NewOrder, now: Date): Order {
    return new Order({
      outTradeNo: draft.outTradeNo,
      uid: draft.uid,
      goodsId: draft.goodsId,
      paidType: draft.paidType,
      cash: draft.price.cash,
      integral: draft.price.integral,
      status: 'CHECKED',
      createdAt: now,
      updatedAt: now,
      needsReview: false,
      holdsOpenSlot: true,
      version: 0,
    });
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

  /**
   * Records a payment WeChat confirmed. Repeats of the recorded payment are 'unchanged' (also after a refund, so a
   * late redelivery never moves a REFUND order); a different transaction for a paid order is a conflict.
   */
  confirmPaid(payment: ConfirmedPayment): Result<Change, OrderError> {
    if (!payment.amount.equals(this.s.cash)) {
      return err({ kind: 'AmountMismatch', expectedFen: this.s.cash.fen, paidFen: payment.amount.fen });
    }
    const recorded = this.s.transactionId;
    if (this.s.status === 'SUCC' || this.s.status === 'REFUND') {
      if (recorded === payment.transactionId) return ok('unchanged');
      return err({
        kind: 'ConflictingPayment',
        recordedTransactionId: recorded ?? '',
        incomingTransactionId: payment.transactionId,
      });
    }
    const afterFailure = this.s.status === 'FAILED';
    const moved = this.move('SUCC', payment.paidAt, {
      transactionId: payment.transactionId,
      paidAt: payment.paidAt,
      needsReview: this.s.needsReview || afterFailure,
    });
    if (moved.ok) this.recordPaid(payment.transactionId, payment.paidAt, afterFailure);
    return moved;
  }

  /**
   * An order whose cash part is 0 (paid entirely in health coins) is paid the moment it is placed: there is nothing
   * for WeChat to confirm. It has no transaction_id.
   */
  completeWithoutCash(at: Date): Result<Change, OrderError> {
    if (!this.s.cash.isZero()) return err({ kind: 'CashPaymentRequired', cashFen: this.s.cash.fen });
    if (this.s.status === 'SUCC' || this.s.status === 'REFUND') return ok('unchanged');
    const moved = this.move('SUCC', at, { paidAt: at });
    if (moved.ok) this.recordPaid('', at, false);
    return moved;
  }

  /** Refunds an order that had no cash part: only coins go back, so WeChat has no part in it. */
  refundWithoutCash(at: Date): Result<Change, OrderError> {
    if (!this.s.cash.isZero()) return err({ kind: 'CashPaymentRequired', cashFen: this.s.cash.fen });
    if (this.s.status === 'REFUND') return ok('unchanged');
    const moved = this.move('REFUND', at, {});
    if (moved.ok) {
      this.record({ type: 'OrderRefunded', outTradeNo: this.s.outTradeNo.value, uid: this.s.uid, outRefundNo: '', refundFen: 0, integral: this.s.integral, at });
    }
    return moved;
  }

  /** Only call with WeChat's word that the order is closed or failed, never on an unknown result. */
  markFailed(reason: FailureReason, at: Date): Result<Change, OrderError> {
    if (this.s.status === 'FAILED') return ok('unchanged');
    const moved = this.move('FAILED', at, {});
    if (moved.ok) this.record({ type: 'OrderFailed', outTradeNo: this.s.outTradeNo.value, reason, at });
    return moved;
  }

  /**
   * Starts (or repeats) a refund of `amount`, at most what was paid. Asking again for the same amount while WeChat
   * processes it is 'unchanged' and keeps the number, so a retried request can never refund twice.
   */
  requestRefund(amount: Money, at: Date): Result<Change, OrderError> {
    if (this.s.status !== 'SUCC') return err({ kind: 'IllegalTransition', from: this.s.status, to: 'REFUND' });
    if (amount.isZero() || amount.fen > this.s.cash.fen) {
      return err({ kind: 'RefundExceedsPayment', paidFen: this.s.cash.fen, refundFen: amount.fen });
    }
    const current = this.s.refund;
    if (current?.status === 'PROCESSING') {
      if (current.amount.equals(amount)) return ok('unchanged');
      return err({ kind: 'RefundInProgress', outRefundNo: current.outRefundNo, amountFen: current.amount.fen });
    }
    const attempt = current ? Number(/R(\d+)$/.exec(current.outRefundNo)?.[1] ?? '0') + 1 : 1;
    const outRefundNo = `${this.s.outTradeNo.value}R${attempt}`;
    this.s = { ...this.s, refund: { outRefundNo, amount, requestedAt: at, status: 'PROCESSING' }, updatedAt: at };
    return ok('changed');
  }

  /** WeChat closed the refund (REFUNDCLOSE): the order stays paid and a new attempt may be requested. */
  refundClosed(outRefundNo: string, at: Date): Change {
    const current = this.s.refund;
    if (current?.outRefundNo !== outRefundNo || current.status !== 'PROCESSING') return 'unchanged';
    this.s = { ...this.s, refund: { ...current, status: 'CLOSED' }, updatedAt: at };
    return 'changed';
  }

  /**
   * Only call once WeChat confirms the refund. A refund WeChat made that we did not ask for (from the merchant
   * console, say) is still recorded, flagged for review, because the money has gone back.
   */
  confirmRefunded(refund: ConfirmedRefund): Result<Change, OrderError> {
    if (this.s.status === 'REFUND') return ok('unchanged');
    if (refund.amount.isZero() || refund.amount.fen > this.s.cash.fen) {
      return err({ kind: 'RefundExceedsPayment', paidFen: this.s.cash.fen, refundFen: refund.amount.fen });
    }
    const ours = this.s.refund;
    const expected = ours?.outRefundNo === refund.outRefundNo && ours.amount.equals(refund.amount);
    const moved = this.move('REFUND', refund.at, {
      refund: { outRefundNo: refund.outRefundNo, amount: refund.amount, requestedAt: ours?.requestedAt ?? refund.at, status: 'SUCCESS' },
      needsReview: this.s.needsReview || !expected,
    });
    if (moved.ok) {
      this.record({
        type: 'OrderRefunded',
        outTradeNo: this.s.outTradeNo.value,
        uid: this.s.uid,
        outRefundNo: refund.outRefundNo,
        refundFen: refund.amount.fen,
        integral: this.s.integral,
        at: refund.at,
      });
    }
    return moved;
  }

  /** A prepay can only be attached while the order can still be paid. */
  attachPrepay(prepay: Prepay, at: Date): Result<Change, OrderError> {
    if (this.s.status !== 'CHECKED') return err({ kind: 'IllegalTransition', from: this.s.status, to: 'CHECKED' });
    this.s = { ...this.s, prepay, updatedAt: at };
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

  private move(to: OrderStatus, at: Date, patch: Partial<OrderState>): Result<'changed', OrderError> {
    const from = this.s.status;
    if (!ALLOWED_TRANSITIONS[from].includes(to)) return err({ kind: 'IllegalTransition', from, to });
    this.s = { ...this.s, ...patch, status: to, holdsOpenSlot: false, updatedAt: at };
    return ok('changed');
  }

  private record(event: OrderEvent): void {
    this.pending.push(event);
  }

  private recordPaid(transactionId: string, paidAt: Date, afterFailure: boolean): void {
    const s = this.s;
    this.record({
      type: 'OrderPaid',
      outTradeNo: s.outTradeNo.value,
      uid: s.uid,
      goodsId: s.goodsId,
      paidType: s.paidType,
      cashFen: s.cash.fen,
      integral: s.integral,
      transactionId,
      paidAt,
      afterFailure,
    });
  }
}
