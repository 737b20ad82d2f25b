import { Redis, type Cluster, type RedisOptions } from 'ioredis';

/** What the lock and lease need: a standalone client or a Cluster client (keys carry {hash tags}). */
export type RedisClient = Redis | Cluster;

/**
 * A dead or slow Redis must cost a request a second or two, never hang it: commands are not queued while
 * disconnected (they fail at once), a reply slower than `commandTimeout` fails, and a failed command is not resent.
 * Reconnection continues in the background with a capped backoff.
 */
export const FAIL_FAST_REDIS_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  connectTimeout: 1_500,
  commandTimeout: 1_000,
  maxRetriesPerRequest: 1,
  retryStrategy: (times) => Math.min(50 * 2 ** times, 2_000),
  lazyConnect: true,
};

export interface ConnectRedisOptions {
  /** Connection errors (also reported by the failing commands); without a handler they are dropped. */
  readonly onError?: (error: Error) => void;
  readonly overrides?: RedisOptions;
}

/** Connects with the fail-fast options and resolves once the client is ready; rejects (and stops retrying) if not. */
export async function connectRedis(url: string, options: ConnectRedisOptions = {}): Promise<Redis> {
  const client = new Redis(url, { ...FAIL_FAST_REDIS_OPTIONS, ...options.overrides });
  client.on('error', options.onError ?? (() => {}));
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw error;
  }
  return client;
}
