import { describe, expect, it } from 'vitest';
import type { NotifyHistory, NotifyLog, NotifyLogEntry } from '../../src/application/ports/notify-log.js';

export type ReadableNotifyLog = NotifyLog & NotifyHistory;

/** What every NotifyLog must do: keep every notice, forged or garbled ones included, exactly as received. */
let verdictRuns = 0;

export function notifyLogContract(name: string, fresh: () => Promise<ReadableNotifyLog>): void {
  const number = (): string => `2026011512000000${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`;

  describe(`NotifyLog contract: ${name}`, () => {
    it('keeps each notice with its answer, in arrival order', async () => {
      const log = await fresh();
      const no = number();
      const first: NotifyLogEntry = {
        receivedAt: new Date(Date.UTC(2026, 0, 15, 4, 0, 0, 123)),
        kind: 'pay',
        outTradeNo: no,
        rawBody: `<xml><out_trade_no><![CDATA[${no}]]></out_trade_no><attach>中文 &amp; ünïcode</attach></xml>`,
        verdict: 'FAIL',
        detail: 'UnknownOrder',
      };
      const second: NotifyLogEntry = {
        ...first,
        receivedAt: new Date(first.receivedAt.getTime() + 15_000),
        verdict: 'SUCCESS',
        detail: 'recorded',
      };
      await log.append(first);
      await log.append(second);
      expect(await log.forOrder(no)).toEqual([first, second]);
    });

    it('accepts a notice that named no order', async () => {
      const log = await fresh();
      await expect(
        log.append({ receivedAt: new Date(), kind: 'refund', rawBody: '<xml><garbled', verdict: 'FAIL', detail: 'Malformed' }),
      ).resolves.toBeUndefined();
    });

    it('counts verdicts since a time by kind, verdict and detail, most frequent first', async () => {
      const log = await fresh();
      // A moment of this test's own, far ahead and later than any earlier run's in this file (the contract may run
      // twice on one database), so other tests' notices in a shared database are not counted.
      const since = new Date(Date.UTC(2090, 0, 1) + ++verdictRuns * 1e10 + Math.floor(Math.random() * 1e9));
      const at = (s: number): Date => new Date(since.getTime() + s * 1000);
      const entry = (s: number, kind: 'pay' | 'refund', verdict: 'SUCCESS' | 'FAIL', detail: string): NotifyLogEntry => ({
        receivedAt: at(s),
        kind,
        outTradeNo: number(),
        rawBody: '<xml/>',
        verdict,
        detail,
      });
      for (const e of [
        entry(-1, 'pay', 'SUCCESS', 'recorded'),
        entry(0, 'pay', 'SUCCESS', 'recorded'),
        entry(1, 'pay', 'SUCCESS', 'duplicate'),
        entry(2, 'pay', 'SUCCESS', 'recorded'),
        entry(3, 'refund', 'FAIL', 'UnknownRefund'),
      ])
        await log.append(e);
      expect(await log.verdictsSince(since)).toEqual([
        { kind: 'pay', verdict: 'SUCCESS', detail: 'recorded', count: 2 },
        { kind: 'pay', verdict: 'SUCCESS', detail: 'duplicate', count: 1 },
        { kind: 'refund', verdict: 'FAIL', detail: 'UnknownRefund', count: 1 },
      ]);
    });
  });
}
