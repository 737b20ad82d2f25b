import type { Change, ConfirmedPayment, ConfirmedRefund, FailureReason, Order, OrderError } from '../domain/order.js';
import { ok, type Result } from '../domain/result.js';
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
 * Every path that learns a payment outcome (notify, status poll, reconciliation, prepay) goes through here.
 */
export class PaymentRecorder {
  constructor(
    private readonly orders: OrderRepository,
    private readonly outbox: EventOutbox,
  ) {}

  async recordPayment(order: Order, payment: ConfirmedPayment, at: Date): Promise<RecordOutcome> {
    const outcome = await this.apply(order, (o) => o.confirmPaid(payment));
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
    return this.apply(order, (o) => o.markFailed(reason, at));
  }

  /** Only with WeChat's word that the refund succeeded. */
  recordRefund(order: Order, refund: ConfirmedRefund): Promise<RecordOutcome> {
    return this.apply(order, (o) => o.confirmRefunded(refund));
  }

  /** WeChat closed the refund attempt (REFUNDCLOSE); the order stays paid. */
  recordRefundClosed(order: Order, outRefundNo: string, at: Date): Promise<RecordOutcome> {
    return this.apply(order, (o) => ok(o.refundClosed(outRefundNo, at)));
  }

  private async apply(order: Order, change: (o: Order) => Result<Change, OrderError>): Promise<RecordOutcome> {
    let current: Order | undefined = order;
    for (let round = 0; round < MAX_ROUNDS && current; round++) {
      const result = change(current);
      if (!result.ok) return { kind: 'rejected', error: result.error };
      if (result.value === 'unchanged') return { kind: 'alreadyRecorded' };
      // The repository commits the recorded event with the change (outbox), so nothing is published here.
      if ((await this.orders.update(current)) === 'updated') return { kind: 'recorded' };
      current = await this.orders.findByOutTradeNo(order.state.outTradeNo.value);
    }
    if (!current) return { kind: 'orderVanished' };
    throw new Error(`order ${order.state.outTradeNo.value}: compare-and-set kept losing after ${MAX_ROUNDS} rounds`);
  }
}
