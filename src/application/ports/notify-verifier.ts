import type { Money } from '../../domain/money.js';
import type { ReportedStatus } from '../../domain/refund.js';
import type { Result } from '../../domain/result.js';

/** A callback exactly as it reached us: the verifier needs the raw bytes (and, for v3, the headers). */
export interface InboundCallback {
  readonly body: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** A payment notice whose signature the gateway adapter has verified. Protocol-neutral. */
export interface PaymentNotice {
  /** The mini-program the payer paid in (partner mode: the sub_appid). */
  readonly appId: string;
  /** The merchant number (partner mode: the provider's sp_mchid). */
  readonly mchId: string;
  /** Partner mode only: the sub-merchant the payment was made to. */
  readonly subMchId?: string;
  readonly outTradeNo: string;
  readonly transactionId: string;
  readonly totalFee: Money;
  /** result_code: false for a notice that reports a failed payment. */
  readonly succeeded: boolean;
  /** How the notice was signed (opaque, as Prepay.signType is): it must be how the order's prepay was signed. */
  readonly signedWith?: string;
}

/** A refund notice the adapter has authenticated (decrypted with our key). Protocol-neutral. */
export interface RefundNotice {
  readonly appId: string;
  readonly mchId: string;
  /** Partner mode only: the sub-merchant, as for PaymentNotice. */
  readonly subMchId?: string;
  readonly outTradeNo: string;
  readonly transactionId: string;
  readonly outRefundNo: string;
  readonly refundId: string;
  readonly status: Exclude<ReportedStatus, 'PROCESSING'>;
  readonly refundFee: Money;
  readonly totalFee: Money;
  readonly at?: Date;
}

/** Why a callback was not accepted as WeChat's: for the security log, never for the caller. */
export interface CallbackRejection {
  readonly reason: string;
  /** Safe to log: never echoes the body. */
  readonly detail: string;
}

/**
 * Authenticates WeChat's callbacks before anything in them is believed: signature (or decryption), merchant, then
 * strict fields. Each gateway adapter supplies its own; the HTTP routes use whichever is configured.
 */
export interface NotifyVerifier {
  payment(callback: InboundCallback): Promise<Result<PaymentNotice, CallbackRejection>>;
  refund(callback: InboundCallback): Promise<Result<RefundNotice, CallbackRejection>>;
}
