import { beijingDayNumber } from './beijing-time.js';
import type { Order } from './order.js';
import { samePrice, type Price } from './paid-type.js';
import { PAYMENT_WINDOW_MS } from './prepay.js';

/** The seed's window: an open order is reused for at most 7 calendar days (Beijing dates). */
export const REUSE_WINDOW_DAYS = 7;

/**
 * WeChat stops an unpaid order from being paid 7 days after it was placed (protocol digest §3.4); unifiedorder is
 * sent with this as time_expire, derived from the creation time alone so that a re-sent request stays identical.
 */
export const PAYABLE_FOR_MS = 7 * 24 * 60 * 60 * 1000;

/** Whole seconds, as time_expire and the stored creation time have them: the same order always gives the same instant. */
export const payableUntil = (createdAt: Date): Date => new Date(Math.floor(createdAt.getTime() / 1000) * 1000 + PAYABLE_FOR_MS);

export function calendarDaysBetween(earlier: Date, later: Date): number {
  return beijingDayNumber(later) - beijingDayNumber(earlier);
}

/**
 * The seed's reuse rule, made safe: still open, created at most 7 Beijing calendar days ago, still payable at WeChat
 * for a whole payment window, and the price it was created at still equals the current price (a changed price needs
 * a new order, since WeChat refuses changed parameters for the same out_trade_no).
 */
export function isReusable(order: Order, currentPrice: Price, now: Date): boolean {
  const days = calendarDaysBetween(order.state.createdAt, now);
  const payable = payableUntil(order.state.createdAt).getTime() - now.getTime() >= PAYMENT_WINDOW_MS;
  return order.status === 'CHECKED' && days >= 0 && days <= REUSE_WINDOW_DAYS && payable && samePrice(order.price, currentPrice);
}
