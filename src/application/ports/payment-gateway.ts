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

/**
 * Why WeChat refused a request, as the merchant must act on it: `configuration` — our credentials or account are
 * wrong (signature, appid/mch_id, permissions): an operator must fix the setup; `request` — WeChat refused what this
 * request asked (a parameter, the user's openid, the merchant's balance); `rateLimited` — too many requests: retry later.
 */
export type RefusalCategory = 'configuration' | 'request' | 'rateLimited';

export interface GatewayRefusal {
  readonly kind: 'rejected';
  /** WeChat's error code (err_code, or FAIL for a return_code FAIL), and its message, for logs and operators. */
  readonly code: string;
  readonly message: string;
  readonly category: RefusalCategory;
}

export type PrepayOutcome =
  | { readonly kind: 'created'; readonly prepay: Prepay }
  /** ORDERPAID: the number is already paid; confirm with queryOrder. */
  | { readonly kind: 'alreadyPaid' }
  /** ORDERCLOSED: the number can never be paid again. */
  | { readonly kind: 'closed' }
  /** INVALID_REQUEST "201 商户订单号重复": the number was used with other parameters. */
  | { readonly kind: 'parametersChanged' }
  /** Any other refusal (NOAUTH, PARAM_ERROR, ...): not retryable as it stands. */
  | GatewayRefusal;

/**
 * What the payer's client needs to pay a prepay, as the provider shapes it: opaque to the use cases, which hand it to
 * the adapter that speaks to that client (for WeChat Pay, `wechatpay`: wx.requestPayment's signed parameters).
 */
export interface ClientPayment {
  /** Which client API takes `params`. */
  readonly provider: string;
  readonly params: Readonly<Record<string, string>>;
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
  | GatewayRefusal;

/** refundquery for one out_refund_no, as WeChat reported it. */
export type RefundQuery = { readonly kind: 'found'; readonly report: RefundReport } | { readonly kind: 'notFound' };

/** One payment in WeChat's trade bill (对账单). */
export interface BilledPayment {
  readonly outTradeNo: string;
  readonly transactionId: string;
  readonly totalFee: Money;
}

/** A day's trade bill: its payments, and where its own summary disagrees with them (empty for a sound bill). */
export interface BilledDay {
  readonly payments: readonly BilledPayment[];
  readonly discrepancies: readonly string[];
}

/**
 * WeChat Pay, as the use cases need it (the mini-program login is its own port, MiniProgramLogin). Every answer the adapter returns has had its
 * signature verified. Business refusals are returned; transport failures, timeouts and unverifiable answers are
 * thrown as GatewayUnavailableError after the adapter's own bounded retries.
 */
export interface PaymentGateway {
  createPrepay(request: PrepayRequest): Promise<PrepayOutcome>;
  /** How the payer's client pays this prepay, signed as the prepay was made. */
  clientPayment(prepay: Prepay): ClientPayment;
  queryOrder(outTradeNo: string): Promise<TradeQuery>;
  closeOrder(outTradeNo: string): Promise<CloseOutcome>;
  refund(submission: RefundSubmission): Promise<RefundSubmitOutcome>;
  queryRefund(outRefundNo: string): Promise<RefundQuery>;
  /**
   * The payments of one Beijing day (`yyyyMMdd`) from WeChat's trade bill, available from 10:00 the next morning;
   * undefined while the bill does not exist yet.
   */
  billedPayments(billDate: string): Promise<BilledDay | undefined>;
}

/** WeChat could not be reached or gave no trustworthy answer: nothing is known, so nothing may change. */
export class GatewayUnavailableError extends Error {
  override readonly name: string = 'GatewayUnavailableError';
}
