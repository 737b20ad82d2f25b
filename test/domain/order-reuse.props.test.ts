import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Money } from '../../src/domain/money.js';
import { isReusable, payableUntil, reuseWindowFor } from '../../src/domain/order-reuse.js';
import { PAID_TYPES, priceFor } from '../../src/domain/paid-type.js';
import { isPrepayAlive, isPrepayUsable, PAYMENT_WINDOW_MS, PREPAY_LIFETIME_MS, prepayFor, renewedPrepay } from '../../src/domain/prepay.js';
import { aGoods, anOrder } from '../support/builders.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const goods = aGoods();
const uid = 7;

/** Beijing midnight of 2026-01-15 is 16:00 UTC the day before. */
const beijingMidnight = Date.UTC(2026, 0, 14, 16, 0, 0);
const secondsOfDay = fc.integer({ min: 0, max: DAY / 1000 - 1 }).map((s) => s * 1000);
/** An open order of `goods` for `uid`, at the goods' current price for its paid type, created at `createdAt`. */
const orderAt = (createdAt: Date, paidType: (typeof PAID_TYPES)[number] = 'WXPAY') => {
  const price = priceFor(goods, paidType);
  return anOrder({ uid, goodsId: goods.id, paidType, cash: price.cash, integral: price.integral, createdAt });
};

describe('order reuse: one policy for the reuse decision and the deadline WeChat is given', () => {
  test.prop([secondsOfDay, fc.integer({ min: 0, max: 9 * DAY }), fc.constantFrom(...PAID_TYPES)])(
    'reuses an order exactly while a whole payment window is left before its deadline, which is the window after creation',
    (createdOffset, elapsed, paidType) => {
      const createdAt = new Date(beijingMidnight + createdOffset);
      const order = orderAt(createdAt, paidType);
      const now = new Date(createdAt.getTime() + elapsed);
      const deadline = payableUntil(order, goods);
      expect(deadline.getTime() - createdAt.getTime()).toBe(reuseWindowFor(goods, uid).payableForMs);
      expect(isReusable(order, { goods, uid, now })).toBe(now.getTime() + PAYMENT_WINDOW_MS <= deadline.getTime());
    },
  );

  test.prop([fc.integer({ min: 0, max: 7 * DAY - PAYMENT_WINDOW_MS }), fc.integer({ min: 0, max: 999 })])(
    'gives WeChat the same deadline for every re-sent unifiedorder: the creation time in whole seconds plus 7 days',
    (elapsed, ms) => {
      const createdAt = new Date(beijingMidnight + 12_345_000);
      // An order as opened (milliseconds) and as read back (the seed stores whole seconds) ask for the same deadline.
      expect(payableUntil(orderAt(new Date(createdAt.getTime() + ms)), goods)).toEqual(payableUntil(orderAt(createdAt), goods));
      expect(payableUntil(orderAt(createdAt), goods).getTime()).toBe(createdAt.getTime() + 7 * DAY);
      expect(isReusable(orderAt(createdAt), { goods, uid, now: new Date(createdAt.getTime() + elapsed) })).toBe(true);
    },
  );

  it('never outlasts the seed rule of 7 Beijing calendar days, even for an order placed a second before midnight', () => {
    const lateNight = new Date(beijingMidnight - 1000); // 23:59:59 on the 14th, Beijing
    const order = orderAt(lateNight);
    expect(isReusable(order, { goods, uid, now: new Date(lateNight.getTime() + 7 * DAY - PAYMENT_WINDOW_MS) })).toBe(true);
    expect(isReusable(order, { goods, uid, now: new Date(lateNight.getTime() + 7 * DAY - PAYMENT_WINDOW_MS + 1000) })).toBe(false);
  });

  test.prop([fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 1000 })])(
    'never reuses an order whose price differs from what the goods cost now',
    (marketYuan, saleYuan, integral) => {
      const now = new Date(beijingMidnight + HOUR);
      const changed = aGoods({ marketPrice: Money.ofFen(marketYuan * 100), salePrice: Money.ofFen(saleYuan * 100), integral });
      for (const paidType of PAID_TYPES) {
        const order = orderAt(new Date(beijingMidnight), paidType);
        const same = priceFor(changed, paidType);
        const unchanged = same.cash.equals(order.state.cash) && same.integral === order.state.integral;
        expect(isReusable(order, { goods: changed, uid, now })).toBe(unchanged);
      }
    },
  );

  it.each(['SUCC', 'FAILED', 'REFUND'] as const)('never reuses a %s order', (status) => {
    const order = anOrder({ status, uid, goodsId: goods.id, createdAt: new Date(beijingMidnight) });
    expect(isReusable(order, { goods, uid, now: new Date(beijingMidnight + HOUR) })).toBe(false);
  });

  it("never reuses another user's order, or one of other goods", () => {
    const order = orderAt(new Date(beijingMidnight));
    const now = new Date(beijingMidnight + HOUR);
    expect(isReusable(order, { goods, uid, now })).toBe(true);
    expect(isReusable(order, { goods, uid: uid + 1, now })).toBe(false);
    expect(isReusable(order, { goods: { ...goods, id: goods.id + 1 }, uid, now })).toBe(false);
  });

  it('does not reuse an order from a later Beijing day (clock skew), but tolerates skew within the day', () => {
    const now = new Date(beijingMidnight + HOUR);
    expect(isReusable(orderAt(new Date(beijingMidnight + 2 * DAY)), { goods, uid, now })).toBe(false);
    expect(isReusable(orderAt(new Date(beijingMidnight + HOUR + 2000)), { goods, uid, now })).toBe(true);
  });
});

describe('prepay_id reuse', () => {
  const issuedAt = new Date(beijingMidnight);
  const prepay = { prepayId: 'wx1', issuedAt, expiresAt: new Date(issuedAt.getTime() + PREPAY_LIFETIME_MS), signType: 'MD5' };

  test.prop([fc.integer({ min: 0, max: PREPAY_LIFETIME_MS + HOUR })])(
    'is handed out again only while a whole payment window of its 2 hours is left',
    (elapsed) => {
      const now = new Date(issuedAt.getTime() + elapsed);
      expect(isPrepayUsable(prepay, now)).toBe(PREPAY_LIFETIME_MS - elapsed >= PAYMENT_WINDOW_MS);
      expect(isPrepayAlive(prepay, now)).toBe(elapsed < PREPAY_LIFETIME_MS);
    },
  );

  test.prop([fc.integer({ min: 0, max: PREPAY_LIFETIME_MS })])(
    'keeps the life of its first issue when WeChat answers a new unifiedorder with the same id',
    (elapsed) => {
      const again = prepayFor('wx1', new Date(issuedAt.getTime() + elapsed), 'MD5');
      expect(renewedPrepay(prepay, again)).toBe(prepay);
      const fresh = prepayFor('wx2', new Date(issuedAt.getTime() + elapsed), 'MD5');
      expect(renewedPrepay(prepay, fresh)).toBe(fresh);
    },
  );

  it('has nothing to reuse without a prepay', () => {
    expect(isPrepayUsable(undefined, issuedAt)).toBe(false);
  });
});
