import { z } from 'zod';
import type { HostPort, RedisTarget } from '../../adapters/redis/redis-client.js';
import { optionalText, type Reading } from './fields.js';

/** `host:port,host:port`: a bracketed IPv6 address keeps its colons ([::1]:26379). */
const ADDRESS = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):([0-9]{1,5})$/;

function addresses(value: string): HostPort[] | undefined {
  const list = value.split(',').map((a) => a.trim());
  const parsed = list.map((a) => ADDRESS.exec(a));
  if (parsed.some((m) => m === null)) return undefined;
  const result = parsed.map((m) => ({ host: m![1]!.replace(/^\[|\]$/g, ''), port: Number(m![2]) }));
  return result.every((a) => a.port >= 1 && a.port <= 65_535) ? result : undefined;
}

const addressList = optionalText.refine(
  (v) => v === undefined || addresses(v) !== undefined,
  'must be host:port[,host:port…] (ports 1 to 65535)',
);

/**
 * Which Redis, if any: one server (REDIS_URL), a master behind Sentinels (REDIS_SENTINELS + REDIS_SENTINEL_MASTER), or
 * a Cluster (REDIS_CLUSTER_NODES). None: in-process locks and leases, one instance only.
 */
export const REDIS_FIELDS = {
  REDIS_URL: optionalText.refine((v) => v === undefined || /^rediss?:\/\//.test(v), 'must be redis://… or rediss://…'),
  REDIS_SENTINELS: addressList,
  REDIS_SENTINEL_MASTER: optionalText.refine((v) => v === undefined || /^[\w.-]{1,64}$/.test(v), 'letters, digits and _ . - only'),
  REDIS_SENTINEL_PASSWORD: optionalText,
  REDIS_CLUSTER_NODES: addressList,
  /** The data nodes' password with Sentinel or Cluster (REDIS_URL carries its own). */
  REDIS_PASSWORD: optionalText,
  /** No braces: a {hash tag} in the prefix would put every key of the deployment in one Cluster slot. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/, 'letters, digits and _ : . - only')
    .default('wxpay:'),
} as const;

type RedisReading = Reading<typeof REDIS_FIELDS>;

const MODES = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const;

export function redisProblems(r: RedisReading): string[] {
  const chosen = MODES.filter((name) => r.given(name));
  return [
    ...(chosen.length > 1 ? [`${chosen.join(', ')}: set only one (standalone, Sentinel or Cluster)`] : []),
    ...(r.given('REDIS_SENTINELS') && !r.given('REDIS_SENTINEL_MASTER')
      ? ['REDIS_SENTINEL_MASTER: is required with REDIS_SENTINELS (the name the Sentinels monitor the master under)']
      : []),
    ...(!r.given('REDIS_SENTINELS') && r.given('REDIS_SENTINEL_MASTER')
      ? ['REDIS_SENTINEL_MASTER: is set but REDIS_SENTINELS is not']
      : []),
    ...(!r.given('REDIS_SENTINELS') && r.given('REDIS_SENTINEL_PASSWORD')
      ? ['REDIS_SENTINEL_PASSWORD: is set but REDIS_SENTINELS is not']
      : []),
    ...(r.given('REDIS_PASSWORD') && !r.given('REDIS_SENTINELS') && !r.given('REDIS_CLUSTER_NODES')
      ? [
          'REDIS_PASSWORD: applies to REDIS_SENTINELS or REDIS_CLUSTER_NODES; with REDIS_URL put it in the URL (redis://:password@host:port)',
        ]
      : []),
  ];
}

/** The configured Redis (only once redisProblems found nothing). */
export function redisTarget(r: RedisReading): RedisTarget | undefined {
  const e = r.values;
  const password = e.REDIS_PASSWORD === undefined ? {} : { password: e.REDIS_PASSWORD };
  if (e.REDIS_URL !== undefined) return { mode: 'standalone', url: e.REDIS_URL };
  if (e.REDIS_SENTINELS !== undefined && e.REDIS_SENTINEL_MASTER !== undefined) {
    return {
      mode: 'sentinel',
      sentinels: addresses(e.REDIS_SENTINELS) ?? [],
      masterName: e.REDIS_SENTINEL_MASTER,
      ...password,
      ...(e.REDIS_SENTINEL_PASSWORD === undefined ? {} : { sentinelPassword: e.REDIS_SENTINEL_PASSWORD }),
    };
  }
  if (e.REDIS_CLUSTER_NODES !== undefined) return { mode: 'cluster', nodes: addresses(e.REDIS_CLUSTER_NODES) ?? [], ...password };
  return undefined;
}
