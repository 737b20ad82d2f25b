export const RECONCILE_RUN_KINDS = ['pending', 'bill', 'refbill', 'fundflow'] as const;
export type ReconcileRunKind = (typeof RECONCILE_RUN_KINDS)[number];

export interface ReconcileRun {
  /**
   * `pending`: the periodic run over unpaid orders, refunds and coins; `bill`: one day's trade bill; `refbill`: its
   * refund bill; `fundflow`: its fund-flow bill (资金账单). Stored in a varchar(8).
   */
  readonly kind: ReconcileRunKind;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  /** false when the run threw (WeChat unreachable, ...): `summary` then holds the error message. */
  readonly succeeded: boolean;
  /** The bill's Beijing date (yyyyMMdd), for the three bill runs. */
  readonly billDate?: string;
  /** Things a person must look at (unknown or mismatched bill payments, orders flagged, errors). */
  readonly problems: number;
  /** The run's report, as JSON-safe data. */
  readonly summary: unknown;
}

export interface ReconcileRunQuery {
  readonly kind?: ReconcileRunKind;
  /** At most 200. */
  readonly limit: number;
  readonly offset?: number;
  /** Started at or after this instant. */
  readonly startedFrom?: Date;
  /** Started before this instant. */
  readonly startedBefore?: Date;
  /** In the order they were recorded (an export's pages: runs recorded meanwhile come after, never shift them). */
  readonly oldestFirst?: boolean;
}

/** A summary of every reconciliation run, newest first, so operators can see what ran and what it found. */
export interface ReconcileRuns {
  record(run: ReconcileRun): Promise<void>;
  latest(query: ReconcileRunQuery): Promise<ReconcileRun[]>;
  /** Deletes runs that started before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}
