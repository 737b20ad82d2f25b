/** One thing a reconciliation run could not settle, and why: for the log, the report and `npm run reconcile`. */
export interface ReconcileProblem {
  readonly step: 'payments' | 'abandoned' | 'refunds';
  /** The out_trade_no (or out_refund_no) concerned. */
  readonly subject: string;
  readonly cause: string;
}

/** A run names at most this many problems (the error counts still count them all): a report stays readable. */
export const MAX_PROBLEMS_NAMED = 20;

export function noteProblem(problems: ReconcileProblem[], step: ReconcileProblem['step'], subject: string, error: unknown): void {
  if (problems.length >= MAX_PROBLEMS_NAMED) return;
  problems.push({ step, subject, cause: error instanceof Error ? error.message : String(error) });
}
