import { beijingDayNumber } from './beijing-time.js';
import type { Order } from './order.js';
import type { Goods } from './goods.js';
import { priceFor, samePrice } from './paid-type.js';
import { PAYMENT_WINDOW_MS } from './prepay.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the reuse rule decides on: the goods asked for (their price now), the user asking, and when. */
export interface ReuseQuestion {
  readonly goods: Goods;
  readonly uid: number;
  readonly now: Date;
}

/** How long an order stays open: payable at WeChat, and so reusable, for this long after it was created. */
export interface ReuseWindow {
  readonly payableForMs: number;
}

/**
 * The one place the window is chosen, from the goods and the user (a different window for some goods is a change
 * here and nowhere else). The seed reused an order for 7 Beijing calendar days; WeChat stops taking an unpaid order's
 * payment 7 days after it was placed (protocol digest §3.4), which always ends first, so that deadline is the window.
 * WeChat caps time_expire at those 7 days too: a window may be shorter, never longer.
 */
export function reuseWindowFor(_goods: Goods, _uid: number): ReuseWindow {
  return { payableForMs: 7 * DAY_MS };
}

/**
 * When WeChat stops taking the order's payment: sent as unifiedorder's time_expire. Derived from the creation time in
 * whole seconds (as the seed stores it), so every re-sent request for the order asks for the same instant.
 */
export function payableUntil(order: Order, goods: Goods): Date {
  const created = Math.floor(order.state.createdAt.getTime() / 1000) * 1000;
  return new Date(created + reuseWindowFor(goods, order.state.uid).payableForMs);
}

/**
 * The seed's reuse rule, made safe: the key's order is reused while it is still open, was not created on a later
 * Beijing day than today (clock skew between instances within a day is harmless), leaves the user a whole payment window before WeChat stops taking its payment, and was created at
 * the goods' current price (a changed price needs a new order: WeChat refuses changed parameters for the same
 * out_trade_no).
 */
export function isReusable(order: Order, question: ReuseQuestion): boolean {
  const { goods, uid, now } = question;
  if (order.status !== 'CHECKED' || order.state.uid !== uid || order.state.goodsId !== goods.id) return false;
  if (beijingDayNumber(order.state.createdAt) > beijingDayNumber(now)) return false;
  if (payableUntil(order, goods).getTime() - now.getTime() < PAYMENT_WINDOW_MS) return false;
  return samePrice(order.price, priceFor(goods, order.state.paidType));
}
