import type { Money } from '../../domain/money.js';
import type { FailureReason } from '../../domain/order-status.js';
import type { Prepay } from '../../domain/prepay.js';
import type { RefundReport } from '../../domain/refund.js';

export interface PrepayRequest {
  readonly outTradeNo: string;
  /** Shown to the payer ("商家名称-商品类目"). */
  readonly description: string;
  readonly amount: Money;
  readonly openid: string;
  readonly clientIp: string;
  /** WeChat refuses payment after this (time_expire); fixed per order so a re-sent request stays identical. */
  readonly payableUntil: Date;
}

export type PrepayOutcome =
  | { readonly kind: 'created'; readonly prepay: Prepay }
  /** ORDERPAID: the number is already paid; confirm with queryOrder. */
  | { readonly kind: 'alreadyPaid' }
  /** ORDERCLOSED: the number can never be paid again. */
  | { readonly kind: 'closed' }
  /** INVALID_REQUEST "201 商户订单号重复": the number was used with other parameters. */
  | { readonly kind: 'parametersChanged' }
  /** Any other business refusal (NOAUTH, PARAM_ERROR, ...): a configuration or data problem, not retryable. */
  | { readonly kind: 'rejected'; readonly code: string; readonly message: string };

/** What `wx.requestPayment` needs, signed with the same sign type as the prepay. */
export interface ClientPaymentParams {
  readonly appId: string;
  readonly timeStamp: string;
  readonly nonceStr: string;
  readonly package: string;
  readonly signType: string;
  readonly paySign: string;
}

/** orderquery, reduced to what the use cases decide on. */
export type TradeQuery =
  | {
      readonly kind: 'paid';
      readonly transactionId: string;
      /** total_fee: the order amount. */
      readonly amount: Money;
      readonly paidAt: Date;
      /** cash_fee: what the user paid in cash (less than amount when a coupon paid part). */
      readonly cashPaid?: Money;
    }
  /** NOTPAY, USERPAYING, ACCEPT: not (yet) paid; ask again later. */
  | { readonly kind: 'notPaid'; readonly state: string }
  | { readonly kind: 'failed'; readonly reason: Exclude<FailureReason, 'ORDERNOTEXIST'> }
  /** ORDERNOTEXIST: WeChat never created the order (no unifiedorder of it succeeded). */
  | { readonly kind: 'notFound' };

export type CloseOutcome = 'closed' | 'alreadyPaid' | 'alreadyClosed';

export interface RefundSubmission {
  readonly outTradeNo: string;
  /** The same number on every retry of one refund: WeChat refunds a number once. */
  readonly outRefundNo: string;
  /** The order's amount. */
  readonly totalFee: Money;
  readonly refundFee: Money;
  /** refund_desc, shown to the user. */
  readonly reason?: string;
}

export type RefundSubmitOutcome =
  /** Accepted for processing: WeChat's answer, status PROCESSING (or already settled, for a repeated number). */
  | { readonly kind: 'accepted'; readonly report: RefundReport }
  /** WeChat knows no paid order by that number. */
  | { readonly kind: 'notFound' }
  | { readonly kind: 'rejected'; readonly code: string; readonly message: string };

/** refundquery for one out_refund_no, as WeChat reported it. */
export type RefundQuery = { readonly kind: 'found'; readonly report: RefundReport } | { readonly kind: 'notFound' };

/** One payment in WeChat's trade bill (对账单). */
export interface BilledPayment {
  readonly outTradeNo: string;
  readonly transactionId: string;
  readonly totalFee: Money;
}

export interface SessionInfo {
  readonly openid: string;
  readonly unionid?: string;
}

/**
 * WeChat Pay and the mini-program login, as the use cases need them. Every answer the adapter returns has had its
 * signature verified. Business refusals are returned; transport failures, timeouts and unverifiable answers are
 * thrown as GatewayUnavailableError after the adapter's own bounded retries.
 */
export interface PaymentGateway {
  createPrepay(request: PrepayRequest): Promise<PrepayOutcome>;
  clientPaymentParams(prepay: Prepay): ClientPaymentParams;
  queryOrder(outTradeNo: string): Promise<TradeQuery>;
  closeOrder(outTradeNo: string): Promise<CloseOutcome>;
  refund(submission: RefundSubmission): Promise<RefundSubmitOutcome>;
  queryRefund(outRefundNo: string): Promise<RefundQuery>;
  /**
   * The payments of one Beijing day (`yyyyMMdd`) from WeChat's trade bill, available from the next morning;
   * undefined while the bill does not exist yet.
   */
  billedPayments(billDate: string): Promise<BilledPayment[] | undefined>;
  /** undefined when the login code is invalid, used or expired. */
  codeToSession(code: string): Promise<SessionInfo | undefined>;
}

/** WeChat could not be reached or gave no trustworthy answer: nothing is known, so nothing may change. */
export class GatewayUnavailableError extends Error {
  override readonly name = 'GatewayUnavailableError';
}
