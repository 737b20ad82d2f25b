import { describe, expect, it } from 'vitest';
import type { ReconcileRun, ReconcileRunQuery, ReconcileRuns } from '../../src/application/ports/reconcile-runs.js';

/** What every ReconcileRuns adapter must do; each run is a fresh store (or a fresh database). */
export function reconcileRunsContract(name: string, fresh: () => Promise<ReconcileRuns>): void {
  const at = (minute: number): Date => new Date(Date.UTC(2026, 0, 15, 4, minute, 0));

  describe(`ReconcileRuns contract: ${name}`, () => {
    it('keeps every run with its report, newest first, by kind', async () => {
      const runs = await fresh();
      const pending: ReconcileRun = {
        kind: 'pending',
        startedAt: at(0),
        finishedAt: at(1),
        succeeded: true,
        problems: 0,
        summary: { checked: 3, paid: 1, nested: { list: ['a', '中文'] } },
      };
      const bill: ReconcileRun = {
        kind: 'bill',
        startedAt: at(2),
        finishedAt: at(3),
        succeeded: true,
        billDate: '20260114',
        problems: 2,
        summary: { unknown: ['x'], mismatched: ['y'] },
      };
      const failed: ReconcileRun = {
        kind: 'pending',
        startedAt: at(4),
        finishedAt: at(4),
        succeeded: false,
        problems: 1,
        summary: 'timeout',
      };
      for (const run of [pending, bill, failed]) await runs.record(run);
      expect(await runs.latest({ limit: 10 })).toEqual([failed, bill, pending]);
      expect(await runs.latest({ kind: 'bill', limit: 10 })).toEqual([bill]);
      expect(await runs.latest({ kind: 'pending', limit: 1 })).toEqual([failed]);
    });

    it('keeps the refund-bill and fund-flow runs apart from the trade bill, every kind in its column', async () => {
      const runs = await fresh();
      const of = (kind: ReconcileRun['kind'], minute: number): ReconcileRun => ({
        kind,
        startedAt: at(minute),
        finishedAt: at(minute),
        succeeded: true,
        billDate: '20260114',
        problems: 1,
        summary: { unmatched: [{ flowId: '1900', amountFen: 2000, reason: '中文 and English' }] },
      });
      const [trade, refunds, funds] = [of('bill', 0), of('refbill', 1), of('fundflow', 2)];
      for (const run of [trade, refunds, funds]) await runs.record(run);
      expect(await runs.latest({ kind: 'refbill', limit: 10 })).toEqual([refunds]);
      expect(await runs.latest({ kind: 'fundflow', limit: 10 })).toEqual([funds]);
      expect(await runs.latest({ limit: 10 })).toEqual([funds, refunds, trade]);
    });

    it('reads a window of start times in pages, oldest first when asked (what an export reads)', async () => {
      const runs = await fresh();
      const run = (minute: number): ReconcileRun => ({
        kind: minute % 2 ? 'bill' : 'pending',
        startedAt: at(minute),
        finishedAt: at(minute),
        succeeded: true,
        problems: minute,
        summary: null,
      });
      for (const m of [1, 2, 3, 4, 5, 6]) await runs.record(run(m));
      const minutes = async (q: Omit<ReconcileRunQuery, 'limit'> & { limit?: number }) =>
        (await runs.latest({ limit: 10, ...q })).map((r) => r.problems);
      expect(await minutes({ startedFrom: at(2), startedBefore: at(6) })).toEqual([5, 4, 3, 2]);
      expect(await minutes({ startedFrom: at(2), startedBefore: at(6), oldestFirst: true, limit: 2, offset: 1 })).toEqual([3, 4]);
      expect(await minutes({ kind: 'bill', oldestFirst: true, offset: 1 })).toEqual([3, 5]);
    });

    it('prunes runs that started before a time', async () => {
      const runs = await fresh();
      const run = (minute: number): ReconcileRun => ({
        kind: 'pending',
        startedAt: at(minute),
        finishedAt: at(minute),
        succeeded: true,
        problems: 0,
        summary: null,
      });
      for (const m of [10, 20, 30]) await runs.record(run(m));
      expect(await runs.prune(at(25))).toBeGreaterThanOrEqual(2);
      expect(await runs.latest({ limit: 10 })).toEqual([run(30)]);
    });
  });
}
