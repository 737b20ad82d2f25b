import type {
  CashlessRefundRejection,
  CashPartRequired,
  FailureRejection,
  PaymentRejection,
  RefundReportError,
} from '../../domain/order-errors.js';
import type { Change, ConfirmedPayment, Order } from '../../domain/order.js';
import type { FailureReason } from '../../domain/order-status.js';
import type { RefundReport, RefusalRejection } from '../../domain/refund.js';
import { ok, type Result } from '../../domain/result.js';
import { changeOrder, ConcurrentChangeError, RECORD_OUTCOME, type ChangeOutcome, type ChangePersistence } from './compare-and-set.js';
import type { Alerts } from '../ports/alerts.js';
import type { IntegralLedger } from '../ports/integral-ledger.js';
import type { OrderRepository } from '../ports/order-repository.js';
import type { EventOutbox } from '../ports/payment-events.js';

/**
 * Applies what WeChat confirmed to an order by compare-and-set; the change's event is committed with it, exactly once.
 * Every path that learns an outcome (notify, status poll, reconciliation, prepay, refunds) goes through here, and so
 * does the health-coin side: coins are committed when the order is paid, released when it fails, and refunded when
 * it is refunded in full. Coin operations are idempotent, so a repeat after a crash completes what the first attempt
 * started.
 */
export class PaymentRecorder {
  constructor(
    private readonly orders: OrderRepository,
    private readonly outbox: EventOutbox,
    private readonly ledger: IntegralLedger,
    private readonly alerts: Alerts,
  ) {}

  async recordPayment(order: Order, payment: ConfirmedPayment, at: Date): Promise<ChangeOutcome<PaymentRejection>> {
    const outcome = await this.apply(order, (o) => o.confirmPaid(payment), at);
    if (outcome.kind === 'rejected' && outcome.error.kind === 'ConflictingPayment') {
      const { recordedTransactionId, incomingTransactionId } = outcome.error;
      await this.outbox.append([
        { type: 'PaymentConflict', outTradeNo: order.state.outTradeNo.value, recordedTransactionId, incomingTransactionId, at },
      ]);
    }
    return outcome;
  }

  /** Only with WeChat's word that the order is closed or failed. */
  recordFailure(order: Order, reason: FailureReason, at: Date): Promise<ChangeOutcome<FailureRejection>> {
    return this.apply(order, (o) => o.markFailed(reason, at), at);
  }

  /**
   * Only with an answer of WeChat's (refundquery, the refund API's) about refund `asked`: an answer that names another
   * refund, even another of this order's, settles nothing.
   */
  async recordRefundReport(order: Order, report: RefundReport, asked: string): Promise<ChangeOutcome<RefundReportError>> {
    // The order flags itself when WeChat's word takes its refunds beyond the payment; the alert is raised here, once,
    // by the write that set the flag (the change may run again on a fresher copy: its last run is the one written).
    let flagged = false;
    const outcome = await this.apply(
      order,
      (o) => {
        const wasFlagged = o.needsReview;
        const applied = o.applyRefundReport(report, asked);
        flagged = !wasFlagged && o.needsReview;
        return applied;
      },
      report.at,
      RECORD_OUTCOME,
    );
    if (outcome.kind === 'changed' && flagged) {
      const reason = outcome.order.state.review?.reason;
      this.alerts.raise({ kind: 'OrderNeedsReview', outTradeNo: order.state.outTradeNo.value, detail: { reason, outRefundNo: asked } });
    }
    return outcome;
  }

  /** Only with WeChat's own (verified) refusal of the refund request. */
  recordRefundRefused(order: Order, outRefundNo: string, at: Date): Promise<ChangeOutcome<RefusalRejection>> {
    return changeOrder(this.orders, order, (o) => o.refuseRefund(outRefundNo, at), RECORD_OUTCOME);
  }

  /** Orders with no cash part: paid, or refunded, without WeChat. */
  recordCashless(order: Order, change: 'paid', at: Date): Promise<ChangeOutcome<CashPartRequired>>;
  recordCashless(order: Order, change: 'refunded', at: Date): Promise<ChangeOutcome<CashlessRefundRejection>>;
  recordCashless(order: Order, change: 'paid' | 'refunded', at: Date): Promise<ChangeOutcome<CashlessRefundRejection>> {
    return this.apply(
      order,
      (o): Result<Change, CashlessRefundRejection> => (change === 'paid' ? o.completeWithoutCash(at) : o.refundWithoutCash(at)),
      at,
    );
  }

  /**
   * Asks a person to look at an order WeChat and we disagree on, and alerts once: the flag is a compare-and-set, so
   * however many paths find the same problem, only the one that sets it raises the alert.
   */
  async flagForReview(order: Order, reason: string, at: Date, detail: Readonly<Record<string, unknown>> = {}): Promise<void> {
    let outcome;
    try {
      outcome = await changeOrder(this.orders, order, (o) => ok(o.flagForReview(reason, at)), RECORD_OUTCOME);
    } catch (error) {
      // Callers flag what WeChat already did; failing them now would report an error after the fact. The alert
      // still goes out, so a person looks even though the flag could not be written.
      if (!(error instanceof ConcurrentChangeError)) throw error;
      outcome = { kind: 'changed' } as const;
      detail = { ...detail, flag: 'not recorded: the order kept changing' };
    }
    if (outcome.kind === 'changed') {
      this.alerts.raise({ kind: 'OrderNeedsReview', outTradeNo: order.state.outTradeNo.value, detail: { reason, ...detail } });
    }
  }

  /** Brings an order's coins in line with its status: also the reconciler's repair for a crash between the two. */
  async settleCoins(order: Order, at: Date): Promise<void> {
    if (order.state.integral === 0) return;
    const no = order.state.outTradeNo.value;
    switch (order.status) {
      case 'SUCC':
        await this.ledger.commit(no, at);
        return;
      case 'FAILED':
        await this.ledger.release(no, at);
        return;
      case 'REFUND':
        // Refunds come only from committed coins; a crash before the commit is completed first.
        await this.ledger.commit(no, at);
        await this.ledger.refund(no, at);
        return;
      case 'CHECKED':
        return;
    }
  }

  private async apply<E>(
    order: Order,
    change: (o: Order) => Result<Change, E>,
    at: Date,
    persistence?: ChangePersistence,
  ): Promise<ChangeOutcome<E>> {
    // The repository commits the recorded event with the change (outbox), so nothing is published here.
    const outcome = await changeOrder(this.orders, order, change, persistence);
    if (outcome.kind === 'changed' || outcome.kind === 'unchanged') await this.settleCoins(outcome.order, at);
    return outcome;
  }
}
