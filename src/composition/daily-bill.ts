import type { Logger } from 'pino';
import type { Clock } from '../application/ports/clock.js';
import { previousBillDate, type BillReport, type ReconcileBill } from '../application/reconciliation/reconcile-bill.js';
import { billReadyAt } from '../domain/beijing-time.js';
import type { Metrics } from '../adapters/observability/metrics.js';

export const BILL_CHECK_INTERVAL_MS = 60 * 60 * 1000;

/** Reconciles yesterday's trade bill once a day, as soon as WeChat has it; alerts on anything left unexplained. */
export class DailyBillReconciliation {
  private lastDone = '';

  constructor(
    private readonly reconcileBill: ReconcileBill,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  async runIfDue(): Promise<BillReport | undefined> {
    const now = this.clock.now();
    const date = previousBillDate(now);
    const readyAt = billReadyAt(date);
    if (!readyAt || now < readyAt || date === this.lastDone) return undefined;
    return this.run(date);
  }

  async run(date?: string): Promise<BillReport> {
    const report = await this.reconcileBill.execute(date);
    if (report.available && report.billDate === previousBillDate(this.clock.now())) this.lastDone = report.billDate;
    if (report.repaired.length > 0) this.metrics.reconciliationFixes.inc({ status: 'SUCC' }, report.repaired.length);
    const alert = report.unknown.length + report.mismatched.length + report.discrepancies.length > 0;
    (alert ? this.logger.error : this.logger.info).call(this.logger, { alert, report }, 'trade bill reconciled');
    return report;
  }
}
