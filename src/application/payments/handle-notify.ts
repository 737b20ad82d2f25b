import type { ConfirmOrder } from './confirm-order.js';
import type { MerchantId } from '../../domain/merchant.js';
import type { Merchants } from '../ports/merchant.js';
import type { PaymentNotice } from '../ports/notify-verifier.js';
import type { OrderRepository } from '../ports/order-repository.js';

export type NotifyVerdict =
  /** Tell WeChat to stop: the outcome is durably recorded (or there was nothing to record). */
  | { readonly ack: true; readonly result: 'recorded' | 'duplicate' | 'failureReported' | 'conflictRecorded' }
  /** Tell WeChat to try again; `alert` marks notices that look forged or misrouted rather than early. */
  | { readonly ack: false; readonly reason: NotifyRefusal; readonly alert: boolean };

export type NotifyRefusal =
  | 'ForeignMerchant'
  | 'UnknownOrder'
  | 'AmountMismatch'
  | 'SignTypeMismatch'
  | 'NotConfirmedByWechat'
  | 'ConfirmationDiffers'
  | 'ConfirmationRejected';

/**
 * The seed trusted the notice; we do not. The notice names an order of the merchant it was sent to, the amount must
 * match it, and only WeChat's own orderquery answer moves it to SUCC — recorded as WeChat states it, and the notice
 * acknowledged only when it says the same.
 */
export class HandleNotify {
  constructor(
    private readonly merchants: Merchants,
    private readonly orders: OrderRepository,
    private readonly confirm: ConfirmOrder,
  ) {}

  /**
   * `expected`: the merchant whose callback URL the notice arrived at (and whose keys alone verified it); a notice
   * naming another merchant, or an order of another, is not this merchant's to settle.
   */
  async execute(notice: PaymentNotice, expected?: MerchantId): Promise<NotifyVerdict> {
    const merchantId = this.merchants.idOf(notice);
    if (merchantId === undefined || (expected !== undefined && merchantId !== expected)) return refuse('ForeignMerchant', true);
    // A failed payment changes nothing: only orderquery CLOSED/PAYERROR/REVOKED may fail an order.
    if (!notice.succeeded) return { ack: true, result: 'failureReported' };

    // WeChat can notify before our row is visible; a retry (or the reconciliation job) will find it.
    const facts = await this.orders.findPaymentFacts(notice.outTradeNo);
    if (!facts) return refuse('UnknownOrder', false);
    // One of our accounts, but not the one the order was opened with: not this order's payment.
    if (facts.merchantId !== merchantId) return refuse('ForeignMerchant', true);
    if (!notice.totalFee.equals(facts.cash)) return refuse('AmountMismatch', true);
    const { prepaySignType } = facts;
    if (notice.signedWith !== undefined && prepaySignType !== undefined && notice.signedWith !== prepaySignType) {
      return refuse('SignTypeMismatch', true);
    }
    // A retry of a notice already recorded: most of what arrives, answered from those few columns.
    if (facts.transactionId === notice.transactionId) return { ack: true, result: 'duplicate' };

    const order = facts.order ?? (await this.orders.findByOutTradeNo(notice.outTradeNo));
    if (!order) return refuse('UnknownOrder', true);

    const confirmation = await this.confirm.execute(order);
    switch (confirmation.kind) {
      case 'recorded':
      case 'duplicate':
        // WeChat's answer is recorded either way; a notice naming another transaction is not WeChat's.
        if (confirmation.transactionId !== notice.transactionId) return refuse('ConfirmationDiffers', true);
        return { ack: true, result: confirmation.kind };
      case 'rejected':
        if (confirmation.reason.kind === 'ConflictingPayment') return { ack: true, result: 'conflictRecorded' };
        return refuse('ConfirmationRejected', true);
      case 'vanished':
        return refuse('UnknownOrder', true);
      case 'failed':
      case 'notPaid':
      case 'notFound':
        return refuse('NotConfirmedByWechat', true);
    }
  }
}

const refuse = (reason: NotifyRefusal, alert: boolean): NotifyVerdict => ({ ack: false, reason, alert });
