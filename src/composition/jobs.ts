import type { Container } from 'inversify';
import type { JobLeaseOptions } from '../application/ports/job-lease.js';
import { ReconcileBill, type BillReport } from '../application/reconciliation/reconcile-bill.js';
import { ReconcilePending, type ReconcileReport } from '../application/reconciliation/reconcile-pending.js';
import { RelayPaymentEvents } from '../application/events/relay-payment-events.js';
import { startPeriodicJob, type PeriodicJob } from '../adapters/jobs/periodic-job.js';
import { BILL_CHECK_INTERVAL_MS, DailyBillReconciliation } from './daily-bill.js';
import { billFacts, pendingFacts, recordRun, RUN_RETENTION_MS } from './run-records.js';
import { TOKENS } from './tokens.js';

export const JOB_NAMES = ['reconcile-pending', 'reconcile-bill', 'relay-payment-events', 'housekeeping'] as const;
export type JobName = (typeof JOB_NAMES)[number];

/** What each job's run returns. */
interface JobValues {
  'reconcile-pending': ReconcileReport;
  'reconcile-bill': Awaited<ReturnType<DailyBillReconciliation['runIfDue']>>;
  'relay-payment-events': Awaited<ReturnType<RelayPaymentEvents['execute']>>;
  housekeeping: { readonly runsPruned: number; readonly sessionsPruned: number };
}

interface JobDefinition<N extends JobName> {
  readonly name: N;
  readonly intervalMs: number;
  readonly work: (signal: AbortSignal) => Promise<JobValues[N]>;
}

type JobDefinitions = { readonly [N in JobName]: JobDefinition<N> };

/**
 * The lease policy of every job, however it is started (schedule, admin API, `npm run reconcile`): short enough that
 * a crashed holder delays the others by seconds, renewed often enough never to lapse while the holder lives.
 */
export function leaseOptionsFor(intervalMs: number): JobLeaseOptions {
  const ttlMs = Math.max(5_000, intervalMs * 3);
  return { ttlMs, renewEveryMs: Math.floor(ttlMs / 3) };
}

function definitions(container: Container, bill: DailyBillReconciliation): JobDefinitions {
  const config = container.get(TOKENS.Config);
  const metrics = container.get(TOKENS.Metrics);
  const logger = container.get(TOKENS.Logger);
  const reconcile = container.get(ReconcilePending);
  const relay = container.get(RelayPaymentEvents);
  const clock = container.get(TOKENS.Clock);
  const runs = container.get(TOKENS.ReconcileRuns);
  // Every reconciliation run, however started, leaves a summary for the console.
  const recording = { runs, clock, logger };
  return {
    'reconcile-pending': {
      name: 'reconcile-pending',
      intervalMs: config.reconcileIntervalMs,
      work: (signal) =>
        recordRun(
          recording,
          'pending',
          async () => {
            const report = await reconcile.execute(signal);
            metrics.recordReconciliation(report);
            for (const problem of report.problems)
              logger.warn(problem, `reconciliation left ${problem.subject} for the next run: ${problem.cause}`);
            return report;
          },
          pendingFacts,
        ),
    },
    'reconcile-bill': {
      name: 'reconcile-bill',
      intervalMs: BILL_CHECK_INTERVAL_MS,
      work: () => recordRun(recording, 'bill', () => bill.runIfDue(), billFacts),
    },
    'relay-payment-events': { name: 'relay-payment-events', intervalMs: config.eventsRelayIntervalMs, work: () => relay.execute() },
    // Summaries of old runs and ended console sessions are only clutter after a while.
    housekeeping: {
      name: 'housekeeping',
      intervalMs: BILL_CHECK_INTERVAL_MS,
      work: async () => {
        const now = clock.now().getTime();
        return {
          runsPruned: await runs.prune(new Date(now - RUN_RETENTION_MS)),
          sessionsPruned: await container.get(TOKENS.OperatorSessions).prune(new Date(now - 7 * 86_400_000)),
        };
      },
    },
  };
}

export interface Jobs {
  /** Runs a job once now, under its lease; undefined when another instance holds it. */
  runNow(name: JobName): Promise<unknown>;
  /** Reconciles one day's trade bill now (yyyyMMdd, default yesterday). */
  reconcileBill(date?: string): Promise<BillReport>;
  stop(): Promise<void>;
}

/**
 * The background jobs, each under the job lease so that N instances run it once between them. Scheduled runs, the
 * admin API and the command line share one code path: `runUnderLease`.
 */
export class JobRunner implements Jobs {
  private readonly defs: JobDefinitions;
  private readonly bill: DailyBillReconciliation;
  private scheduled: PeriodicJob[] = [];

  constructor(private readonly container: Container) {
    this.bill = new DailyBillReconciliation(
      container.get(ReconcileBill),
      container.get(TOKENS.Clock),
      container.get(TOKENS.Metrics),
      container.get(TOKENS.Logger),
    );
    this.defs = definitions(container, this.bill);
  }

  /** Runs the job once if no other instance holds it; `{ ran: false }` otherwise. */
  async runUnderLease<N extends JobName>(name: N): Promise<{ ran: true; value: JobValues[N] } | { ran: false }> {
    const def: JobDefinition<N> = this.defs[name];
    return this.container.get(TOKENS.JobLease).runExclusive(name, leaseOptionsFor(def.intervalMs), def.work);
  }

  start(): void {
    const logger = this.container.get(TOKENS.Logger);
    this.scheduled = JOB_NAMES.map((name) => {
      const job = startPeriodicJob({
        name,
        intervalMs: this.defs[name].intervalMs,
        logger,
        run: async () => {
          const run = await this.runUnderLease(name);
          return run.ran ? run.value : undefined;
        },
      });
      return job;
    });
  }

  async runNow(name: JobName): Promise<unknown> {
    const job = this.scheduled[JOB_NAMES.indexOf(name)];
    if (job) return job.runNow();
    const run = await this.runUnderLease(name);
    return run.ran ? run.value : undefined;
  }

  reconcileBill(date?: string): Promise<BillReport> {
    const recording = {
      runs: this.container.get(TOKENS.ReconcileRuns),
      clock: this.container.get(TOKENS.Clock),
      logger: this.container.get(TOKENS.Logger),
    };
    return recordRun(recording, 'bill', () => this.bill.run(date), billFacts);
  }

  async stop(): Promise<void> {
    await Promise.all(this.scheduled.map((job) => job.stop()));
    this.scheduled = [];
  }
}
