/**
 * What a purchase costs, for display. The server decides the real price; this mirrors its rule (README "Pricing")
 * so the buttons can say it before anyone taps.
 */

import type { GoodsView, PaidType } from './wxpay-client.js';

export interface Price {
  /** Cash, in fen. */
  readonly fen: number;
  /** Health coins. */
  readonly coins: number;
}

/** WXPAY pays the market price in cash; INTEGRAL and MIXED pay the sale price plus the goods' coins. */
export function priceOf(goods: GoodsView, paidType: PaidType): Price {
  return paidType === 'WXPAY' ? { fen: goods.marketPrice, coins: 0 } : { fen: goods.salePrice, coins: goods.integral };
}

/** Integer fen as yuan with two decimals, without floating point: 6900 → "69.00", 5 → "0.05". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** "¥69.00", "¥69.00 + 30 健康币 coins", or "30 健康币 coins" when there is no cash part (paid at once, no cashier). */
export function priceLabel(price: Price): string {
  if (price.coins === 0) return `¥${yuan(price.fen)}`;
  const coins = `${price.coins} 健康币 coin${price.coins === 1 ? '' : 's'}`;
  return price.fen === 0 ? coins : `¥${yuan(price.fen)} + ${coins}`;
}
