import type { AbandonedReport, CloseAbandonedOrders } from './close-abandoned-orders.js';
import type { PaymentsReport, ReconcilePayments } from './reconcile-payments.js';
import type { RefundsReport, ReconcileRefunds } from './reconcile-refunds.js';
import type { ReconcileProblem } from './reconcile-problems.js';
import type { RepairCoins } from '../coins/repair-coins.js';

export interface ReconcileReport extends Omit<PaymentsReport, 'problems'>, Omit<RefundsReport, 'refundProblems'> {
  abandoned: Omit<AbandonedReport, 'problems'>;
  coinsRepaired: number;
  /** Why each error happened (the first few of each step). */
  problems: ReconcileProblem[];
}

/** Items the run could not settle: they stay for the next run, and `npm run reconcile` exits non-zero. */
export const errorCount = (report: ReconcileReport): number => report.errors + report.refundErrors + report.abandoned.errors;

/**
 * One reconciliation run: unpaid orders with a prepay_id, orders abandoned without one, refunds WeChat has not
 * settled, and coin reservations left open by a crash — in that order, so coins freed by the first steps are not
 * counted as repairs by the last.
 */
export class ReconcilePending {
  constructor(
    private readonly payments: ReconcilePayments,
    private readonly abandoned: CloseAbandonedOrders,
    private readonly refunds: ReconcileRefunds,
    private readonly coins: RepairCoins,
  ) {}

  async execute(signal?: AbortSignal): Promise<ReconcileReport> {
    const payments = await this.payments.execute(signal);
    const abandoned = await this.abandoned.execute(signal);
    const refunds = await this.refunds.execute(signal);
    const coinsRepaired = signal?.aborted ? 0 : await this.coins.execute();
    const { problems: paymentProblems, ...paymentCounts } = payments;
    const { problems: abandonedProblems, ...abandonedCounts } = abandoned;
    const { refundProblems, ...refundCounts } = refunds;
    return {
      ...paymentCounts,
      ...refundCounts,
      abandoned: abandonedCounts,
      coinsRepaired,
      problems: [...paymentProblems, ...abandonedProblems, ...refundProblems],
    };
  }
}
