import { DEFAULT_MERCHANT_ID, type MerchantId } from '../../domain/merchant.js';
import { Money } from '../../domain/money.js';
import type { CashlessRefundRejection, RefundRejection, RefundReportError } from '../../domain/order-errors.js';
import type { Order } from '../../domain/order.js';
import type { Refund, RefundStatus } from '../../domain/refund.js';
import { err, ok, type Result } from '../../domain/result.js';
import { coversMerchant, type ShopScope } from '../../domain/shop-scope.js';
import { changeOrder, ConcurrentChangeError } from '../orders/compare-and-set.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { Clock } from '../ports/clock.js';
import type { Lock } from '../ports/lock.js';
import type { OrderRepository } from '../ports/order-repository.js';
import type { RefusalCategory } from '../ports/payment-gateway.js';
import type { PaymentRecorder } from '../orders/payment-recorder.js';
import type { SubmitRefund } from './submit-refund.js';

export interface RefundCommand {
  readonly outTradeNo: string;
  /** Fen; default: everything still refundable. */
  readonly amount?: Money;
  /** The caller's Idempotency-Key: the same key is the same refund, whatever happens in between. */
  readonly requestKey?: string;
  /** refund_desc, shown to the user. */
  readonly reason?: string;
  /** The credential that asked (for the audit log). */
  readonly actor: string;
  /** The shops the asker answers for (a console operator's); an order of another shop is not found. Absent: every shop. */
  readonly scope?: ShopScope;
}

export type RefundError =
  | { readonly kind: 'OrderNotFound' }
  | { readonly kind: 'Rejected'; readonly error: RefundRejection | CashlessRefundRejection }
  | { readonly kind: 'GatewayRejected'; readonly code: string; readonly message: string; readonly category: RefusalCategory }
  /** WeChat's answer to the refund disagrees with the request: nothing was recorded; the order is flagged. */
  | { readonly kind: 'AnswerMismatch'; readonly error: RefundReportError }
  /** Other refunds of the order kept it busy: nothing was recorded or sent; ask again after `retryAfterSeconds`. */
  | { readonly kind: 'RefundBusy'; readonly retryAfterSeconds: number };

export interface RefundLockTiming {
  /** Longer than a refund round trip to WeChat with its refundquery, so the lease outlives the work it guards. */
  readonly ttlMs: number;
  /** How long a refund waits for the ones before it on the same order: a queue of a few dozen, inside a client's timeout. */
  readonly waitMs: number;
}

export const DEFAULT_REFUND_LOCK_TIMING: RefundLockTiming = { ttlMs: 30_000, waitMs: 20_000 };
const BUSY: RefundError = { kind: 'RefundBusy', retryAfterSeconds: 2 };

export interface RefundAccepted {
  readonly outRefundNo: string;
  readonly amountFen: number;
  readonly status: RefundStatus;
  /** WeChat has confirmed the whole order refunded. */
  readonly completed: boolean;
  readonly refundedFen: number;
  readonly refundableFen: number;
}

/**
 * Refunds a paid order, in full or in parts. The refund request is committed before WeChat hears of it, and a retry
 * sends the very same out_refund_no, so no sequence of timeouts and retries can refund twice. Refunds of one order
 * take turns (a per-order lease, across instances with Redis), so concurrent ones queue instead of failing each
 * other's compare-and-set; a request either ends in its refund or is refused before anything is sent (RefundBusy),
 * never in an error after WeChat was asked. A refund counts only
 * when WeChat confirms it (refund notice confirmed by refundquery, or reconciliation); the order becomes REFUND when
 * the confirmed refunds add up to what was paid.
 */
export class RefundOrder {
  constructor(
    private readonly orders: OrderRepository,
    private readonly submit: SubmitRefund,
    private readonly recorder: PaymentRecorder,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly lock: Lock,
    private readonly lockTiming: RefundLockTiming = DEFAULT_REFUND_LOCK_TIMING,
  ) {}

  async execute(command: RefundCommand): Promise<Result<RefundAccepted, RefundError>> {
    let result: Result<RefundAccepted, RefundError> | undefined;
    const seen: { merchantId?: MerchantId } = {};
    try {
      result = await this.inTurn(command, seen);
      return result;
    } finally {
      // Every attempt an operator makes is on record, refused and unanswered ones included.
      await this.audit.record({
        at: this.clock.now(),
        actor: command.actor,
        action: 'refund.requested',
        subject: command.outTradeNo,
        before: { amountFen: command.amount?.fen ?? null, requestKey: command.requestKey ?? null },
        after:
          result === undefined
            ? { outcome: 'WeChat Pay unreachable; the request stays on record and is retried' }
            : result.ok
              ? result.value
              : { refused: result.error },
        ...(command.reason ? { note: command.reason } : {}),
        // The shop whose order it is, when the asker holds it; an attempt on another shop's order is the platform's.
        ...(seen.merchantId === undefined ? {} : { merchantId: seen.merchantId }),
      });
    }
  }

  private async inTurn(command: RefundCommand, seen: { merchantId?: MerchantId }): Promise<Result<RefundAccepted, RefundError>> {
    // The order's own merchant, whoever asks (a number that names no order locks as the default's did).
    const merchantId = (await this.orders.findByOutTradeNo(command.outTradeNo))?.state.merchantId;
    const lease = await this.lock.acquire(refundLockKey(command.outTradeNo, merchantId), this.lockTiming);
    if (!lease) return err(BUSY);
    try {
      return await this.refund(command, seen);
    } finally {
      await lease.release();
    }
  }

  private async refund(command: RefundCommand, seen: { merchantId?: MerchantId }): Promise<Result<RefundAccepted, RefundError>> {
    const found = await this.orders.findByOutTradeNo(command.outTradeNo);
    // Another shop's order is answered exactly as no order: its operator learns nothing of it, not even that it exists.
    if (!found || (command.scope && !coversMerchant(command.scope, found.state.merchantId))) return err({ kind: 'OrderNotFound' });
    seen.merchantId = found.state.merchantId;
    if (found.state.cash.isZero()) return this.refundCoinsOnly(found);
    // A refund that could never be sent (the order's merchant is not configured here) is refused before it is recorded.
    this.submit.gatewayFor(found);

    let refund: Refund | undefined;
    let requested;
    try {
      requested = await changeOrder(this.orders, found, (o) => {
        const r = o.requestRefund({
          amount: command.amount ?? defaultAmount(o),
          at: this.clock.now(),
          ...(command.requestKey ? { requestKey: command.requestKey } : {}),
        });
        if (!r.ok) return r;
        refund = r.value.refund;
        return ok(r.value.change);
      });
    } catch (error) {
      // Lost every round to other writers of the order (a lease that was bypassed or expired): nothing is recorded
      // and WeChat has not been asked, so the honest answer is "try again".
      if (error instanceof ConcurrentChangeError) return err(BUSY);
      throw error;
    }
    if (requested.kind === 'vanished') return err({ kind: 'OrderNotFound' });
    if (requested.kind === 'rejected') return err({ kind: 'Rejected', error: requested.error });
    if (!refund) throw new Error(`order ${command.outTradeNo}: refund requested but not recorded`);
    if (refund.status !== 'PROCESSING') return ok(accepted(requested.order, refund)); // a keyed repeat of a settled refund
    // Committed before WeChat hears of it; if the call times out it stays PROCESSING, and reconciliation sends it again.

    const submitted = await this.submit.execute(requested.order, refund, command.reason);
    switch (submitted.kind) {
      case 'vanished':
        return err({ kind: 'OrderNotFound' });
      case 'mismatch':
        return err({ kind: 'AnswerMismatch', error: submitted.error });
      case 'refused': {
        const { code, message, category } = submitted.refusal;
        return err({ kind: 'GatewayRejected', code, message, category });
      }
      case 'accepted':
        return ok(accepted(submitted.order, refund));
    }
  }

  /** Nothing was paid in cash: the coins go back and the order is refunded without WeChat. */
  private async refundCoinsOnly(order: Order): Promise<Result<RefundAccepted, RefundError>> {
    const outcome = await this.recorder.recordCashless(order, 'refunded', this.clock.now());
    if (outcome.kind === 'rejected') return err({ kind: 'Rejected', error: outcome.error });
    if (outcome.kind === 'vanished') return err({ kind: 'OrderNotFound' });
    return ok({ outRefundNo: '', amountFen: 0, status: 'SUCCESS', completed: true, refundedFen: 0, refundableFen: 0 });
  }
}

/**
 * Everything still refundable; when nothing is, the one refund still processing (asking again is its retry). When a
 * refused refund asked for exactly that amount, asking again is that refund, sent again under its own number.
 */
function defaultAmount(order: Order): Money {
  if (order.refundableFen > 0) return Money.ofFen(order.refundableFen);
  const processing = order.state.refunds.filter((r) => r.status === 'PROCESSING' && r.requestKey === undefined);
  return processing.length === 1 && processing[0] ? processing[0].amount : Money.ZERO;
}

function accepted(order: Order, requested: Refund): RefundAccepted {
  const refund = order.state.refunds.find((r) => r.outRefundNo === requested.outRefundNo) ?? requested;
  return {
    outRefundNo: refund.outRefundNo,
    amountFen: refund.amount.fen,
    status: refund.status,
    completed: order.status === 'REFUND',
    refundedFen: order.refundedFen,
    refundableFen: order.refundableFen,
  };
}

/**
 * The lock refunds of one order take turns under, on every instance: named by its merchant (an order keeps the one
 * it was created with), except the `default` merchant's, which stays the string it always was so that both versions
 * of a rolling deploy of a single-merchant deployment lock the same key.
 */
export const refundLockKey = (outTradeNo: string, merchantId: MerchantId = DEFAULT_MERCHANT_ID): string =>
  merchantId === DEFAULT_MERCHANT_ID ? `refund:${outTradeNo}` : `refund:${merchantId}:${outTradeNo}`;
