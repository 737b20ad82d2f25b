import type { Clock } from '../ports/clock.js';
import type { OperatorSessions } from '../ports/operators.js';
import type { ReconcileRuns } from '../ports/reconcile-runs.js';

const DAY_MS = 86_400_000;

/** How long reconciliation run summaries are kept: the console shows the latest ones. */
export const RUN_RETENTION_MS = 30 * DAY_MS;

/** How long a console session is kept after it ended (expired or revoked): long enough to look into a sign-in. */
export const ENDED_SESSION_RETENTION_MS = 7 * DAY_MS;

export interface PrunedHistory {
  readonly runsPruned: number;
  readonly sessionsPruned: number;
}

/** Deletes what is only clutter after a while: old reconciliation run summaries and long-ended console sessions. */
export class PruneHistory {
  constructor(
    private readonly runs: ReconcileRuns,
    private readonly sessions: OperatorSessions,
    private readonly clock: Clock,
  ) {}

  async execute(): Promise<PrunedHistory> {
    const now = this.clock.now().getTime();
    return {
      runsPruned: await this.runs.prune(new Date(now - RUN_RETENTION_MS)),
      sessionsPruned: await this.sessions.prune(new Date(now - ENDED_SESSION_RETENTION_MS)),
    };
  }
}
