import type { Money } from '../domain/money.js';
import type { Clock } from './ports/clock.js';
import type { MerchantIdentity } from './ports/merchant.js';
import type { OrderRepository } from './ports/order-repository.js';
import type { PaymentGateway } from './ports/payment-gateway.js';
import type { PaymentRecorder } from './payment-recorder.js';

/** A payment notice whose signature the gateway adapter has already verified. Protocol-neutral. */
export interface PaymentNotice {
  readonly appId: string;
  readonly mchId: string;
  readonly outTradeNo: string;
  readonly transactionId: string;
  readonly totalFee: Money;
  /** result_code: false for a notice that reports a failed payment. */
  readonly succeeded: boolean;
}

export type NotifyVerdict =
  /** Tell WeChat to stop: the outcome is durably recorded (or there was nothing to record). */
  | { readonly ack: true; readonly result: 'recorded' | 'duplicate' | 'failureReported' | 'conflictRecorded' }
  /** Tell WeChat to try again; `alert` marks notices that look forged or misrouted rather than early. */
  | { readonly ack: false; readonly reason: NotifyRefusal; readonly alert: boolean };

export type NotifyRefusal =
  | 'ForeignMerchant'
  | 'UnknownOrder'
  | 'AmountMismatch'
  | 'NotConfirmedByWechat'
  | 'ConfirmationDiffers'
  | 'IllegalTransition';

/**
 * The seed trusted the notice; we do not. The notice names an order, the amount must match it, and only WeChat's
 * own orderquery answer, with the same transaction and amount, moves it to SUCC.
 */
export class HandleNotify {
  constructor(
    private readonly merchant: MerchantIdentity,
    private readonly orders: OrderRepository,
    private readonly gateway: PaymentGateway,
    private readonly recorder: PaymentRecorder,
    private readonly clock: Clock,
  ) {}

  async execute(notice: PaymentNotice): Promise<NotifyVerdict> {
    if (notice.appId !== this.merchant.appId || notice.mchId !== this.merchant.mchId) {
      return refuse('ForeignMerchant', true);
    }
    // A failed payment changes nothing: only orderquery CLOSED/PAYERROR/REVOKED may fail an order.
    if (!notice.succeeded) return { ack: true, result: 'failureReported' };

    // WeChat can notify before our row is visible; a retry (or the reconciliation job) will find it.
    const order = await this.orders.findByOutTradeNo(notice.outTradeNo);
    if (!order) return refuse('UnknownOrder', false);
    if (!notice.totalFee.equals(order.state.cash)) return refuse('AmountMismatch', true);
    if (order.state.transactionId === notice.transactionId) return { ack: true, result: 'duplicate' };

    const trade = await this.gateway.queryOrder(notice.outTradeNo);
    if (trade.kind !== 'paid') return refuse('NotConfirmedByWechat', true);
    if (trade.transactionId !== notice.transactionId || !trade.amount.equals(notice.totalFee)) {
      return refuse('ConfirmationDiffers', true);
    }

    const outcome = await this.recorder.recordPayment(order, trade, this.clock.now());
    switch (outcome.kind) {
      case 'recorded':
        return { ack: true, result: 'recorded' };
      case 'alreadyRecorded':
        return { ack: true, result: 'duplicate' };
      case 'orderVanished':
        return refuse('UnknownOrder', true);
      case 'rejected':
        switch (outcome.error.kind) {
          case 'ConflictingPayment':
            return { ack: true, result: 'conflictRecorded' };
          case 'AmountMismatch':
            return refuse('AmountMismatch', true);
          default:
            return refuse('IllegalTransition', true);
        }
    }
  }
}

const refuse = (reason: NotifyRefusal, alert: boolean): NotifyVerdict => ({ ack: false, reason, alert });
