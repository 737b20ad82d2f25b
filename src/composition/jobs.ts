import type { Logger } from 'pino';
import type { Container } from 'inversify';
import { PruneHistory, type PrunedHistory } from '../application/housekeeping/prune-history.js';
import {
  billFacts,
  fundFlowFacts,
  pendingFacts,
  RecordReconcileRun,
  refundBillFacts,
  type RunFacts,
} from '../application/reconciliation/record-reconcile-run.js';
import type { BillReport } from '../application/reconciliation/reconcile-bill.js';
import { ReconcileDailyBill } from '../application/reconciliation/reconcile-daily-bill.js';
import type { DayReports } from '../application/reconciliation/day-reports.js';
import { ReconcileFundFlow } from '../application/reconciliation/reconcile-fund-flow.js';
import { ReconcileRefundBill } from '../application/reconciliation/reconcile-refund-bill.js';
import { ReconcilePending, type ReconcileReport } from '../application/reconciliation/reconcile-pending.js';
import { RelayPaymentEvents } from '../application/events/relay-payment-events.js';
import { LeasedJobs, type JobDefinitions } from '../adapters/jobs/leased-jobs.js';
import { ReconciliationReports } from '../adapters/observability/reconciliation-reports.js';
import { TOKENS } from './tokens.js';

export const JOB_NAMES = ['reconcile-pending', 'reconcile-bill', 'relay-payment-events', 'housekeeping'] as const;
export type JobName = (typeof JOB_NAMES)[number];

/** How often the schedule asks whether yesterday's bill is ready, and tidies up. */
const HOURLY_MS = 60 * 60 * 1000;

/** What each job's run returns. */
interface JobValues {
  'reconcile-pending': ReconcileReport;
  'reconcile-bill': DayReports | undefined;
  'relay-payment-events': Awaited<ReturnType<RelayPaymentEvents['execute']>>;
  housekeeping: PrunedHistory;
}

export interface Jobs {
  /** Runs a job once now, under its lease; undefined when another instance holds it. */
  runNow(name: JobName): Promise<unknown>;
  /**
   * Reconciles one day's bills now (yyyyMMdd, default yesterday): the trade bill, the refund bill and the fund-flow
   * bill, each recorded as its own run. Answers the three reports; the first failure is thrown once all three ran.
   */
  reconcileBill(date?: string): Promise<DayReports>;
  stop(): Promise<void>;
}

/** The background jobs: which use case each runs and how often; every reconciliation run leaves a summary. */
export class JobRunner implements Jobs {
  private readonly jobs: LeasedJobs<JobValues>;
  private readonly record: RecordReconcileRun;
  private readonly reports: ReconciliationReports;
  private readonly dailyBill: ReconcileDailyBill;
  private readonly refundBill: ReconcileRefundBill;
  private readonly fundFlow: ReconcileFundFlow;
  private readonly logger: Logger;

  constructor(container: Container) {
    const config = container.get(TOKENS.Config);
    const clock = container.get(TOKENS.Clock);
    const logger = container.get(TOKENS.Logger);
    this.logger = logger;
    const runs = container.get(TOKENS.ReconcileRuns);
    this.record = new RecordReconcileRun(runs, clock, (error, kind) =>
      logger.warn({ err: error, kind }, 'could not record the reconciliation run'),
    );
    this.reports = new ReconciliationReports(container.get(TOKENS.Metrics), logger);
    this.dailyBill = container.get(ReconcileDailyBill);
    this.refundBill = container.get(ReconcileRefundBill);
    this.fundFlow = container.get(ReconcileFundFlow);
    const pending = container.get(ReconcilePending);
    const relay = container.get(RelayPaymentEvents);
    const prune = container.get(PruneHistory);
    const definitions: JobDefinitions<JobValues> = {
      'reconcile-pending': {
        intervalMs: config.reconcileIntervalMs,
        work: (signal) =>
          this.record.execute(
            'pending',
            async () => {
              const report = await pending.execute(signal);
              this.reports.pending(report);
              return report;
            },
            pendingFacts,
          ),
      },
      'reconcile-bill': {
        intervalMs: HOURLY_MS,
        work: () => {
          const date = this.dailyBill.due();
          return date === undefined ? Promise.resolve(undefined) : this.reconcileBill(date);
        },
      },
      'relay-payment-events': { intervalMs: config.eventsRelayIntervalMs, work: () => relay.execute() },
      housekeeping: { intervalMs: HOURLY_MS, work: () => prune.execute() },
    };
    this.jobs = new LeasedJobs(definitions, container.get(TOKENS.JobLease), logger);
  }

  private async reportedBill<T extends BillReport | undefined>(run: Promise<T>): Promise<T> {
    const report = await run;
    if (report !== undefined) this.reports.bill(report);
    return report;
  }

  runUnderLease<N extends JobName>(name: N) {
    return this.jobs.runUnderLease(name);
  }

  start(): void {
    this.jobs.start();
  }

  runNow(name: JobName): Promise<unknown> {
    return this.jobs.runNow(name);
  }

  async reconcileBill(date?: string): Promise<DayReports> {
    // One after the other (they may touch the same orders), and each stands alone: a bill WeChat cannot give now
    // does not keep the others from being reconciled and recorded.
    let tradeFailure: { readonly error: unknown } | undefined;
    const trade = await this.record
      .execute('bill', () => this.reportedBill(this.dailyBill.run(date)), billFacts)
      .catch((error: unknown) => void (tradeFailure = { error }));
    const day = trade?.billDate ?? date;
    const besides = <T>(kind: 'refbill' | 'fundflow', run: () => Promise<T>, facts: (value: NonNullable<T>) => RunFacts) =>
      this.record.execute(kind, run, facts).catch((error: unknown) => void this.logger.warn({ err: error, kind }, 'bill not reconciled'));
    const refundBill = await besides('refbill', () => this.refundBill.execute(day), refundBillFacts);
    const fundFlow = await besides('fundflow', () => this.fundFlow.execute(day), fundFlowFacts);
    if (tradeFailure || !trade) throw tradeFailure?.error;
    return { ...trade, ...(refundBill && { refundBill }), ...(fundFlow && { fundFlow }) };
  }

  stop(): Promise<void> {
    return this.jobs.stop();
  }
}
