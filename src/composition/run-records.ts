import type { Logger } from 'pino';
import type { Clock } from '../application/ports/clock.js';
import type { ReconcileRunKind, ReconcileRuns } from '../application/ports/reconcile-runs.js';
import type { BillReport } from '../application/reconciliation/reconcile-bill.js';
import { errorCount, type ReconcileReport } from '../application/reconciliation/reconcile-pending.js';

/** How long run summaries are kept (the console shows the latest ones). */
export const RUN_RETENTION_MS = 30 * 86_400_000;

export interface RunFacts {
  readonly problems: number;
  readonly billDate?: string;
}

/** What needs a person in a periodic run: orders flagged for review and every item it could not settle. */
export const pendingFacts = (r: ReconcileReport): RunFacts => ({ problems: r.flagged + errorCount(r) });

/** Billed payments unknown or mismatched here, and disagreements within the bill itself. */
export const billFacts = (r: BillReport): RunFacts => ({
  problems: r.unknown.length + r.mismatched.length + r.discrepancies.length,
  billDate: r.billDate,
});

/**
 * Runs one reconciliation and records its summary (or its failure) for the console; a run that did nothing (the bill
 * not due yet) returns undefined and is not recorded. Recording never changes the run's outcome: a failure to record
 * is logged, and the run's own error is rethrown.
 */
export async function recordRun<T>(
  deps: { readonly runs: ReconcileRuns; readonly clock: Clock; readonly logger: Logger },
  kind: ReconcileRunKind,
  work: () => Promise<T>,
  facts: (value: NonNullable<T>) => RunFacts,
): Promise<T> {
  const startedAt = deps.clock.now();
  const save = async (succeeded: boolean, problems: number, summary: unknown, billDate?: string) => {
    try {
      await deps.runs.record({
        kind,
        startedAt,
        finishedAt: deps.clock.now(),
        succeeded,
        problems,
        summary,
        ...(billDate ? { billDate } : {}),
      });
    } catch (error) {
      deps.logger.warn({ err: error, kind }, 'could not record the reconciliation run');
    }
  };
  let value: T;
  try {
    value = await work();
  } catch (error) {
    await save(false, 1, { error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  if (value !== undefined && value !== null) {
    const f = facts(value);
    await save(true, f.problems, value, f.billDate);
  }
  return value;
}
