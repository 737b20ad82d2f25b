import type { MerchantId } from '../../domain/merchant.js';

/** Which WeChat callback a notice arrived on. */
export type NotifyKind = 'pay' | 'refund';

/** What we answered WeChat: SUCCESS stops its retries, FAIL asks it to try again. */
export type NotifyAnswer = 'SUCCESS' | 'FAIL';

export interface NotifyLogEntry {
  readonly receivedAt: Date;
  readonly kind: NotifyKind;
  /** The order the notice names, exactly as sent; undefined when the body could not be parsed that far. */
  readonly outTradeNo?: string;
  /** The body as received (the HTTP adapter already capped its size), kept for audits and disputes. */
  readonly rawBody: string;
  readonly verdict: NotifyAnswer;
  /** Why: the use case's result or refusal code ('recorded', 'AmountMismatch', 'BadSignature', ...). */
  readonly detail: string;
}

/**
 * Append-only record of every authenticated notice received (signature verified, or refund notice decrypted) and how
 * it was answered, duplicates and refused ones included. Bodies that fail authentication go to the security log only,
 * so that nobody can fill the database by posting garbage. Never updated or
 * deleted by the service; a failed append must not change the answer already decided.
 */
export interface NotifyLog {
  append(entry: NotifyLogEntry): Promise<void>;
}

export interface NotifyVerdictCount {
  readonly kind: NotifyKind;
  readonly verdict: NotifyAnswer;
  readonly detail: string;
  readonly count: number;
}

/** Reading the notify log back: an order's notices for its history, and verdict counts for the dashboard. */
export interface NotifyHistory {
  /** The notices received for one order (exact number), oldest first. */
  forOrder(outTradeNo: string, limit?: number): Promise<NotifyLogEntry[]>;
  /**
   * Notices received at or after `since`, counted by kind, verdict and detail, most frequent first. `merchantIds`: only
   * notices naming an order of these merchants (a notice naming none of ours is the platform's); absent: all of them.
   */
  verdictsSince(since: Date, merchantIds?: readonly MerchantId[]): Promise<NotifyVerdictCount[]>;
}
