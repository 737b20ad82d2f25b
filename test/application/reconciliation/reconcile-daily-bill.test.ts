import { describe, expect, it } from 'vitest';
import type { BillReport, ReconcileBill } from '../../../src/application/reconciliation/reconcile-bill.js';
import { ReconcileDailyBill } from '../../../src/application/reconciliation/reconcile-daily-bill.js';
import { billReadyAt } from '../../../src/domain/beijing-time.js';
import { ManualClock } from '../../support/doubles/manual-clock.js';

/** A ReconcileBill that reports each date asked, with a bill WeChat has (or not yet). */
function bills(available: (date: string) => boolean) {
  const asked: (string | undefined)[] = [];
  const reconcile = {
    execute: async (date?: string): Promise<BillReport> => {
      await Promise.resolve();
      asked.push(date);
      const billDate = date ?? 'default';
      return {
        billDate,
        available: available(billDate),
        payments: 0,
        matched: 0,
        repaired: [],
        unknown: [],
        unknownPayments: [],
        mismatched: [],
        discrepancies: [],
      };
    },
  } as unknown as ReconcileBill;
  return { reconcile, asked };
}

describe('ReconcileDailyBill: yesterday’s bill once a day, as soon as WeChat has it', () => {
  const readyAt = billReadyAt('20260114')!;

  it('waits until the bill is ready, runs it once, and runs again the next day', async () => {
    const clock = new ManualClock(readyAt.getTime() - 1);
    const { reconcile, asked } = bills(() => true);
    const daily = new ReconcileDailyBill(reconcile, clock);
    expect(await daily.runIfDue()).toBeUndefined();
    clock.set(readyAt);
    expect(await daily.runIfDue()).toMatchObject({ billDate: '20260114' });
    clock.advance(60 * 60 * 1000);
    expect(await daily.runIfDue()).toBeUndefined();
    clock.advance(24 * 60 * 60 * 1000);
    expect(await daily.runIfDue()).toMatchObject({ billDate: '20260115' });
    expect(asked).toEqual(['20260114', '20260115']);
  });

  it('asks again while WeChat has no bill for the day yet', async () => {
    const clock = new ManualClock(readyAt);
    let published = false;
    const { reconcile, asked } = bills(() => published);
    const daily = new ReconcileDailyBill(reconcile, clock);
    await daily.runIfDue();
    published = true;
    await daily.runIfDue();
    await daily.runIfDue();
    expect(asked).toEqual(['20260114', '20260114']);
  });

  it('counts a run asked for yesterday (the console, the admin API) as the day’s, but not one for another day', async () => {
    const clock = new ManualClock(readyAt);
    const { reconcile, asked } = bills(() => true);
    const daily = new ReconcileDailyBill(reconcile, clock);
    await daily.run('20260110');
    await daily.run('20260114');
    expect(await daily.runIfDue()).toBeUndefined();
    expect(asked).toEqual(['20260110', '20260114']);
  });
});
