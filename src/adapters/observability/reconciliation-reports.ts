import type { Logger } from 'pino';
import type { BillReport } from '../../application/reconciliation/reconcile-bill.js';
import type { ReconcileReport } from '../../application/reconciliation/reconcile-pending.js';
import type { Metrics } from './metrics.js';

/** What operators see of a reconciliation run: its counts in the metrics, and a log line for each thing left. */
export class ReconciliationReports {
  constructor(
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  /** The periodic run over unpaid orders, refunds and coins: what it could not settle waits for the next run. */
  pending(report: ReconcileReport): void {
    this.metrics.recordReconciliation(report);
    for (const problem of report.problems)
      this.logger.warn(problem, `reconciliation left ${problem.subject} for the next run: ${problem.cause}`);
  }

  /** One day's trade bill: logged as an error when anything is left unexplained (alerting reads the error log). */
  bill(report: BillReport): void {
    if (report.repaired.length > 0) this.metrics.reconciliationFixes.inc({ status: 'SUCC' }, report.repaired.length);
    const alert = report.unknown.length + report.mismatched.length + report.discrepancies.length > 0;
    // Each unknown payment named with its merchant: the account (商户平台) a person must look it up in.
    const unknown = report.unknownPayments.map((p) => `${p.merchantId}:${p.outTradeNo}`).join(', ');
    const message = unknown
      ? `trade bill reconciled; billed payments unknown here (merchant:out_trade_no): ${unknown}`
      : 'trade bill reconciled';
    (alert ? this.logger.error : this.logger.info).call(this.logger, { alert, report }, message);
  }
}
