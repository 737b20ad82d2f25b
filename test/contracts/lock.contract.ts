import { describe, expect, it } from 'vitest';
import type { Lock } from '../../src/application/ports/lock.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What every Lock must do, run against the in-memory lock and the Redis lock. Keys are unique per test. */
export function lockContract(name: string, fresh: () => Promise<Lock>): void {
  const key = (): string => `contract:{${Math.random().toString(36).slice(2)}}`;

  describe(`Lock contract: ${name}`, () => {
    it('excludes a second holder of the same key', async () => {
      const lock = await fresh();
      const k = key();
      const first = await lock.acquire(k, { ttlMs: 5_000, waitMs: 0 });
      expect(first).toBeDefined();
      expect(await lock.acquire(k, { ttlMs: 5_000, waitMs: 50 })).toBeUndefined();
      await first!.release();
      expect(await lock.acquire(k, { ttlMs: 5_000, waitMs: 0 })).toBeDefined();
    });

    it('does not serialise different keys', async () => {
      const lock = await fresh();
      expect(await lock.acquire(key(), { ttlMs: 5_000, waitMs: 0 })).toBeDefined();
      expect(await lock.acquire(key(), { ttlMs: 5_000, waitMs: 0 })).toBeDefined();
    });

    it('hands the key to a waiter once the holder releases it', async () => {
      const lock = await fresh();
      const k = key();
      const first = await lock.acquire(k, { ttlMs: 5_000, waitMs: 0 });
      const waiting = lock.acquire(k, { ttlMs: 5_000, waitMs: 2_000 });
      await sleep(30);
      await first!.release();
      expect(await waiting).toBeDefined();
    });

    it('lets the lease expire so a crashed holder cannot block the key', async () => {
      const lock = await fresh();
      const k = key();
      expect(await lock.acquire(k, { ttlMs: 100, waitMs: 0 })).toBeDefined();
      expect(await lock.acquire(k, { ttlMs: 100, waitMs: 1_000 })).toBeDefined();
    });

    it('never lets an expired holder release the next holder', async () => {
      const lock = await fresh();
      const k = key();
      const stale = await lock.acquire(k, { ttlMs: 80, waitMs: 0 });
      await sleep(150);
      const next = await lock.acquire(k, { ttlMs: 5_000, waitMs: 0 });
      expect(next).toBeDefined();
      await stale!.release();
      expect(await lock.acquire(k, { ttlMs: 5_000, waitMs: 50 })).toBeUndefined();
      await next!.release();
    });

    it('admits exactly one of many concurrent contenders', async () => {
      const lock = await fresh();
      const k = key();
      const leases = await Promise.all(Array.from({ length: 20 }, () => lock.acquire(k, { ttlMs: 5_000, waitMs: 0 })));
      expect(leases.filter(Boolean)).toHaveLength(1);
    });
  });
}
