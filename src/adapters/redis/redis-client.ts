import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/** What the lock and lease need: a standalone client (alone or under Sentinel) or a Cluster client. */
export type RedisClient = Redis | Cluster;

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * Which Redis the service uses, as configured: one server by URL; a master found through Sentinel (and found again
 * after a failover); or a Cluster reached through any of its seed nodes.
 */
export type RedisTarget =
  | { readonly mode: 'standalone'; readonly url: string }
  | {
      readonly mode: 'sentinel';
      readonly sentinels: readonly HostPort[];
      readonly masterName: string;
      /** The master's and replicas' password (requirepass). */
      readonly password?: string;
      /** The Sentinels' own password, when they require one. */
      readonly sentinelPassword?: string;
    }
  | { readonly mode: 'cluster'; readonly nodes: readonly HostPort[]; readonly password?: string };

/** The target in one line for logs and start-up errors; never a password. */
export function describeRedisTarget(target: RedisTarget): string {
  const list = (nodes: readonly HostPort[]): string => nodes.map((n) => `${n.host}:${n.port}`).join(',');
  if (target.mode === 'standalone') return target.url;
  if (target.mode === 'sentinel') return `sentinel ${target.masterName}@${list(target.sentinels)}`;
  return `cluster ${list(target.nodes)}`;
}

/** Reconnection in the background: soon at first, then every 2 s at most. */
const backoff = (times: number): number => Math.min(50 * 2 ** times, 2_000);

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
  retryStrategy: backoff,
  lazyConnect: true,
};

/**
 * Sentinel: the same per-command bounds, and the master asked of the Sentinels again whenever the connection drops (a
 * killed master drops it; a demoted one closes its clients' connections). A READONLY reply (a master demoted under an
 * open connection) reconnects too, which asks the Sentinels again.
 *
 * Not ioredis's `failoverDetector`: on the Sentinels' +switch-master it closes the connector, and when that lands
 * while the client is between asking a Sentinel and connecting (as it is over and over while the old master is dead)
 * the reconnection fails as "closed" and the client ends for good. `npm run faults:scale` met it: two of three
 * instances never reached the promoted master.
 */
const SENTINEL_OPTIONS: RedisOptions = {
  ...FAIL_FAST_REDIS_OPTIONS,
  sentinelRetryStrategy: backoff,
  sentinelCommandTimeout: 1_000,
  failoverDetector: false,
  reconnectOnError: (error) => error.message.startsWith('READONLY'),
};

/**
 * Cluster: the per-node connections keep the per-command bounds (the Cluster client has its own offline queue, off
 * too). A MOVED or ASK redirection (slots migrated or a replica promoted) is followed up to 4 times; a node that went
 * away (its master failed, a replica not yet promoted) is retried after 200 ms up to those 4 times, so a command fails
 * within about a second instead of waiting for the failover.
 */
const CLUSTER_OPTIONS: ClusterOptions = {
  enableOfflineQueue: false,
  lazyConnect: true,
  clusterRetryStrategy: backoff,
  maxRedirections: 4,
  retryDelayOnFailover: 200,
  retryDelayOnClusterDown: 200,
  retryDelayOnTryAgain: 200,
  slotsRefreshTimeout: 1_500,
  redisOptions: {
    connectTimeout: FAIL_FAST_REDIS_OPTIONS.connectTimeout,
    commandTimeout: FAIL_FAST_REDIS_OPTIONS.commandTimeout,
    maxRetriesPerRequest: FAIL_FAST_REDIS_OPTIONS.maxRetriesPerRequest,
  },
};

export interface ConnectRedisOptions {
  /** Connection errors (also reported by the failing commands); without a handler they are dropped. */
  readonly onError?: (error: Error) => void;
  /** Standalone and Sentinel only. */
  readonly overrides?: RedisOptions;
}

/** A client for the target, with the fail-fast options; not yet connected. */
export function redisClientFor(target: RedisTarget, overrides: RedisOptions = {}): RedisClient {
  switch (target.mode) {
    case 'standalone':
      return new Redis(target.url, { ...FAIL_FAST_REDIS_OPTIONS, ...overrides });
    case 'sentinel':
      return new Redis({
        ...SENTINEL_OPTIONS,
        sentinels: target.sentinels.map((s) => ({ host: s.host, port: s.port })),
        name: target.masterName,
        ...(target.password === undefined ? {} : { password: target.password }),
        ...(target.sentinelPassword === undefined ? {} : { sentinelPassword: target.sentinelPassword }),
        ...overrides,
      });
    case 'cluster':
      return new Cluster(
        target.nodes.map((n) => ({ host: n.host, port: n.port })),
        {
          ...CLUSTER_OPTIONS,
          redisOptions: { ...CLUSTER_OPTIONS.redisOptions, ...(target.password === undefined ? {} : { password: target.password }) },
        },
      );
  }
}

/**
 * Connects with the fail-fast options and resolves once the client is ready; rejects (and stops retrying) if not:
 * a standalone server, Sentinels or Cluster seed nodes that cannot be reached fail the start instead of hanging it.
 */
export async function connectRedis(url: string, options?: ConnectRedisOptions): Promise<Redis>;
export async function connectRedis(target: RedisTarget, options?: ConnectRedisOptions): Promise<RedisClient>;
export async function connectRedis(target: RedisTarget | string, options: ConnectRedisOptions = {}): Promise<RedisClient> {
  const resolved: RedisTarget = typeof target === 'string' ? { mode: 'standalone', url: target } : target;
  const client = redisClientFor(resolved, options.overrides);
  client.on('error', options.onError ?? (() => {}));
  try {
    await (resolved.mode === 'sentinel' ? firstConnection(client) : client.connect());
  } catch (error) {
    client.disconnect();
    throw error;
  }
  return client;
}

/**
 * The Sentinel client's connect() keeps retrying when no Sentinel answers (or the master they name does not) and never
 * settles; at start-up the first such error is the answer.
 */
function firstConnection(client: RedisClient): Promise<void> {
  return new Promise((resolve, reject) => {
    // "Retrying from scratch after 100ms": not at start-up, where this error ends the attempt.
    const fail = (error: Error): void =>
      reject(new Error(error.message.replace(/ Retrying from scratch after \d+ms\./, ''), { cause: error }));
    client.once('error', fail);
    client.connect().then(
      () => {
        client.off('error', fail);
        resolve();
      },
      (error: unknown) => {
        client.off('error', fail);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * ioredis gives up on a connection attempt that a disconnect interrupts (status "end": no more retries); a service
 * must not, or its locks and leases stay away after Redis is back. An end nobody asked for is reported and followed,
 * `retryMs` later and again until it works, by a new connection. Returns the way to close the client for good.
 */
export function keepConnected(client: RedisClient, onGaveUp: () => void, retryMs = 2_000): () => void {
  let closing = false;
  client.on('end', () => {
    if (closing) return;
    onGaveUp();
    setTimeout(() => {
      if (!closing) client.connect().catch(() => undefined);
    }, retryMs).unref();
  });
  return () => {
    closing = true;
    client.disconnect();
  };
}
