import type { Goods } from './goods.js';
import type { Money } from './money.js';

export const PAID_TYPES = ['WXPAY', 'INTEGRAL', 'MIXED'] as const;
export type PaidType = (typeof PAID_TYPES)[number];

export const isPaidType = (value: unknown): value is PaidType =>
  typeof value === 'string' && (PAID_TYPES as readonly string[]).includes(value);

export interface Price {
  readonly cash: Money;
  readonly integral: number;
}

/**
 * The seed's pricing rule: WXPAY pays the market price in cash and no coins; INTEGRAL and MIXED pay the sale price
 * in cash plus the goods' coins.
 */
export function priceFor(goods: Goods, paidType: PaidType): Price {
  return paidType === 'WXPAY' ? { cash: goods.marketPrice, integral: 0 } : { cash: goods.salePrice, integral: goods.integral };
}

export const samePrice = (a: Price, b: Price): boolean => a.cash.equals(b.cash) && a.integral === b.integral;
