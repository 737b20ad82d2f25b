import { describe, expect, it } from 'vitest';
import { GatewayUnavailableError } from '../../../src/application/ports/payment-gateway.js';
import type { ReconcileRunKind } from '../../../src/application/ports/reconcile-runs.js';
import type { BillReport } from '../../../src/application/reconciliation/reconcile-bill.js';
import { billFacts, RecordReconcileRun } from '../../../src/application/reconciliation/record-reconcile-run.js';
import { InMemoryReconcileRuns } from '../../support/doubles/in-memory-reconcile-runs.js';
import { ManualClock } from '../../support/doubles/manual-clock.js';

const bill: BillReport = {
  billDate: '20260114',
  available: true,
  payments: 3,
  matched: 1,
  repaired: ['a'],
  unknown: ['b'],
  unknownPayments: [{ merchantId: 'default', outTradeNo: 'b' }],
  mismatched: ['c'],
  discrepancies: ['count'],
};

const ignoreFailure = (): void => undefined;

describe('reconciliation runs are recorded for the console', () => {
  it('keeps a summary of each run with what needs a person', async () => {
    const runs = new InMemoryReconcileRuns();
    const clock = new ManualClock();
    const value = await new RecordReconcileRun(runs, clock, ignoreFailure).execute(
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
    const record = new RecordReconcileRun(runs, new ManualClock(), ignoreFailure);
    await expect(
      record.execute(
        'pending',
        () => Promise.reject(new GatewayUnavailableError('timeout')),
        () => ({ problems: 0 }),
      ),
    ).rejects.toBeInstanceOf(GatewayUnavailableError);
    expect(runs.runs).toMatchObject([{ kind: 'pending', succeeded: false, problems: 1, summary: { error: 'timeout' } }]);
    await record.execute('bill', async () => undefined, billFacts);
    expect(runs.runs).toHaveLength(1);
  });

  it('never lets a failure to record change the run, and tells of it', async () => {
    const runs = new InMemoryReconcileRuns();
    const down = new Error('database down');
    runs.record = () => Promise.reject(down);
    const told: [unknown, ReconcileRunKind][] = [];
    const record = new RecordReconcileRun(runs, new ManualClock(), (error, kind) => told.push([error, kind]));
    expect(await record.execute('bill', async () => bill, billFacts)).toBe(bill);
    expect(told).toEqual([[down, 'bill']]);
  });
});
