import { describe, expect, it } from 'vitest';
import { ENDED_SESSION_RETENTION_MS, PruneHistory, RUN_RETENTION_MS } from '../../../src/application/housekeeping/prune-history.js';
import type { OperatorSession } from '../../../src/application/ports/operators.js';
import { InMemoryOperatorSessions } from '../../support/doubles/in-memory-operators.js';
import { InMemoryReconcileRuns } from '../../support/doubles/in-memory-reconcile-runs.js';
import { ManualClock } from '../../support/doubles/manual-clock.js';

const DAY_MS = 86_400_000;

describe('PruneHistory: run summaries kept 30 days, ended console sessions 7 days', () => {
  it('deletes exactly what is older than its retention', async () => {
    const clock = new ManualClock();
    const now = clock.now().getTime();
    const runs = new InMemoryReconcileRuns();
    for (const ageDays of [31, 30.5, 29])
      await runs.record({
        kind: 'pending',
        startedAt: new Date(now - ageDays * DAY_MS),
        finishedAt: new Date(now - ageDays * DAY_MS),
        succeeded: true,
        problems: 0,
        summary: { ageDays },
      });
    const sessions = new InMemoryOperatorSessions();
    const session = (id: string, endedDaysAgo: number, revoked: boolean): OperatorSession => ({
      tokenDigest: id,
      operatorId: 1,
      csrfToken: 'csrf',
      createdAt: new Date(now - 20 * DAY_MS),
      lastSeenAt: new Date(now - 20 * DAY_MS),
      expiresAt: revoked ? new Date(now + DAY_MS) : new Date(now - endedDaysAgo * DAY_MS),
      ...(revoked ? { revokedAt: new Date(now - endedDaysAgo * DAY_MS) } : {}),
    });
    for (const s of [
      session('expired-8d', 8, false),
      session('revoked-8d', 8, true),
      session('expired-6d', 6, false),
      session('live', -1, false),
    ])
      await sessions.create(s);

    expect(await new PruneHistory(runs, sessions, clock).execute()).toEqual({ runsPruned: 2, sessionsPruned: 2 });
    expect(runs.runs.map((r) => r.summary)).toEqual([{ ageDays: 29 }]);
    expect([...sessions.rows.keys()].sort()).toEqual(['expired-6d', 'live']);
    expect([RUN_RETENTION_MS, ENDED_SESSION_RETENTION_MS]).toEqual([30 * DAY_MS, 7 * DAY_MS]);
  });
});
