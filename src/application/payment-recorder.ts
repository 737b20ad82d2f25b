import type { Change, ConfirmedPayment, ConfirmedRefund, FailureReason, Order, OrderError } from '../domain/order.js';
import { ok, type Result } from '../domain/result.js';
import type { IntegralLedger } from './ports/integral-ledger.js';
import type { OrderRepository } from './ports/order-repository.js';
import type { EventOutbox } from './ports/payment-events.js';

export type RecordOutcome =
  | { readonly kind: 'recorded' }
  | { readonly kind: 'alreadyRecorded' }
  | { readonly kind: 'rejected'; readonly error: OrderError }
  | { readonly kind: 'orderVanished' };

/** A compare-and-set only loses to another writer of the same order; a few rounds settle any realistic race. */
const MAX_ROUNDS = 5;

/**
 * Applies what WeChat confirmed to an order by compare-and-set; the change's event is committed with it, exactly once.
 * Every path that learns an outcome (notify, status poll, reconciliation, prepay, refunds) goes through here, and so
 * does the health-coin side: coins are committed when the order is paid, and come back when it fails or is refunded.
 * Coin operations are idempotent, so a repeat after a crash completes what the first attempt started.
 */
export class PaymentRecorder {
  constructor(
    private readonly orders: OrderRepository,
    private readonly outbox: EventOutbox,
    private readonly ledger: IntegralLedger,
  ) {}

  async recordPayment(order: Order, payment: ConfirmedPayment, at: Date): Promise<RecordOutcome> {
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
  recordFailure(order: Order, reason: FailureReason, at: Date): Promise<RecordOutcome> {
    return this.apply(order, (o) => o.markFailed(reason, at), at);
  }

  /** Only with WeChat's word that the refund succeeded. */
  recordRefund(order: Order, refund: ConfirmedRefund): Promise<RecordOutcome> {
    return this.apply(order, (o) => o.confirmRefunded(refund), refund.at);
  }

  /** WeChat closed the refund attempt (REFUNDCLOSE); the order stays paid. */
  recordRefundClosed(order: Order, outRefundNo: string, at: Date): Promise<RecordOutcome> {
    return this.apply(order, (o) => ok(o.refundClosed(outRefundNo, at)), at);
  }

  /** Orders with no cash part: paid, or refunded, without WeChat. */
  recordCashless(order: Order, change: 'paid' | 'refunded', at: Date): Promise<RecordOutcome> {
    return this.apply(order, (o) => (change === 'paid' ? o.completeWithoutCash(at) : o.refundWithoutCash(at)), at);
  }

  /** Brings an order's coins in line with its status: the reconciler's repair for a crash between the two. */
  async settleCoins(order: Order, at: Date): Promise<void> {
    if (order.state.integral === 0) return;
    const no = order.state.outTradeNo.value;
    switch (order.status) {
      case 'SUCC':
        await this.ledger.commit(no, at);
        break;
      case 'FAILED':
        await this.ledger.release(no, at);
        break;
      case 'REFUND':
        await this.ledger.refund(no, at);
        break;
      case 'CHECKED':
        break;
    }
  }

  private async apply(order: Order, change: (o: Order) => Result<Change, OrderError>, at: Date): Promise<RecordOutcome> {
    let current: Order | undefined = order;
    for (let round = 0; round < MAX_ROUNDS && current; round++) {
      const result = change(current);
      if (!result.ok) return { kind: 'rejected', error: result.error };
      if (result.value === 'unchanged') {
        await this.settleCoins(current, at);
        return { kind: 'alreadyRecorded' };
      }
      // The repository commits the recorded event with the change (outbox), so nothing is published here.
      if ((await this.orders.update(current)) === 'updated') {
        await this.settleCoins(current, at);
        return { kind: 'recorded' };
      }
      current = await this.orders.findByOutTradeNo(order.state.outTradeNo.value);
    }
    if (!current) return { kind: 'orderVanished' };
    throw new Error(`order ${order.state.outTradeNo.value}: compare-and-set kept losing after ${MAX_ROUNDS} rounds`);
  }
}
