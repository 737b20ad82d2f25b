import type { SignType, WechatFields } from './codec/index.js';

/** What the simulator remembers, record by record (SimulatorState holds them, snapshot.ts turns them into JSON). */

export type TradeState = 'NOTPAY' | 'USERPAYING' | 'SUCCESS' | 'REFUND' | 'CLOSED' | 'PAYERROR' | 'REVOKED';
/** What WeChat reports a refund as: accepted, paid back, closed for good (REFUNDCLOSE), or stuck at the bank (CHANGE). */
export type SimRefundStatus = 'PROCESSING' | 'SUCCESS' | 'REFUNDCLOSE' | 'CHANGE';

export interface SimRefund {
  readonly api: 'v2' | 'v3'; // the API the refund was requested over: its notify speaks the same dialect
  readonly outRefundNo: string;
  readonly refundId: string;
  readonly refundFee: number;
  readonly notifyUrl: string | undefined;
  readonly createdAt: Date;
  status: SimRefundStatus;
  successAt?: Date;
}

/**
 * Whose order it is: a merchant's mch_id, and in partner mode (服务商) the provider's mch_id plus the sub-merchant's.
 * out_trade_no is unique per scope (WeChat's rule), so the same number at two merchants is two orders. Absent: the
 * simulator's own merchant (the single-merchant options), whose orders are kept exactly as before scopes existed.
 */
export interface OrderScope {
  readonly mchId: string;
  readonly subMchId?: string;
}

export interface SimOrder {
  readonly outTradeNo: string;
  readonly scope?: OrderScope;
  /** The business parameters of the first unifiedorder (nonce, sign and sign_type excluded): re-entry must match. */
  readonly params: WechatFields;
  /** Notifies are signed with the algorithm the order was created with; RSA marks an API v3 order (JSON notifies). */
  readonly signType: SignType | 'RSA';
  readonly createdAt: Date;
  readonly totalFee: number;
  readonly openid: string;
  readonly notifyUrl: string;
  readonly prepays: { readonly id: string; readonly expiresAt: Date }[];
  readonly refunds: SimRefund[];
  state: TradeState;
  transactionId?: string;
  paidAt?: Date;
  /** The part of total_fee a coupon paid (cash_fee = total_fee − coupon_fee); 0 without one. */
  couponFee: number;
}

/** How WeChat refuses a login for a user rather than a code: risk control (40226), or too many logins (45011). */
export type LoginRefusal = 'blocked' | 'rateLimited';

export const LOGIN_CODE_TTL_MS = 5 * 60 * 1000;

/** A wx.login code: single-use, valid 5 minutes, optionally refused as for a blocked or rate-limited user. */
export interface SimLoginCode {
  readonly openid: string;
  readonly issuedAt: Date;
  used: boolean;
  readonly refusal?: LoginRefusal;
}
