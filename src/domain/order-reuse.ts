import { beijingDayNumber } from './beijing-time.js';
import type { Order, Prepay } from './order.js';
import { samePrice, type Price } from './paid-type.js';

/** The seed's window: an open order is reused for at most 7 calendar days (Beijing dates). */
export const REUSE_WINDOW_DAYS = 7;

/** WeChat keeps a prepay_id payable for 2 hours. */
export const PREPAY_LIFETIME_MS = 2 * 60 * 60 * 1000;

/**
 * A prepay_id is handed out again only with this much life left, so the user cannot be sent into the cashier with
 * one that expires while they pay.
 */
export const PREPAY_REUSE_MARGIN_MS = 5 * 60 * 1000;

export function calendarDaysBetween(earlier: Date, later: Date): number {
  return beijingDayNumber(later) - beijingDayNumber(earlier);
}

/**
 * The seed's reuse rule, made safe: still open, created at most 7 Beijing calendar days ago, and the price it was
 * created at still equals the current price (a changed price needs a new order, since WeChat refuses changed
 * parameters for the same out_trade_no).
 */
export function isReusable(order: Order, currentPrice: Price, now: Date): boolean {
  const days = calendarDaysBetween(order.state.createdAt, now);
  return order.status === 'CHECKED' && days >= 0 && days <= REUSE_WINDOW_DAYS && samePrice(order.price, currentPrice);
}

export function isPrepayUsable(prepay: Prepay | undefined, now: Date): prepay is Prepay {
  return prepay !== undefined && prepay.expiresAt.getTime() - now.getTime() > PREPAY_REUSE_MARGIN_MS;
}
