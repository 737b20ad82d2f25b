import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectRedis, FAIL_FAST_REDIS_OPTIONS, keepConnected } from '../../src/adapters/redis/redis-client.js';
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
    const key = `${prefix}{${job}}`;
    const run = await new RedisJobLease(a!, { prefix }).runExclusive(job, { ttlMs: 1_000, renewEveryMs: 50 }, async (signal) => {
      await a!.set(key, 'someone-else', 'PX', 5_000); // the lease lapsed and another instance took it
      for (let i = 0; i < 40 && !signal.aborted; i++) await sleep(10);
      return signal.reason;
    });
    expect(run.ran && run.value).toBeInstanceOf(JobLeaseLostError);
    expect(await a!.get(key)).toBe('someone-else');
    await a!.del(key);
  });
});

/**
 * A lock wait far longer than the fail-fast client options (FAIL_FAST_REDIS_OPTIONS: connect 1.5 s, command 1 s): a
 * lock that polled a failing Redis until its wait ran out, instead of rejecting on the error, ends past this bound.
 */
const LONG_WAIT_MS = 20_000;

describeWith('Redis lock when Redis fails', () => {
  it('rejects on the error, not at the end of its wait, once the Redis process is gone; release does not throw', async () => {
    const redis = await startPrivateRedis();
    const client = await connectRedis(redis.url);
    const releaseErrors: unknown[] = [];
    const lock = new RedisLock(client, { prefix, onReleaseError: (_key, e) => releaseErrors.push(e) });
    try {
      const held = await lock.acquire('down:{1}', { ttlMs: 5_000, waitMs: 0 });
      expect(held).toBeDefined();
      await redis.stop();
      const attempt = await timed(() => lock.acquire('down:{2}', { ttlMs: 5_000, waitMs: LONG_WAIT_MS }));
      expect(attempt.error).toBeInstanceOf(Error);
      expect(attempt.ms).toBeLessThan(LONG_WAIT_MS);
      await expect(held!.release()).resolves.toBeUndefined();
      expect(releaseErrors).toHaveLength(1);
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });

  it('rejects on the command timeout, not at the end of its wait, when Redis stops answering (connection open, no replies)', async () => {
    const proxy = await startSwitchableProxy(Number(new URL(REDIS_URL).port || 6379));
    const client = await connectRedis(`redis://127.0.0.1:${proxy.port}`);
    try {
      const lock = new RedisLock(client, { prefix });
      expect(await lock.acquire(`silent:{${Date.now()}}`, { ttlMs: 200, waitMs: 0 })).toBeDefined();
      proxy.stall();
      const attempt = await timed(() => lock.acquire(`silent:{${Date.now()}}`, { ttlMs: 5_000, waitMs: LONG_WAIT_MS }));
      expect(attempt.error).toBeInstanceOf(Error);
      expect(String(attempt.error)).toMatch(/timed? ?out/i);
      expect(attempt.ms).toBeLessThan(LONG_WAIT_MS);
    } finally {
      client.disconnect();
      await proxy.close();
    }
  });

  it('connects again, once Redis is back, a client that ioredis gave up on (keepConnected)', async () => {
    const proxy = await startSwitchableProxy(Number(new URL(REDIS_URL).port || 6379));
    // A client that gives up at the first dropped connection, as ioredis does when a reconnection is interrupted.
    const client = await connectRedis(`redis://127.0.0.1:${proxy.port}`, { overrides: { retryStrategy: () => null } });
    let gaveUp = 0;
    const close = keepConnected(client, () => gaveUp++, 100);
    try {
      proxy.down();
      while (client.status !== 'end') await sleep(20);
      proxy.up();
      let answer: unknown;
      for (let i = 0; i < 200 && answer !== 'PONG'; i++) {
        answer = await client.ping().catch(() => undefined);
        if (answer !== 'PONG') await sleep(50);
      }
      expect(answer).toBe('PONG');
      expect(gaveUp).toBeGreaterThanOrEqual(1);
    } finally {
      close();
      await proxy.close();
    }
  });

  it('fails to connect, and stops retrying, when nothing listens', async () => {
    const port = await freePort();
    // A refused connection fails at once; a client that kept retrying (2 s backoff) would never settle. Five connect
    // timeouts is room for a loaded machine, far below "never".
    const attempt = await timed(() => connectRedis(`redis://127.0.0.1:${port}`));
    expect(attempt.error).toBeInstanceOf(Error);
    expect(attempt.ms).toBeLessThan(5 * Number(FAIL_FAST_REDIS_OPTIONS.connectTimeout));
  });

  it('aborts a job whose lease cannot be renewed for a whole TTL', async () => {
    const redis = await startPrivateRedis();
    const client = await connectRedis(redis.url);
    try {
      const ttlMs = 400;
      const started = Date.now();
      // The work waits for the abort; 50 TTLs is only the point where the test stops waiting for it.
      const run = await new RedisJobLease(client, { prefix }).runExclusive('orphaned', { ttlMs, renewEveryMs: 100 }, async (signal) => {
        await redis.stop();
        while (!signal.aborted && Date.now() - started < 50 * ttlMs) await sleep(20);
        return { reason: signal.reason as unknown, after: Date.now() - started };
      });
      expect(run).toMatchObject({ ran: true, value: { reason: expect.any(JobLeaseLostError) } });
      expect(String(run.ran && run.value.reason)).toContain(`lease not renewed for ${ttlMs} ms`);
      // Not before a whole TTL without renewal: the lease was still ours until then.
      expect(run.ran && run.value.after).toBeGreaterThanOrEqual(ttlMs);
    } finally {
      client.disconnect();
      await redis.stop();
    }
  });
});
