import { describe, expect, it } from 'vitest';
import type { OrderRepository } from '../../src/application/ports/order-repository.js';
import type { OrderStatistics } from '../../src/application/ports/order-statistics.js';
import { beijingDayNumber } from '../../src/domain/beijing-time.js';
import { Money } from '../../src/domain/money.js';
import { anOrder, settle } from '../support/builders.js';

export interface StatisticsFixture {
  readonly orders: OrderRepository;
  readonly stats: OrderStatistics;
}

/**
 * What every OrderStatistics adapter must do. Each test pays its orders on days of its own long ago (1972–1999) and
 * compares counts before and after, so rows other tests left in a shared database do not matter.
 */
export function orderStatisticsContract(name: string, fresh: () => Promise<StatisticsFixture>): void {
  const uid = (): number => 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
  /** A Beijing midnight in 1972–1999 (the seed's int seconds end in 2038, and no real order is that old), as a Date. */
  const someMidnight = (): Date => {
    const day = beijingDayNumber(new Date(Date.UTC(1972, 0, 1))) + Math.floor(Math.random() * 10_000);
    return new Date(day * 86_400_000 - 8 * 3_600_000);
  };

  describe(`OrderStatistics contract: ${name}`, () => {
    it('sums paid orders per Beijing day, refunded ones included, by their paid time', async () => {
      const { orders, stats } = await fresh();
      const midnight = someMidnight();
      const day = beijingDayNumber(midnight);
      const pay = async (fen: number, paidAt: Date, refund = false) => {
        const order = anOrder({ uid: uid(), cash: Money.ofFen(fen) });
        await orders.insert(order);
        settle(order, { transactionId: `T${Math.random()}`.slice(0, 30), paidAt, refunded: refund });
        if (refund) expect(order.status).toBe('REFUND');
        expect(await orders.update(order)).toBe('updated');
      };
      await pay(100, midnight, true); // the first second of the day, refunded since
      await pay(250, new Date(midnight.getTime() + 86_399_000)); // its last second
      await pay(1000, new Date(midnight.getTime() + 86_400_000)); // the next day
      await pay(7, new Date(midnight.getTime() - 1000)); // the day before
      await orders.insert(anOrder({ uid: uid(), createdAt: midnight })); // unpaid

      const end = new Date(midnight.getTime() + 2 * 86_400_000);
      expect(await stats.paidByDay(midnight, end)).toEqual([
        { day, count: 2, cashFen: 350 },
        { day: day + 1, count: 1, cashFen: 1000 },
      ]);
      expect(await stats.paidByDay(new Date(midnight.getTime() + 86_400_000), end)).toEqual([{ day: day + 1, count: 1, cashFen: 1000 }]);
    });

    it('counts refunds WeChat confirmed by their settle time, and open and flagged orders', async () => {
      const { orders, stats } = await fresh();
      const midnight = someMidnight();
      const awaiting = await stats.countAwaitingPayment();
      const review = await stats.countNeedingReview();

      const paidAt = new Date(midnight.getTime() + 3_600_000);
      const order = anOrder({ uid: uid(), cash: Money.ofFen(1900) });
      await orders.insert(order);
      expect(await stats.countAwaitingPayment()).toBe(awaiting + 1);
      order.confirmPaid({ transactionId: 'T-stats', amount: order.state.cash, paidAt });
      order.flagForReview('looks odd', paidAt);
      expect(await orders.update(order)).toBe('updated');
      expect(await stats.countAwaitingPayment()).toBe(awaiting);
      expect(await stats.countNeedingReview()).toBe(review + 1);

      const window = [midnight, new Date(midnight.getTime() + 86_400_000)] as const;
      expect(await stats.refundsSettled(...window)).toEqual({ count: 0, fen: 0 });
      const requested = order.requestRefund({ amount: Money.ofFen(500), at: paidAt });
      if (!requested.ok) throw new Error('refund refused');
      const outRefundNo = requested.value.refund.outRefundNo;
      expect(await orders.update(order)).toBe('updated');
      expect(await stats.refundsSettled(...window)).toEqual({ count: 0, fen: 0 });
      const settled = order.applyRefundReport({
        outTradeNo: order.state.outTradeNo.value,
        transactionId: 'T-stats',
        outRefundNo,
        refundId: 'R-1',
        amount: Money.ofFen(500),
        status: 'SUCCESS',
        at: new Date(paidAt.getTime() + 60_000),
      });
      expect(settled.ok).toBe(true);
      expect(await orders.update(order)).toBe('updated');
      expect(await stats.refundsSettled(...window)).toEqual({ count: 1, fen: 500 });
    });
  });
}
