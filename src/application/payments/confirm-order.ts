import type { FailureRejection, PaymentRejection } from '../../domain/order-errors.js';
import type { Order } from '../../domain/order.js';
import type { FailureReason } from '../../domain/order-status.js';
import type { Clock } from '../ports/clock.js';
import type { TradeQuery } from '../ports/payment-gateway.js';
import type { PaymentGateways } from '../ports/payment-gateways.js';
import type { PaymentRecorder } from '../orders/payment-recorder.js';

/** What asking WeChat about an order came to. */
export type Confirmation =
  /** WeChat says paid, and this call recorded it. */
  | { readonly kind: 'recorded'; readonly transactionId: string }
  /** WeChat says paid, and it was already recorded. */
  | { readonly kind: 'duplicate'; readonly transactionId: string }
  /** WeChat says the order can no longer be paid; `recorded` is false when it was FAILED already. */
  | { readonly kind: 'failed'; readonly reason: FailureReason; readonly recorded: boolean }
  | { readonly kind: 'notPaid'; readonly state: string }
  /** WeChat does not know the order: no unifiedorder of it ever succeeded. */
  | { readonly kind: 'notFound' }
  /**
   * WeChat's answer contradicts the order (another amount, another transaction, closed though paid): nothing was
   * changed but the order is flagged for review, with one alert, so no job asks again and again.
   */
  | { readonly kind: 'rejected'; readonly reason: PaymentRejection | FailureRejection }
  | { readonly kind: 'vanished' };

/**
 * Asks WeChat (orderquery) what became of an order and records the answer: paid → SUCC, closed or failed → FAILED,
 * not paid yet → unchanged, asking the gateway of the order's merchant. An unknown answer is thrown by the gateway and
 * changes nothing.
 */
export class ConfirmOrder {
  constructor(
    private readonly gateways: PaymentGateways,
    private readonly recorder: PaymentRecorder,
    private readonly clock: Clock,
  ) {}

  async execute(order: Order): Promise<Confirmation> {
    const trade = await this.gateways.forMerchant(order.state.merchantId).queryOrder(order.state.outTradeNo.value);
    switch (trade.kind) {
      case 'notPaid':
        return { kind: 'notPaid', state: trade.state };
      case 'notFound':
        return { kind: 'notFound' };
      case 'paid':
        return this.paid(order, trade);
      case 'failed':
        return this.recordFailure(order, trade.reason);
    }
  }

  private async paid(order: Order, trade: Extract<TradeQuery, { kind: 'paid' }>): Promise<Confirmation> {
    const { transactionId, amount, paidAt, cashPaid } = trade;
    const payment = { transactionId, amount, paidAt, ...(cashPaid ? { cashPaid } : {}) };
    const outcome = await this.recorder.recordPayment(order, payment, this.clock.now());
    switch (outcome.kind) {
      case 'changed':
        return { kind: 'recorded', transactionId };
      case 'unchanged':
        return { kind: 'duplicate', transactionId };
      case 'vanished':
        return { kind: 'vanished' };
      case 'rejected':
        return this.reject(outcome.order, outcome.error);
    }
  }

  /** Records WeChat's word that the order can no longer be paid (orderquery, or closeorder's own answer). */
  async recordFailure(order: Order, reason: FailureReason): Promise<Confirmation> {
    const outcome = await this.recorder.recordFailure(order, reason, this.clock.now());
    switch (outcome.kind) {
      case 'changed':
      case 'unchanged':
        return { kind: 'failed', reason, recorded: outcome.kind === 'changed' };
      case 'vanished':
        return { kind: 'vanished' };
      case 'rejected':
        // WeChat's "no such order" came before the prepay_id the order holds now: nothing to record or review.
        if (outcome.error.kind === 'CreatedAtWechat') return { kind: 'notFound' };
        return this.reject(outcome.order, outcome.error);
    }
  }

  private async reject(order: Order, reason: PaymentRejection | FailureRejection): Promise<Confirmation> {
    await this.recorder.flagForReview(order, `WeChat's orderquery contradicts the order: ${reason.kind}`, this.clock.now(), { ...reason });
    return { kind: 'rejected', reason };
  }
}
