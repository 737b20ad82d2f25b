import { describe, expect, it } from 'vitest';
import { GatewayUnavailableError } from '../../src/application/ports/payment-gateway.js';
import type { BillReport } from '../../src/application/reconciliation/reconcile-bill.js';
import { billFacts, recordRun } from '../../src/composition/run-records.js';
import { InMemoryReconcileRuns } from '../support/doubles/in-memory-reconcile-runs.js';
import { ManualClock } from '../support/doubles/manual-clock.js';
import { silentLogger } from '../support/test-container.js';

const bill: BillReport = {
  billDate: '20260114',
  available: true,
  payments: 3,
  matched: 1,
  repaired: ['a'],
  unknown: ['b'],
  mismatched: ['c'],
  discrepancies: ['count'],
};

describe('reconciliation runs are recorded for the console', () => {
  it('keeps a summary of each run with what needs a person', async () => {
    const runs = new InMemoryReconcileRuns();
    const clock = new ManualClock();
    const value = await recordRun(
      { runs, clock, logger: silentLogger },
      'bill',
      async () => {
        clock.advance(1500);
        return bill;
      },
      billFacts,
    );
    expect(value).toBe(bill);
    expect(runs.runs).toEqual([
      {
        kind: 'bill',
        startedAt: new Date(Date.UTC(2026, 0, 15, 4, 0, 0)),
        finishedAt: new Date(Date.UTC(2026, 0, 15, 4, 0, 1, 500)),
        succeeded: true,
        problems: 3,
        billDate: '20260114',
        summary: bill,
      },
    ]);
  });

  it('records a failed run and rethrows its error; records nothing when nothing ran', async () => {
    const runs = new InMemoryReconcileRuns();
    const deps = { runs, clock: new ManualClock(), logger: silentLogger };
    await expect(
      recordRun(
        deps,
        'pending',
        () => Promise.reject(new GatewayUnavailableError('timeout')),
        () => ({ problems: 0 }),
      ),
    ).rejects.toBeInstanceOf(GatewayUnavailableError);
    expect(runs.runs).toMatchObject([{ kind: 'pending', succeeded: false, problems: 1, summary: { error: 'timeout' } }]);
    await recordRun(deps, 'bill', async () => undefined, billFacts);
    expect(runs.runs).toHaveLength(1);
  });

  it('never lets a failure to record change the run', async () => {
    const runs = new InMemoryReconcileRuns();
    runs.record = () => Promise.reject(new Error('database down'));
    expect(await recordRun({ runs, clock: new ManualClock(), logger: silentLogger }, 'bill', async () => bill, billFacts)).toBe(bill);
  });
});
