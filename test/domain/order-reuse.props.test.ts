import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Money } from '../../src/domain/money.js';
import {
  calendarDaysBetween,
  isPrepayUsable,
  isReusable,
  PREPAY_LIFETIME_MS,
  PREPAY_REUSE_MARGIN_MS,
} from '../../src/domain/order-reuse.js';
import { anOrder } from '../support/builders.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const price = { cash: Money.ofFen(9900), integral: 0 };

/** Beijing midnight of 2026-01-15 is 16:00 UTC the day before. */
const beijingMidnight = Date.UTC(2026, 0, 14, 16, 0, 0);
const secondsOfDay = fc.integer({ min: 0, max: DAY / 1000 - 1 }).map((s) => s * 1000);

describe('order reuse (seed rule: 7 Beijing calendar days)', () => {
  test.prop([secondsOfDay, secondsOfDay])(
    'reuses an order created 7 calendar days ago at any time of day, never one created 8 days ago',
    (createdOffset, nowOffset) => {
      const order = anOrder({ cash: price.cash, createdAt: new Date(beijingMidnight + createdOffset) });
      const sevenDaysLater = new Date(beijingMidnight + 7 * DAY + nowOffset);
      const eightDaysLater = new Date(beijingMidnight + 8 * DAY + nowOffset);
      expect(isReusable(order, price, sevenDaysLater)).toBe(true);
      expect(isReusable(order, price, eightDaysLater)).toBe(false);
    },
  );

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
    'is handed out again only while more than the margin of its 2 hours is left',
    (elapsed) => {
      const usable = isPrepayUsable(prepay, new Date(issuedAt.getTime() + elapsed));
      expect(usable).toBe(PREPAY_LIFETIME_MS - elapsed > PREPAY_REUSE_MARGIN_MS);
    },
  );

  it('has nothing to reuse without a prepay', () => {
    expect(isPrepayUsable(undefined, issuedAt)).toBe(false);
  });
});
