import type { ReconcileRun, ReconcileRunKind, ReconcileRuns } from '../../../src/application/ports/reconcile-runs.js';

export class InMemoryReconcileRuns implements ReconcileRuns {
  readonly runs: ReconcileRun[] = [];

  async record(run: ReconcileRun): Promise<void> {
    await Promise.resolve();
    // Stored as JSON, as the SQL adapter does: what comes back is data, never a live object.
    this.runs.push({ ...run, summary: JSON.parse(JSON.stringify(run.summary ?? null)) as unknown });
  }

  async latest(query: { readonly kind?: ReconcileRunKind; readonly limit: number }): Promise<ReconcileRun[]> {
    await Promise.resolve();
    return this.runs
      .filter((r) => query.kind === undefined || r.kind === query.kind)
      .reverse()
      .slice(0, query.limit);
  }

  async prune(before: Date): Promise<number> {
    await Promise.resolve();
    const kept = this.runs.filter((r) => r.startedAt >= before);
    const removed = this.runs.length - kept.length;
    this.runs.splice(0, this.runs.length, ...kept);
    return removed;
  }
}
