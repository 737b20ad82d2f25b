import { randomUUID } from 'node:crypto';
import type { Lock, LockLease, LockOptions } from '../../application/ports/lock.js';
import type { RedisClient } from './redis-client.js';

/** Deletes the key only while it still holds our token, so an expired holder never frees the next holder's lease. */
export const COMPARE_AND_DELETE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface RedisLockOptions {
  /** Prepended to every key (see hashTagged). Default 'wxpay:lock:'. */
  readonly prefix?: string;
  /** First and longest pause between attempts while the key is held (jittered, doubling). Defaults 5 and 100 ms. */
  readonly pollMinMs?: number;
  readonly pollMaxMs?: number;
  /**
   * Release failures are not thrown: the lease ends by its TTL anyway, and a caller's finally block must not turn
   * finished work into an error. They are reported here.
   */
  readonly onReleaseError?: (key: string, error: unknown) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `SET key token NX PX ttl` per key, with bounded waiting by short jittered polls. Works with a fail-fast client
 * (see connectRedis): when Redis is unreachable acquire rejects within the client's command timeout instead of
 * hanging, and callers fall back on the database's compare-and-set guards.
 */
export class RedisLock implements Lock {
  private readonly prefix: string;
  private readonly pollMinMs: number;
  private readonly pollMaxMs: number;

  constructor(
    private readonly client: RedisClient,
    private readonly options: RedisLockOptions = {},
  ) {
    this.prefix = options.prefix ?? 'wxpay:lock:';
    this.pollMinMs = Math.max(1, options.pollMinMs ?? 5);
    this.pollMaxMs = Math.max(this.pollMinMs, options.pollMaxMs ?? 100);
  }

  async acquire(key: string, { ttlMs, waitMs }: LockOptions): Promise<LockLease | undefined> {
    if (!(ttlMs > 0)) throw new RangeError(`lock ttl must be positive: ${ttlMs}`);
    const redisKey = this.prefix + hashTagged(key);
    const token = randomUUID();
    const ttl = Math.ceil(ttlMs);
    const deadline = Date.now() + Math.max(0, waitMs);
    let pause = this.pollMinMs;
    for (;;) {
      if (await setIfAbsent(this.client, redisKey, token, ttl)) return this.lease(key, redisKey, token);
      const remaining = deadline - Date.now();
      if (remaining <= 0) return undefined;
      await sleep(Math.min(remaining, pause * (0.5 + Math.random())));
      pause = Math.min(pause * 2, this.pollMaxMs);
    }
  }

  private lease(key: string, redisKey: string, token: string): LockLease {
    let released = false;
    return {
      key,
      release: async () => {
        if (released) return;
        released = true;
        try {
          await this.client.eval(COMPARE_AND_DELETE, 1, redisKey, token);
        } catch (error) {
          this.options.onReleaseError?.(key, error);
        }
      },
    };
  }
}

/**
 * The key with a Redis Cluster hash tag: the caller's own `{…}` when it has one, else the whole key in braces. Cluster
 * then places the key by what is locked (an order, a job), never by the deployment's prefix (REDIS_KEY_PREFIX has no
 * braces): keys spread over the slots, and a script that one day touches a second key of the same thing (a fencing
 * counter beside a lock) finds it in the same slot. The rule is Cluster's: the first `{`, the first `}` after it, and
 * at least one character between.
 */
export function hashTagged(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key : `{${key}}`;
}

/**
 * `SET key token NX PX ttl`. A SET that fails on our side (command timeout) may still reach Redis afterwards and take
 * the key for a whole TTL under a token nobody holds; a compare-and-delete of our token, queued behind it on the same
 * connection, undoes such a late SET. Best effort: the TTL stays the backstop when Redis is gone altogether.
 */
export async function setIfAbsent(client: RedisClient, key: string, token: string, ttlMs: number): Promise<boolean> {
  try {
    return (await client.set(key, token, 'PX', ttlMs, 'NX')) === 'OK';
  } catch (error) {
    client.eval(COMPARE_AND_DELETE, 1, key, token).catch(() => undefined);
    throw error;
  }
}
