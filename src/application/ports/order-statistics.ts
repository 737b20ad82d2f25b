import type { MerchantId } from '../../domain/merchant.js';

/** Paid orders of one Beijing calendar day (see domain/beijing-time beijingDayNumber). */
export interface DailyPaid {
  readonly day: number;
  readonly count: number;
  /** Sum of the orders' cash price (paid_money), fen. */
  readonly cashFen: number;
}

export interface RefundTotals {
  readonly count: number;
  readonly fen: number;
}

/**
 * Read-only aggregates for the operators' dashboard. `merchantIds`: only the orders (and their refunds) of these
 * merchants, an empty list counting nothing; absent: every merchant's.
 */
export interface OrderStatistics {
  /** Orders paid (SUCC, or REFUND since) with a paid time in [from, before), grouped by Beijing day, days with none left out. */
  paidByDay(from: Date, before: Date, merchantIds?: readonly MerchantId[]): Promise<DailyPaid[]>;
  /** Refunds WeChat confirmed (SUCCESS) with a settle time in [from, before). */
  refundsSettled(from: Date, before: Date, merchantIds?: readonly MerchantId[]): Promise<RefundTotals>;
  /** Orders still CHECKED. */
  countAwaitingPayment(merchantIds?: readonly MerchantId[]): Promise<number>;
  countNeedingReview(merchantIds?: readonly MerchantId[]): Promise<number>;
}
