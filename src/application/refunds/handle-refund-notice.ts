import type { RefundStatus } from '../../domain/refund.js';
import type { MerchantId } from '../../domain/merchant.js';
import type { Merchants } from '../ports/merchant.js';
import type { RefundNotice } from '../ports/notify-verifier.js';
import type { OrderRepository } from '../ports/order-repository.js';
import type { SettleRefund } from './settle-refund.js';

export type RefundNoticeVerdict =
  | { readonly ack: true; readonly result: 'refunded' | 'closed' | 'abnormal' | 'duplicate' }
  | {
      readonly ack: false;
      readonly reason: 'ForeignMerchant' | 'UnknownOrder' | 'RefundMismatch' | 'NotConfirmedByWechat';
      readonly alert: boolean;
    };

const RESULT_OF: Readonly<Record<RefundNotice['status'], 'refunded' | 'closed' | 'abnormal'>> = {
  SUCCESS: 'refunded',
  CLOSED: 'closed',
  ABNORMAL: 'abnormal',
};

/**
 * A v2 refund notice is encrypted, not signed, and ECB lets a forger splice blocks: it must name one of our refunds
 * on that very order with every identifier matching, and even then it is only a reason to ask WeChat
 * (refundquery), whose answer alone changes the order.
 */
export class HandleRefundNotice {
  constructor(
    private readonly merchants: Merchants,
    private readonly orders: OrderRepository,
    private readonly settle: SettleRefund,
  ) {}

  /** `expected`: the merchant whose callback URL the notice arrived at, as for HandleNotify. */
  async execute(notice: RefundNotice, expected?: MerchantId): Promise<RefundNoticeVerdict> {
    const merchantId = this.merchants.idOf(notice);
    if (merchantId === undefined || (expected !== undefined && merchantId !== expected)) return refuse('ForeignMerchant', true);
    const order = await this.orders.findByOutTradeNo(notice.outTradeNo);
    if (!order) return refuse('UnknownOrder', true);
    if (order.state.merchantId !== merchantId) return refuse('ForeignMerchant', true);
    const { outTradeNo, transactionId, outRefundNo, refundId, refundFee, totalFee, status } = notice;
    const claim = {
      outTradeNo,
      transactionId,
      outRefundNo,
      refundId,
      amount: refundFee,
      totalFee,
      status,
      at: notice.at ?? order.state.updatedAt,
    };
    const matched = order.refundMatching(claim);
    if (!matched.ok) return refuse('RefundMismatch', true);
    if (matched.value.status === status) return { ack: true, result: 'duplicate' };

    // WeChat's answer settles the refund only if the notice names the same refund: its refund_id, which we may not
    // have learned yet, is checked against WeChat's.
    const settlement = await this.settle.execute(order, outRefundNo, claim);
    switch (settlement.kind) {
      case 'recorded':
      case 'unchanged':
        return settlement.status === status
          ? { ack: true, result: RESULT_OF[status] }
          : refuse('NotConfirmedByWechat', !stillProcessing(settlement.status));
      case 'rejected':
      case 'contradicted':
        return refuse('RefundMismatch', true);
      case 'vanished':
        return refuse('UnknownOrder', true);
      case 'notFound':
        return refuse('NotConfirmedByWechat', true);
    }
  }
}

/** WeChat may notify a moment before its query shows the result: a retry will find it, no alert. */
const stillProcessing = (status: RefundStatus): boolean => status === 'PROCESSING';

const refuse = (reason: Extract<RefundNoticeVerdict, { ack: false }>['reason'], alert: boolean): RefundNoticeVerdict => ({
  ack: false,
  reason,
  alert,
});
