import type { FailureReason } from './order-status.js';
import type { PaidType } from './paid-type.js';

/** What happened to an order, for fulfilment. Recorded by the aggregate, committed with the change it describes. */
export type OrderEvent =
  | {
      readonly type: 'OrderPaid';
      readonly outTradeNo: string;
      readonly uid: number;
      readonly goodsId: number;
      readonly paidType: PaidType;
      readonly cashFen: number;
      readonly integral: number;
      /** WeChat's transaction_id; null for an order paid entirely in health coins (WeChat took no part). */
      readonly transactionId: string | null;
      readonly paidAt: Date;
      /** True when the order had been closed first: fulfil or refund by hand. */
      readonly afterFailure: boolean;
      /** True when a newer order (another price, say) had replaced it: it was paid at its own, older price. */
      readonly superseded: boolean;
    }
  | { readonly type: 'OrderFailed'; readonly outTradeNo: string; readonly reason: FailureReason; readonly at: Date }
  /** One refund came back to the user; the order may have more money left to refund. */
  | {
      readonly type: 'RefundSucceeded';
      readonly outTradeNo: string;
      readonly uid: number;
      readonly outRefundNo: string;
      readonly refundFen: number;
      /** Everything refunded so far, this refund included. */
      readonly refundedFen: number;
      readonly remainingFen: number;
      readonly at: Date;
    }
  /** The whole order is refunded: it is REFUND now, and its health coins went back to the user. */
  | {
      readonly type: 'OrderRefunded';
      readonly outTradeNo: string;
      readonly uid: number;
      /** The refund that completed it; null for an order paid only in coins (nothing went through WeChat). */
      readonly outRefundNo: string | null;
      readonly refundFen: number;
      readonly integral: number;
      readonly at: Date;
    };
