import type { Clock } from '../ports/clock.js';
import { billReadyAt } from '../../domain/beijing-time.js';
import { previousBillDate, type BillReport, type ReconcileBill } from './reconcile-bill.js';

/**
 * Reconciles yesterday's trade bill once a day, as soon as WeChat has it (the refund and fund-flow bills of the day
 * follow it: see composition/jobs.ts). Asked often (every check of the schedule),
 * it runs only when the bill is ready and yesterday's has not been reconciled by this process yet.
 */
export class ReconcileDailyBill {
  private lastDone = '';

  constructor(
    private readonly reconcileBill: ReconcileBill,
    private readonly clock: Clock,
  ) {}

  /** Yesterday's bill when it is due now; undefined when it is not ready yet or already done. */
  async runIfDue(): Promise<BillReport | undefined> {
    const date = this.due();
    return date === undefined ? undefined : this.run(date);
  }

  /** Yesterday (yyyyMMdd) when its bills are ready and its trade bill has not been reconciled by this process yet. */
  due(): string | undefined {
    const now = this.clock.now();
    const date = previousBillDate(now);
    const readyAt = billReadyAt(date);
    return !readyAt || now < readyAt || date === this.lastDone ? undefined : date;
  }

  /** One day's bill now (yyyyMMdd, default yesterday); yesterday's, once found, is not run again by runIfDue. */
  async run(date?: string): Promise<BillReport> {
    const report = await this.reconcileBill.execute(date);
    if (report.available && report.billDate === previousBillDate(this.clock.now())) this.lastDone = report.billDate;
    return report;
  }
}
