import { execFileSync } from 'node:child_process';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobLease } from '../../src/application/ports/job-lease.js';
import type { Lock } from '../../src/application/ports/lock.js';
import { lockKey } from '../../src/application/payments/request-prepay.js';
import { refundLockKey } from '../../src/application/refunds/refund-order.js';
import { connectRedis, type HostPort, type RedisClient } from '../../src/adapters/redis/redis-client.js';
import { JOB_NAMES } from '../../src/composition/jobs.js';
import { TOKENS } from '../../src/composition/tokens.js';
import { jobLeaseContract } from '../contracts/job-lease.contract.js';
import { lockContract } from '../contracts/lock.contract.js';
import { describeIfAvailable } from '../support/integration.js';
import {
  redisBinariesUnavailable,
  startPrivateCluster,
  startPrivateSentinel,
  type PrivateCluster,
  type PrivateSentinel,
} from '../support/redis-topologies.js';
import { serviceContainer } from '../support/test-container.js';
import { freePort } from '../support/private-redis.js';

/**
 * The Redis lock and job lease on the two set-ups a shop moves to when one Redis is not enough, started here from
 * redis-server on private ports (the shared Redis is not touched): a three-master Cluster and a master + replica
 * watched by three Sentinels. The locks and leases are the ones the service's container builds from REDIS_* settings.
 */
const describeWith = describeIfAvailable('redis-server and redis-cli', redisBinariesUnavailable());

const hostPorts = (list: string): HostPort[] => list.split(',').map((a) => ({ host: a.split(':')[0]!, port: Number(a.split(':')[1]) }));

/** The lock and lease exactly as the composition wires them for this client and prefix. */
function serviceLocking(redis: RedisClient, prefix: string): { lock: Lock; lease: JobLease } {
  const container = serviceContainer({ REDIS_KEY_PREFIX: prefix }, { redis });
  return { lock: container.get(TOKENS.Lock), lease: container.get(TOKENS.JobLease) };
}

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

/** Runs every job under the lease at once and calls `inside` while all are held. */
async function holdingJobs<T>(lease: JobLease, jobs: readonly string[], inside: () => Promise<T>): Promise<T> {
  let release!: () => void;
  const allHeld = new Promise<void>((resolve) => (release = resolve));
  let started = 0;
  let entered!: () => void;
  const allEntered = new Promise<void>((resolve) => (entered = resolve));
  const runs = jobs.map((job) =>
    lease.runExclusive(job, { ttlMs: 10_000, renewEveryMs: 1_000 }, async () => {
      if (++started === jobs.length) entered();
      await allHeld;
    }),
  );
  await allEntered;
  try {
    return await inside();
  } finally {
    release();
    await Promise.all(runs);
  }
}

/** Every key under `prefix`, with the port of the master that holds it. */
async function keysOnMasters(client: Cluster, prefix: string): Promise<{ key: string; port: number }[]> {
  const found: { key: string; port: number }[] = [];
  for (const node of client.nodes('master')) {
    for (const key of await node.keys(`${prefix}*`)) found.push({ key, port: Number(node.options.port) });
  }
  return found;
}

/** A wait far beyond the fail-fast bounds (commands 1 s, redirections about 1 s): a client that hung would reach it. */
const LONG_WAIT_MS = 20_000;

describeWith('Redis Cluster: three masters on private ports', () => {
  let cluster: PrivateCluster;
  const clients: Cluster[] = [];
  let turn = 0;
  beforeAll(async () => {
    cluster = await startPrivateCluster();
    // Each client knows one seed only: it must find the other masters itself.
    for (const seed of cluster.seeds.split(',').slice(0, 2)) {
      clients.push((await connectRedis({ mode: 'cluster', nodes: hostPorts(seed) })) as Cluster);
    }
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await cluster?.stop();
  });
  const next = (): Cluster => clients[turn++ % clients.length]!;

  describe('through the service container (REDIS_CLUSTER_NODES)', () => {
    lockContract('Redis Cluster', async () => serviceLocking(next(), 'wxpay-cluster:').lock);
    jobLeaseContract('Redis Cluster', async () => serviceLocking(next(), 'wxpay-cluster:').lease);
  });

  it("puts every lock and lease key the service writes in its hash tag's slot, spread over the masters", async () => {
    const prefix = `keys-${Date.now()}:`;
    const { lock, lease } = serviceLocking(clients[0]!, prefix);
    const locks = [
      ...[1, 2, 3, 4, 5, 6].map((uid) => lockKey({ uid, goodsId: 7, paidType: 'WXPAY' })),
      ...['WX1001', 'WX1002', 'WX1003', 'WX1004', 'WX1005', 'WX1006'].map((no) => refundLockKey(no)),
      // Another merchant's keys name it inside their hash tag.
      lockKey({ uid: 7, goodsId: 7, paidType: 'WXPAY' }, 'east'),
      refundLockKey('WX1007', 'east'),
    ];
    const leases = await Promise.all(locks.map((k) => lock.acquire(k, { ttlMs: 10_000, waitMs: 0 })));
    expect(leases.every(Boolean)).toBe(true);
    // The job leases are held while their work runs: the keys are listed from inside.
    const written = await holdingJobs(lease, [...JOB_NAMES], () => keysOnMasters(clients[0]!, prefix));
    await Promise.all(leases.map((l) => l!.release()));

    expect(written).toHaveLength(locks.length + JOB_NAMES.length);
    const masters = new Set<number>();
    for (const { key, port } of written) {
      const tag = /\{([^}]+)\}/.exec(key)?.[1];
      expect(tag, key).toBeDefined();
      const slot = Number(await clients[0]!.cluster('KEYSLOT', key));
      expect(slot, key).toBe(Number(await clients[0]!.cluster('KEYSLOT', tag!)));
      expect(cluster.masterOf(slot).port, key).toBe(port);
      masters.add(port);
    }
    // The prefix does not decide the slot: 20 keys over three masters all on one would mean it did.
    expect(masters.size).toBeGreaterThan(1);
  });

  it('fails fast when no seed node answers', async () => {
    const attempt = await timed(() => connectRedis({ mode: 'cluster', nodes: [{ host: '127.0.0.1', port: 1 }] }));
    expect(attempt.error).toBeInstanceOf(Error);
  });

  // Last: it leaves the cluster without a master for one third of its slots (three masters, no replica).
  it("rejects on the error, not at the end of its wait, once the master owning the key's slot is killed", async () => {
    const { lock } = serviceLocking(clients[0]!, 'wxpay-dead:');
    const key = lockKey({ uid: 42, goodsId: 1, paidType: 'WXPAY' });
    const inner = (lock as unknown as { inner: Lock }).inner;
    expect(await inner.acquire(key, { ttlMs: 200, waitMs: 0 })).toBeDefined();
    const slot = Number(await clients[0]!.cluster('KEYSLOT', `wxpay-dead:lock:${key}`));
    await cluster.masterOf(slot).kill();
    const attempt = await timed(() => inner.acquire(key, { ttlMs: 5_000, waitMs: LONG_WAIT_MS }));
    expect(attempt.error).toBeInstanceOf(Error);
    expect(attempt.ms).toBeLessThan(LONG_WAIT_MS);
    // The service's prepay lock fails open on such an error: the database's guards decide alone.
    expect(await lock.acquire(key, { ttlMs: 5_000, waitMs: LONG_WAIT_MS })).toBeDefined();
  });
});

describeWith('Redis Sentinel: master, replica and three Sentinels on private ports', () => {
  let setup: PrivateSentinel;
  const clients: Redis[] = [];
  let turn = 0;
  beforeAll(async () => {
    setup = await startPrivateSentinel();
    for (let i = 0; i < 2; i++) {
      clients.push(
        (await connectRedis({ mode: 'sentinel', sentinels: hostPorts(setup.addresses), masterName: setup.masterName })) as Redis,
      );
    }
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await setup?.stop();
  });
  const next = (): Redis => clients[turn++ % clients.length]!;

  describe('through the service container (REDIS_SENTINELS)', () => {
    lockContract('Redis Sentinel', async () => serviceLocking(next(), 'wxpay-sentinel:').lock);
    jobLeaseContract('Redis Sentinel', async () => serviceLocking(next(), 'wxpay-sentinel:').lease);
  });

  it('fails fast when no Sentinel answers', async () => {
    const port = await freePort();
    const attempt = await timed(() => connectRedis({ mode: 'sentinel', sentinels: [{ host: '127.0.0.1', port }], masterName: 'm' }));
    expect(attempt.error).toBeInstanceOf(Error);
    expect(String(attempt.error)).toMatch(/sentinels are unreachable/i);
  });

  it('follows a switchover: the old master demoted and still up, the same client writes to the new one', async () => {
    const { lock } = serviceLocking(clients[1]!, 'wxpay-switchover:');
    const inner = (lock as unknown as { inner: Lock }).inner;
    expect(await inner.acquire('before', { ttlMs: 60_000, waitMs: 0 })).toBeDefined();
    const [sentinel] = setup.sentinels;
    execFileSync('redis-cli', ['-p', String(sentinel!.port), 'SENTINEL', 'FAILOVER', setup.masterName]);
    let after: unknown;
    for (let i = 0; i < 300 && after === undefined; i++) {
      const info = await clients[1]!.info('server').catch(() => '');
      if (info.includes(`tcp_port:${setup.replica.port}\r\n`))
        after = await inner.acquire('after', { ttlMs: 5_000, waitMs: 0 }).catch(() => undefined);
      if (after === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(after).toBeDefined();
    // Back, so that the next test kills the master the set-up names.
    execFileSync('redis-cli', ['-p', String(sentinel!.port), 'SENTINEL', 'FAILOVER', setup.masterName]);
    for (let i = 0; i < 300; i++) {
      if ((await clients[0]!.info('server').catch(() => '')).includes(`tcp_port:${setup.master.port}\r\n`)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it('fails fast while the master is down, and finds the promoted replica by itself', async () => {
    const { lock } = serviceLocking(clients[0]!, 'wxpay-failover:');
    const inner = (lock as unknown as { inner: Lock }).inner;
    const held = await inner.acquire('before', { ttlMs: 60_000, waitMs: 0 });
    expect(held).toBeDefined();
    await setup.master.kill();
    const attempt = await timed(() => inner.acquire('during', { ttlMs: 5_000, waitMs: LONG_WAIT_MS }));
    expect(attempt.error).toBeInstanceOf(Error);
    expect(attempt.ms).toBeLessThan(LONG_WAIT_MS);
    // The Sentinels promote the replica; the same client reaches it without being told.
    let after: unknown;
    for (let i = 0; i < 300 && after === undefined; i++) {
      after = await inner.acquire('after', { ttlMs: 5_000, waitMs: 0 }).catch(() => undefined);
      if (after === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(after).toBeDefined();
    expect((await clients[0]!.info('replication')).split('\r\n')).toContain('role:master');
    expect(await clients[0]!.info('server')).toContain(`tcp_port:${setup.replica.port}\r\n`);
  });
});
