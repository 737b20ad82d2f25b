import type { DailyPaid, OrderStatistics, RefundTotals } from '../../../src/application/ports/order-statistics.js';
import type { MerchantId } from '../../../src/domain/merchant.js';
import { beijingDayNumber } from '../../../src/domain/beijing-time.js';
import type { InMemoryOrderRepository } from './in-memory-order-repository.js';

const seconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/** The dashboard's aggregates over the in-memory orders, with the SQL adapter's whole-second paid times. */
export class InMemoryOrderStatistics implements OrderStatistics {
  constructor(private readonly orders: InMemoryOrderRepository) {}

  async paidByDay(from: Date, before: Date, merchantIds?: readonly MerchantId[]): Promise<DailyPaid[]> {
    await Promise.resolve();
    const days = new Map<number, DailyPaid>();
    for (const o of this.of(merchantIds)) {
      const paidAt = o.state.paidAt;
      if (!o.isPaid || !paidAt || seconds(paidAt) < seconds(from) || seconds(paidAt) >= seconds(before)) continue;
      const day = beijingDayNumber(new Date(seconds(paidAt) * 1000));
      const seen = days.get(day) ?? { day, count: 0, cashFen: 0 };
      days.set(day, { day, count: seen.count + 1, cashFen: seen.cashFen + o.state.cash.fen });
    }
    return [...days.values()].sort((a, b) => a.day - b.day);
  }

  async refundsSettled(from: Date, before: Date, merchantIds?: readonly MerchantId[]): Promise<RefundTotals> {
    await Promise.resolve();
    const refunds = this.of(merchantIds)
      .flatMap((o) => o.state.refunds)
      .filter((r) => r.status === 'SUCCESS' && r.settledAt && r.settledAt >= from && r.settledAt < before);
    return { count: refunds.length, fen: refunds.reduce((n, r) => n + r.amount.fen, 0) };
  }

  async countAwaitingPayment(merchantIds?: readonly MerchantId[]): Promise<number> {
    await Promise.resolve();
    return this.of(merchantIds).filter((o) => o.status === 'CHECKED').length;
  }

  async countNeedingReview(merchantIds?: readonly MerchantId[]): Promise<number> {
    await Promise.resolve();
    return this.of(merchantIds).filter((o) => o.needsReview).length;
  }

  private of(merchantIds: readonly MerchantId[] | undefined) {
    return this.orders.all().filter((o) => merchantIds === undefined || merchantIds.includes(o.state.merchantId));
  }
}
