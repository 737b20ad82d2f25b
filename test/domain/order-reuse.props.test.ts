import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Money } from '../../src/domain/money.js';
import { calendarDaysBetween, isReusable, PAYABLE_FOR_MS, payableUntil } from '../../src/domain/order-reuse.js';
import { isPrepayAlive, isPrepayUsable, PAYMENT_WINDOW_MS, PREPAY_LIFETIME_MS, prepayFor, renewedPrepay } from '../../src/domain/prepay.js';
import { anOrder } from '../support/builders.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const price = { cash: Money.ofFen(9900), integral: 0 };

/** Beijing midnight of 2026-01-15 is 16:00 UTC the day before. */
const beijingMidnight = Date.UTC(2026, 0, 14, 16, 0, 0);
const secondsOfDay = fc.integer({ min: 0, max: DAY / 1000 - 1 }).map((s) => s * 1000);

describe('order reuse (seed rule: 7 Beijing calendar days)', () => {
  test.prop([secondsOfDay, secondsOfDay])(
    'reuses an order for 7 Beijing calendar days while WeChat would still take its payment, never after 8',
    (createdOffset, nowOffset) => {
      const createdAt = new Date(beijingMidnight + createdOffset);
      const order = anOrder({ cash: price.cash, createdAt });
      // Within the calendar days, WeChat's own 7-day limit (time_expire) ends it a payment window before it runs out.
      for (const day of [0, 3, 6, 7]) {
        const now = new Date(beijingMidnight + day * DAY + nowOffset);
        const payable = now.getTime() + PAYMENT_WINDOW_MS <= payableUntil(createdAt).getTime();
        expect(isReusable(order, price, now)).toBe(payable);
      }
      expect(isReusable(order, price, new Date(beijingMidnight + 8 * DAY + nowOffset))).toBe(false);
    },
  );

  it('gives WeChat a deadline 7 days after creation, the same for every re-sent unifiedorder', () => {
    const createdAt = new Date(beijingMidnight + 12_345_000);
    expect(payableUntil(createdAt).getTime() - createdAt.getTime()).toBe(PAYABLE_FOR_MS);
    // An order as opened (milliseconds) and as read back (the seed stores whole seconds) ask WeChat for the same deadline.
    expect(payableUntil(new Date(createdAt.getTime() + 999))).toEqual(payableUntil(createdAt));
    expect(PAYABLE_FOR_MS).toBe(7 * DAY);
  });

  it('counts calendar days across Beijing midnight, not 24-hour periods', () => {
    const lateNight = new Date(beijingMidnight - 1000); // 23:59:59 on the 14th, Beijing
    const justAfter = new Date(beijingMidnight + 7 * DAY + 1000); // 00:00:01 seven days later
    expect(calendarDaysBetween(lateNight, justAfter)).toBe(8);
    expect(isReusable(anOrder({ createdAt: lateNight }), price, justAfter)).toBe(false);
    // Only two seconds apart in time, yet one calendar day apart.
    expect(calendarDaysBetween(lateNight, new Date(beijingMidnight + 1000))).toBe(1);
  });

  test.prop([fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 1000 })])(
    'never reuses an order whose price differs from the current one',
    (fen, integral) => {
      fc.pre(fen !== 9900 || integral !== 0);
      const order = anOrder({ cash: Money.ofFen(9900), integral: 0, createdAt: new Date(beijingMidnight) });
      expect(isReusable(order, { cash: Money.ofFen(fen), integral }, new Date(beijingMidnight + HOUR))).toBe(false);
    },
  );

  it.each(['SUCC', 'FAILED', 'REFUND'] as const)('never reuses a %s order', (status) => {
    const order = anOrder({ status, createdAt: new Date(beijingMidnight) });
    expect(isReusable(order, price, new Date(beijingMidnight + HOUR))).toBe(false);
  });

  it('does not reuse an order from the future (clock skew)', () => {
    const order = anOrder({ createdAt: new Date(beijingMidnight + 2 * DAY) });
    expect(isReusable(order, price, new Date(beijingMidnight))).toBe(false);
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
