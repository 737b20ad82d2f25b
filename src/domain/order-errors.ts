import type { OrderStatus } from './order-status.js';
import type { RefundReportRejection, RefundRequestRefusal } from './refund.js';

/** Why a confirmed payment cannot be recorded as it stands (Order.confirmPaid). */
export type PaymentRejection =
  | { readonly kind: 'AmountMismatch'; readonly expectedFen: number; readonly paidFen: number }
  /** A second, different payment for an already paid order: a double payment to refund, never an overwrite. */
  | { readonly kind: 'ConflictingPayment'; readonly recordedTransactionId: string; readonly incomingTransactionId: string };

/** Only an order with no cash part settles (or is refunded) without WeChat. */
export type CashPartRequired = { readonly kind: 'CashPaymentRequired'; readonly cashFen: number };

/**
 * Why an order cannot fail (Order.markFailed): a paid order cannot (WeChat said it was paid, and that stands), and
 * WeChat's ORDERNOTEXIST cannot fail an order that holds a prepay_id: WeChat created it after giving that answer.
 */
export type FailureRejection = { readonly kind: 'AlreadyPaid'; readonly status: OrderStatus } | { readonly kind: 'CreatedAtWechat' };

/** Only an open order can take a prepay_id (Order.attachPrepay). */
export type PrepayRejection = { readonly kind: 'NotPayable'; readonly status: OrderStatus };

/** Why a refund cannot be requested (Order.requestRefund). */
export type RefundRejection = RefundRequestRefusal;

/** Why WeChat's word about a refund cannot be applied (Order.applyRefundReport). */
export type RefundReportError = RefundReportRejection;

/** Why a coins-only order cannot be refunded without WeChat (Order.refundWithoutCash). */
export type CashlessRefundRejection = CashPartRequired | { readonly kind: 'NotRefundable'; readonly status: OrderStatus };
