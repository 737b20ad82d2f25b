import type { ReconcileRun, ReconcileRunQuery, ReconcileRuns } from '../../../src/application/ports/reconcile-runs.js';

export class InMemoryReconcileRuns implements ReconcileRuns {
  readonly runs: ReconcileRun[] = [];

  async record(run: ReconcileRun): Promise<void> {
    await Promise.resolve();
    // Stored as JSON, as the SQL adapter does: what comes back is data, never a live object.
    this.runs.push({ ...run, summary: JSON.parse(JSON.stringify(run.summary ?? null)) as unknown });
  }

  async latest(query: ReconcileRunQuery): Promise<ReconcileRun[]> {
    await Promise.resolve();
    const found = this.runs.filter(
      (r) =>
        (query.kind === undefined || r.kind === query.kind) &&
        (query.startedFrom === undefined || r.startedAt >= query.startedFrom) &&
        (query.startedBefore === undefined || r.startedAt < query.startedBefore),
    );
    const offset = query.offset ?? 0;
    return (query.oldestFirst ? found : found.reverse()).slice(offset, offset + Math.min(query.limit, 200));
  }

  async prune(before: Date): Promise<number> {
    await Promise.resolve();
    const kept = this.runs.filter((r) => r.startedAt >= before);
    const removed = this.runs.length - kept.length;
    this.runs.splice(0, this.runs.length, ...kept);
    return removed;
  }
}
