import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectRedis } from '../../src/adapters/redis/redis-client.js';
import { JobLeaseLostError, RedisJobLease } from '../../src/adapters/redis/redis-job-lease.js';
import { RedisLock } from '../../src/adapters/redis/redis-lock.js';
import { jobLeaseContract } from '../contracts/job-lease.contract.js';
import { lockContract } from '../contracts/lock.contract.js';
import { describeIfServices, REDIS_URL } from '../support/integration.js';
import { freePort, startPrivateRedis } from '../support/private-redis.js';
import { startSwitchableProxy } from '../support/switchable-proxy.js';

const describeWith = await describeIfServices(['redis']);
const prefix = `wxpay-test:${process.pid}:`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** How long a call took, and whether it rejected. */
async function timed(run: () => Promise<unknown>): Promise<{ ms: number; error?: unknown }> {
  const started = Date.now();
  try {
    await run();
    return { ms: Date.now() - started };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

describeWith('Redis lock and job lease on a live Redis', () => {
  const clients: Redis[] = [];
  let turn = 0;
  beforeAll(async () => {
    clients.push(await connectRedis(REDIS_URL), await connectRedis(REDIS_URL));
  });
  afterAll(async () => {
    // Contract leases left held expire by their TTL; remove them now so the shared server keeps nothing of ours.
    const keys = await clients[0]?.keys(`${prefix}*`);
    if (keys && keys.length > 0) await clients[0]!.del(...keys);
    for (const c of clients) await c.quit();
  });
  // Alternate clients, as separate processes would have their own connections.
  const nextClient = (): Redis => clients[turn++ % clients.length]!;

  lockContract('Redis', async () => new RedisLock(nextClient(), { prefix }));
  jobLeaseContract('Redis', async () => new RedisJobLease(nextClient(), { prefix }));

  it("keeps the caller's {hash tag} inside the prefixed key and sets the TTL", async () => {
    const lease = await new RedisLock(clients[0]!, { prefix }).acquire('prepay:{9:3:WXPAY}', { ttlMs: 5_000, waitMs: 0 });
    const ttl = await clients[0]!.pttl(`${prefix}prepay:{9:3:WXPAY}`);
    expect(ttl).toBeGreaterThan(4_000);
    await lease!.release();
    expect(await clients[0]!.exists(`${prefix}prepay:{9:3:WXPAY}`)).toBe(0);
  });

  it("aborts the work when its job lease is taken over, and leaves the new holder's key alone", async () => {
    const [a] = clients;
    const job = `takeover-${Date.now()}`;
    const run = await new RedisJobLease(a!, { prefix }).runExclusive(job, { ttlMs: 1_000, renewEveryMs: 50 }, async (signal) => {
      await a!.set(`${prefix}${job}`, 'someone-else', 'PX', 5_000); // the lease lapsed and another instance took it
      for (let i = 0; i < 40 && !signal.aborted; i++) await sleep(10);
      return signal.reason;
    });
    expect(run.ran && run.value).toBeInstanceOf(JobLeaseLostError);
    expect(await a!.get(`${prefix}${job}`)).toBe('someone-else');
    await a!.del(`${prefix}${job}`);
  });
});

describeWith('Redis lock when Redis fails', () => {
  it('rejects within 2 s once the Redis process is gone, and release does not throw', async () => {
    const redis = await startPrivateRedis();
    const client = await connectRedis(redis.url);
    const releaseErrors: unknown[] = [];
    const lock = new RedisLock(client, { prefix, onReleaseError: (_key, e) => releaseErrors.push(e) });
    try {
      const held = await lock.acquire('down:{1}', { ttlMs: 5_000, waitMs: 0 });
      expect(held).toBeDefined();
      await redis.stop();
      const attempt = await timed(() => lock.acquire('down:{2}', { ttlMs: 5_000, waitMs: 5_000 }));
      expect(attempt.error).toBeInstanceOf(Error);
      expect(attempt.ms).toBeLessThan(2_000);
      await expect(held!.release()).resolves.toBeUndefined();
      expect(releaseErrors).toHaveLength(1);
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });

  it('rejects within 2 s when Redis stops answering (connection open, no replies)', async () => {
    const proxy = await startSwitchableProxy(Number(new URL(REDIS_URL).port || 6379));
    const client = await connectRedis(`redis://127.0.0.1:${proxy.port}`);
    try {
      const lock = new RedisLock(client, { prefix });
      expect(await lock.acquire(`silent:{${Date.now()}}`, { ttlMs: 200, waitMs: 0 })).toBeDefined();
      proxy.stall();
      const attempt = await timed(() => lock.acquire(`silent:{${Date.now()}}`, { ttlMs: 5_000, waitMs: 5_000 }));
      expect(attempt.error).toBeInstanceOf(Error);
      expect(attempt.ms).toBeLessThan(2_000);
    } finally {
      client.disconnect();
      await proxy.close();
    }
  });

  it('fails to connect within 2 s when nothing listens', async () => {
    const port = await freePort();
    const attempt = await timed(() => connectRedis(`redis://127.0.0.1:${port}`));
    expect(attempt.error).toBeInstanceOf(Error);
    expect(attempt.ms).toBeLessThan(2_000);
  });

  it('aborts a job whose lease cannot be renewed for a whole TTL', async () => {
    const redis = await startPrivateRedis();
    const client = await connectRedis(redis.url);
    try {
      const started = Date.now();
      const run = await new RedisJobLease(client, { prefix }).runExclusive(
        'orphaned',
        { ttlMs: 400, renewEveryMs: 100 },
        async (signal) => {
          await redis.stop();
          while (!signal.aborted && Date.now() - started < 3_000) await sleep(20);
          return { aborted: signal.aborted, after: Date.now() - started };
        },
      );
      expect(run).toMatchObject({ ran: true, value: { aborted: true } });
      expect(run.ran && run.value.after).toBeLessThan(1_500);
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });
});
