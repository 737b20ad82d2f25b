import type { Clock } from '../ports/clock.js';
import type { ReconcileRunKind, ReconcileRuns } from '../ports/reconcile-runs.js';
import type { BillReport } from './reconcile-bill.js';
import type { FundFlowReport } from './reconcile-fund-flow.js';
import type { RefundBillReport } from './reconcile-refund-bill.js';
import { errorCount, type ReconcileReport } from './reconcile-pending.js';

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

/** Billed refunds unknown here or flagged on their orders, and disagreements within the bill. */
export const refundBillFacts = (r: RefundBillReport): RunFacts => ({
  problems: r.unknown.length + r.flagged.length + r.discrepancies.length,
  billDate: r.billDate,
});

/** Fund-flow lines matched to nothing we hold (or to another amount), and disagreements within the bill. */
export const fundFlowFacts = (r: FundFlowReport): RunFacts => ({
  problems: r.unmatched.length + r.discrepancies.length,
  billDate: r.billDate,
});

/** Told when a run's summary could not be kept (the run itself is unaffected). */
export type RecordFailure = (error: unknown, kind: ReconcileRunKind) => void;

/**
 * Runs one reconciliation and records its summary (or its failure) for the console; a run that did nothing (the bill
 * not due yet) returns undefined and is not recorded. Recording never changes the run's outcome: a failure to record
 * is reported to `onRecordFailure`, and the run's own error is rethrown.
 */
export class RecordReconcileRun {
  constructor(
    private readonly runs: ReconcileRuns,
    private readonly clock: Clock,
    private readonly onRecordFailure: RecordFailure,
  ) {}

  async execute<T>(kind: ReconcileRunKind, work: () => Promise<T>, facts: (value: NonNullable<T>) => RunFacts): Promise<T> {
    const startedAt = this.clock.now();
    const save = async (succeeded: boolean, problems: number, summary: unknown, billDate?: string) => {
      try {
        await this.runs.record({
          kind,
          startedAt,
          finishedAt: this.clock.now(),
          succeeded,
          problems,
          summary,
          ...(billDate ? { billDate } : {}),
        });
      } catch (error) {
        this.onRecordFailure(error, kind);
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
}
