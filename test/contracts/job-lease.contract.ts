import { describe, expect, it } from 'vitest';
import type { JobLease } from '../../src/application/ports/job-lease.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * What every JobLease must do. `fresh` may return a different instance per call (as separate processes would have);
 * they must still exclude each other. Job names are unique per test.
 */
export function jobLeaseContract(name: string, fresh: () => Promise<JobLease>): void {
  const job = (): string => `contract-${Math.random().toString(36).slice(2)}`;
  const timing = { ttlMs: 150, renewEveryMs: 50 };

  describe(`JobLease contract: ${name}`, () => {
    it('runs the work and hands back its value', async () => {
      const lease = await fresh();
      expect(await lease.runExclusive(job(), timing, async () => 42)).toEqual({ ran: true, value: 42 });
    });

    it('keeps a second holder out while the first runs, past the TTL, and lets it in afterwards', async () => {
      const [a, b] = [await fresh(), await fresh()];
      const j = job();
      let second: unknown;
      const first = a.runExclusive(j, timing, async () => {
        await sleep(400); // well past one TTL: only renewal keeps the lease
        second = await b.runExclusive(j, timing, async () => 'b');
        await sleep(20);
        return 'a';
      });
      await sleep(200);
      expect(await b.runExclusive(j, timing, async () => 'b')).toEqual({ ran: false });
      expect(await first).toEqual({ ran: true, value: 'a' });
      expect(second).toEqual({ ran: false });
      expect(await b.runExclusive(j, timing, async () => 'b')).toEqual({ ran: true, value: 'b' });
    });

    it('does not serialise different jobs', async () => {
      const lease = await fresh();
      const [x, y] = await Promise.all([
        lease.runExclusive(job(), timing, async () => {
          await sleep(50);
          return 'x';
        }),
        lease.runExclusive(job(), timing, async () => {
          await sleep(50);
          return 'y';
        }),
      ]);
      expect([x, y]).toEqual([
        { ran: true, value: 'x' },
        { ran: true, value: 'y' },
      ]);
    });

    it('releases the lease when the work throws, and passes the error on', async () => {
      const lease = await fresh();
      const j = job();
      await expect(
        lease.runExclusive(j, timing, async () => {
          throw new Error('job failed');
        }),
      ).rejects.toThrow('job failed');
      expect(await lease.runExclusive(j, timing, async () => 'again')).toEqual({ ran: true, value: 'again' });
    });

    it('gives the work a signal that stays quiet while the lease is held', async () => {
      const lease = await fresh();
      const result = await lease.runExclusive(job(), timing, async (signal) => {
        await sleep(300);
        return signal.aborted;
      });
      expect(result).toEqual({ ran: true, value: false });
    });
  });
}
