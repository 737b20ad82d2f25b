import { describe, expect, it } from 'vitest';
import { Money } from '../../src/domain/money.js';
import { isPaidType, priceFor } from '../../src/domain/paid-type.js';
import { aGoods } from '../support/builders.js';

describe('pricing by paid type (seed rule)', () => {
  const goods = aGoods({ marketPrice: Money.ofFen(9900), salePrice: Money.ofFen(6900), integral: 30 });

  it('WXPAY pays the market price in cash and no coins', () => {
    const price = priceFor(goods, 'WXPAY');
    expect(price.cash.fen).toBe(9900);
    expect(price.integral).toBe(0);
  });

  it.each(['INTEGRAL', 'MIXED'] as const)('%s pays the sale price in cash plus the coins', (paidType) => {
    const price = priceFor(goods, paidType);
    expect(price.cash.fen).toBe(6900);
    expect(price.integral).toBe(30);
  });

  it('knows exactly the three paid types', () => {
    expect(['WXPAY', 'INTEGRAL', 'MIXED'].every(isPaidType)).toBe(true);
    expect(['wxpay', 'CASH', '', undefined, 1].some(isPaidType)).toBe(false);
  });
});
