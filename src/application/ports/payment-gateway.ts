import type { Money } from '../../domain/money.js';
import type { FailureReason } from '../../domain/order-status.js';
import type { Prepay } from '../../domain/prepay.js';
import type { RefundReport } from '../../domain/refund.js';

/**
 * A prepay for one payer in one mini-program. `appId` is the mini-program the payer pays in (in partner mode the
 * sub_appid; absent: the merchant's default one), and `openid` the payer's openid under it (in partner mode WeChat's
 * sub_openid); a merchant's gateway refuses (RangeError) an appid it was not configured to take payments for.
 */
export interface PrepayRequest {
  readonly outTradeNo: string;
  /** Shown to the payer ("商家名称-商品类目"). */
  readonly description: string;
  readonly amount: Money;
  readonly openid: string;
  /** the mini-program the payer pays in; absent: the merchant's configured appid */
  readonly appId?: string;
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

/** One refund in the provider's refund bill (WeChat: the trade bill of bill_type REFUND). */
export interface BilledRefund {
  readonly outTradeNo: string;
  readonly transactionId: string;
  readonly outRefundNo: string;
  readonly refundId: string;
  /** The cash refunded (退款金额). */
  readonly amount: Money;
  /** The refund's state as billed (WeChat: SUCCESS, PROCESSING, FAIL, CHANGE). */
  readonly status: string;
}

/** A day's refund bill: its refunds, and where its own summary disagrees with them. */
export interface RefundBillDay {
  readonly refunds: readonly BilledRefund[];
  readonly discrepancies: readonly string[];
}

/**
 * What a line of the fund-flow bill moved, as reconciliation matches it: a payment's money in, a refund's money out,
 * the provider's service fee on a payment (or its return on a refund), a payout to the merchant's bank, or anything
 * else (which a person must explain).
 */
export type FundFlowKind = 'payment' | 'refund' | 'fee' | 'feeReturn' | 'payout' | 'other';

/** One line of the merchant account's fund-flow bill (WeChat: 资金账单, basic account). */
export interface FundFlowLine {
  /** The provider's number for the movement (资金流水单号): unique per line. */
  readonly flowId: string;
  readonly kind: FundFlowKind;
  /** Money into the account (true) or out of it. */
  readonly income: boolean;
  readonly amount: Money;
  /** The provider's business number (微信支付业务单号): a transaction_id for payments and fees, a refund_id for refunds. */
  readonly businessNo: string;
  /** The merchant's number for it where the bill gives one (业务凭证号): out_trade_no or out_refund_no. */
  readonly voucherNo: string;
  /** As printed (记账时间, Beijing time), for people. */
  readonly bookedAt: string;
  /** The provider's own words for the line (业务名称/业务类型, 备注), for people. */
  readonly description: string;
}

/** A day's fund-flow bill: its lines, and where its own summary disagrees with them. */
export interface FundFlowDay {
  readonly lines: readonly FundFlowLine[];
  readonly discrepancies: readonly string[];
}

/**
 * WeChat Pay, as the use cases need it (the mini-program login is its own port, MiniProgramLogin). Every answer the adapter returns has had its
 * signature verified. Business refusals are returned; transport failures, timeouts and unverifiable answers are
 * thrown as GatewayUnavailableError after the adapter's own bounded retries.
 */
export interface PaymentGateway {
  createPrepay(request: PrepayRequest): Promise<PrepayOutcome>;
  /**
   * How the payer's client pays this prepay, signed as the prepay was made. `appId`: the mini-program the prepay was
   * made for (PrepayRequest.appId; the paySign is over it); absent: the merchant's default mini-program.
   */
  clientPayment(prepay: Prepay, appId?: string): ClientPayment;
  queryOrder(outTradeNo: string): Promise<TradeQuery>;
  closeOrder(outTradeNo: string): Promise<CloseOutcome>;
  refund(submission: RefundSubmission): Promise<RefundSubmitOutcome>;
  queryRefund(outRefundNo: string): Promise<RefundQuery>;
  /**
   * The payments of one Beijing day (`yyyyMMdd`) from WeChat's trade bill, available from 10:00 the next morning;
   * undefined while the bill does not exist yet.
   */
  billedPayments(billDate: string): Promise<BilledDay | undefined>;
  /** The refunds of one Beijing day (by the day they were made), on the same schedule as billedPayments. */
  refundBill(billDate: string): Promise<RefundBillDay | undefined>;
  /** Every movement of the merchant's (basic) account on one Beijing day, on the same schedule as billedPayments. */
  fundFlowBill(billDate: string): Promise<FundFlowDay | undefined>;
}

/** WeChat could not be reached or gave no trustworthy answer: nothing is known, so nothing may change. */
export class GatewayUnavailableError extends Error {
  override readonly name: string = 'GatewayUnavailableError';
}
