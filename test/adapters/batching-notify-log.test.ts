import { describe, expect, it, vi } from 'vitest';
import { BatchingNotifyLog, type NotifyLogStore } from '../../src/adapters/persistence/batching-notify-log.js';
import type { NotifyLogEntry } from '../../src/application/ports/notify-log.js';

const entry = (i: number): NotifyLogEntry => ({
  receivedAt: new Date(Date.UTC(2026, 0, 15, 4, 0, 0, i)),
  kind: 'pay',
  outTradeNo: `20260115120000000000${String(i).padStart(12, '0')}`,
  rawBody: `<xml><n>${i}</n></xml>`,
  verdict: 'SUCCESS',
  detail: 'duplicate',
});

/** A store that records each batch, and can be made to refuse, or to hold a write until released. */
class FakeStore implements NotifyLogStore {
  readonly batches: NotifyLogEntry[][] = [];
  /** Writes begun, held ones included: a test waits on it, not on the timer order of setTimeout and setImmediate. */
  asked = 0;
  refusing = false;
  private hold: Promise<void> | undefined;
  private releaseHold: (() => void) | undefined;

  get written(): NotifyLogEntry[] {
    return this.batches.flat();
  }

  holdWrites(): void {
    this.hold = new Promise((resolve) => (this.releaseHold = resolve));
  }

  release(): void {
    this.releaseHold?.();
    this.hold = undefined;
  }

  async appendAll(entries: readonly NotifyLogEntry[]): Promise<void> {
    this.asked++;
    await this.hold;
    if (this.refusing) throw new Error('database unreachable');
    this.batches.push([...entries]);
  }

  async forOrder(outTradeNo: string): Promise<NotifyLogEntry[]> {
    return this.written.filter((e) => e.outTradeNo === outTradeNo);
  }

  async verdictsSince(): Promise<[]> {
    return [];
  }
}

function setup(options = { maxBatch: 3, maxPending: 10, retryMs: 5, lingerMs: 0 }) {
  const store = new FakeStore();
  const failures: number[] = [];
  const dropped: NotifyLogEntry[] = [];
  const log = new BatchingNotifyLog(
    store,
    { onWriteFailed: (_error, pending) => failures.push(pending), onDropped: (entries) => dropped.push(...entries) },
    options,
  );
  return { store, log, failures, dropped };
}

const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('BatchingNotifyLog', () => {
  it('answers at once and writes a burst in batches, in arrival order', async () => {
    const { store, log } = setup();
    const entries = Array.from({ length: 7 }, (_, i) => entry(i));
    for (const e of entries) await log.append(e);
    expect(store.written).toEqual([]);
    await log.flush();
    expect(store.written).toEqual(entries);
    expect(store.batches.map((b) => b.length)).toEqual([3, 3, 1]);
  });

  it('collects what arrives during a write into the next batch', async () => {
    const { store, log } = setup({ maxBatch: 100, maxPending: 1000, retryMs: 5, lingerMs: 0 });
    store.holdWrites();
    await log.append(entry(0));
    await vi.waitFor(() => expect(store.asked).toBe(1), { interval: 1 });
    for (let i = 1; i <= 5; i++) await log.append(entry(i));
    store.release();
    await log.flush();
    expect(store.batches.map((b) => b.length)).toEqual([1, 5]);
    expect(store.written).toEqual(Array.from({ length: 6 }, (_, i) => entry(i)));
  });

  it('keeps entries the store refused and writes them when it is back', async () => {
    const { store, log, failures, dropped } = setup();
    store.refusing = true;
    await log.append(entry(0));
    await log.append(entry(1));
    await tick(2);
    expect(failures.length).toBeGreaterThan(0);
    store.refusing = false;
    await tick(30);
    expect(store.written).toEqual([entry(0), entry(1)]);
    expect(dropped).toEqual([]);
  });

  it('hands the oldest entries to onDropped, complete, when the store refuses past the limit', async () => {
    const { store, log, dropped } = setup();
    store.refusing = true;
    for (let i = 0; i < 12; i++) await log.append(entry(i));
    expect(dropped).toEqual([entry(0), entry(1)]);
    store.refusing = false;
    await log.flush();
    expect(store.written).toEqual(Array.from({ length: 10 }, (_, i) => entry(i + 2)));
  });

  it('flush gives up after its timeout and hands what is left to onDropped', async () => {
    const { store, log, dropped } = setup();
    store.refusing = true;
    await log.append(entry(0));
    await log.flush(20);
    expect(dropped).toEqual([entry(0)]);
    expect(store.written).toEqual([]);
  });

  it('a reader sees every notice appended before it asked', async () => {
    const { log } = setup();
    const e = entry(42);
    await log.append(e);
    expect(await log.forOrder(e.outTradeNo!)).toEqual([e]);
  });
});
