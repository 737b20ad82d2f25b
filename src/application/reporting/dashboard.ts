import { beijingDayNumber, beijingDayStart } from '../../domain/beijing-time.js';
import type { MerchantId } from '../../domain/merchant.js';
import type { Clock } from '../ports/clock.js';
import type { NotifyHistory, NotifyVerdictCount } from '../ports/notify-log.js';
import type { DailyPaid, OrderStatistics, RefundTotals } from '../ports/order-statistics.js';

export const DASHBOARD_DAYS = 30;

export interface PeriodTotals {
  readonly paidCount: number;
  readonly paidFen: number;
  readonly refunds: RefundTotals;
}

export interface Dashboard {
  /** The Beijing day number of today. */
  readonly today: number;
  readonly todayTotals: PeriodTotals;
  readonly periodTotals: PeriodTotals;
  /** One entry per day of the period, oldest first, days without payments included. */
  readonly perDay: readonly DailyPaid[];
  readonly awaitingPayment: number;
  readonly needingReview: number;
  readonly verdictsToday: readonly NotifyVerdictCount[];
  readonly verdictsPeriod: readonly NotifyVerdictCount[];
}

/** The dashboard's figures: today and the last 30 Beijing days (today included). */
export class ReadDashboard {
  constructor(
    private readonly stats: OrderStatistics,
    private readonly notifies: NotifyHistory,
    private readonly clock: Clock,
  ) {}

  /** `merchantIds`: the figures of these merchants' orders only (a shop, or the shops an operator holds); absent: all. */
  async execute(merchantIds?: readonly MerchantId[]): Promise<Dashboard> {
    const today = beijingDayNumber(this.clock.now());
    const firstDay = today - DASHBOARD_DAYS + 1;
    const [from, todayStart, end] = [beijingDayStart(firstDay), beijingDayStart(today), beijingDayStart(today + 1)];
    const [paid, refundsToday, refundsPeriod, awaitingPayment, needingReview, verdictsToday, verdictsPeriod] = await Promise.all([
      this.stats.paidByDay(from, end, merchantIds),
      this.stats.refundsSettled(todayStart, end, merchantIds),
      this.stats.refundsSettled(from, end, merchantIds),
      this.stats.countAwaitingPayment(merchantIds),
      this.stats.countNeedingReview(merchantIds),
      this.notifies.verdictsSince(todayStart, merchantIds),
      this.notifies.verdictsSince(from, merchantIds),
    ]);
    const perDay = Array.from({ length: DASHBOARD_DAYS }, (_, i) => {
      const day = firstDay + i;
      return paid.find((p) => p.day === day) ?? { day, count: 0, cashFen: 0 };
    });
    const todayPaid = perDay[perDay.length - 1] ?? { day: today, count: 0, cashFen: 0 };
    return {
      today,
      todayTotals: { paidCount: todayPaid.count, paidFen: todayPaid.cashFen, refunds: refundsToday },
      periodTotals: {
        paidCount: perDay.reduce((n, d) => n + d.count, 0),
        paidFen: perDay.reduce((n, d) => n + d.cashFen, 0),
        refunds: refundsPeriod,
      },
      perDay,
      awaitingPayment,
      needingReview,
      verdictsToday,
      verdictsPeriod,
    };
  }
}
