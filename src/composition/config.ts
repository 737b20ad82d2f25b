import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { databaseCreateAllowed, DEFAULT_DATABASE_URL } from '../adapters/persistence/orm.js';
import { httpUrl, integer, optionalText, port, readFields, rule, secret, type Env, type Reading } from './settings/fields.js';
import { merchantId, WECHAT_PAY_FIELDS, wechatPayProblems, wechatPaySettings, type WechatPaySettings } from './settings/wechat-pay.js';
import { WECHAT_PAY_V2_FIELDS, wechatPayV2Problems, wechatPayV2Settings, type WechatPayV2Settings } from './settings/wechat-pay-v2.js';
import { readV3Settings, V3_VARIABLES, type V3Config } from './settings/wechat-pay-v3.js';
import { identityProblems, productionProblems } from './settings/production.js';
import { REDIS_FIELDS, redisProblems, redisTarget } from './settings/redis.js';
import type { RedisTarget } from '../adapters/redis/redis-client.js';
import { DEFAULT_MERCHANT_ID } from '../domain/merchant.js';
import { readMerchantsFile } from './settings/merchants-file.js';
import { defaultMiniProgram, type MerchantsSettings } from './settings/merchants-settings.js';

/** Where embedded defaults keep their files: the SQLite file's folder, or ./data for a server database. */
function dataFolder(databaseUrl: string): string {
  return databaseUrl.startsWith('sqlite:') ? dirname(resolve(databaseUrl.slice('sqlite:'.length))) : resolve('data');
}

export type { MerchantCertificate } from './settings/wechat-pay-v2.js';

/** The service's own settings; each gateway's live in settings/ (one module per gateway). */
const SERVICE_FIELDS = {
  NODE_ENV: optionalText,
  PORT: port.default('3000'),
  HOST: optionalText,
  HTTP_HEADERS_TIMEOUT_MS: integer(1_000, 120_000).default('10000'),
  HTTP_REQUEST_TIMEOUT_MS: integer(1_000, 600_000).default('30000'),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: integer(1_000, 600_000).default('65000'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .default(DEFAULT_DATABASE_URL)
    .refine((v) => /^(sqlite:.+|mysql:\/\/.+|mariadb:\/\/.+)$/.test(v), 'must be sqlite:<path> or mysql://user:pass@host:port/db'),
  DATABASE_CREATE: z.enum(['auto', 'yes', 'no']).default('auto'),
  SESSION_SECRET: secret(32),
  SESSION_TTL_SECONDS: integer(60, 30 * 86_400).default(String(7 * 86_400)),
  ADMIN_TOKEN: secret(16),
  ADMIN_PORT: optionalText.pipe(port.optional()),
  ADMIN_HOST: optionalText,
  METRICS_TOKEN: secret(16),
  MIGRATE_ON_START: z.enum(['auto', 'yes', 'no', 'true', 'false']).default('auto'),
  TRUST_PROXY_HOPS: integer(0, 10).default('0'),
  RECONCILE_INTERVAL_MS: integer(100).default('30000'),
  RECONCILE_FIRST_ASK_AFTER_MS: integer(0).default('60000'),
  EVENTS_WEBHOOK_URL: httpUrl,
  EVENTS_WEBHOOK_SECRET: secret(32),
  EVENTS_RELAY_INTERVAL_MS: integer(50).default('1000'),
  SANDBOX_TIME_SCALE: z.coerce.number().positive().max(1).default(1),
  SANDBOX_DATA_DIR: optionalText,
  DEMO_GOODS: z.enum(['auto', 'yes', 'no']).default('auto'),
  CONSOLE_SESSION_IDLE_MINUTES: integer(1, 1_440).default('30'),
  CONSOLE_SESSION_MAX_HOURS: integer(1, 168).default('12'),
  /** Every merchant and mini-program, in one JSON file (settings/merchants-file.ts); unset: the WECHAT_* variables' one. */
  MERCHANTS_FILE: optionalText,
} as const;

const FIELDS = { ...SERVICE_FIELDS, ...REDIS_FIELDS, ...WECHAT_PAY_FIELDS, ...WECHAT_PAY_V2_FIELDS } as const;

/** Every variable the service reads (.env.example and the README list exactly these). */
export const CONFIG_VARIABLES: readonly string[] = [...Object.keys(FIELDS), ...V3_VARIABLES];

/** Rules between the service's settings, on the values as parsed (their defaults included). */
function serviceProblems(r: Reading<typeof FIELDS>): string[] {
  return [
    ...rule(r, ['WECHAT_GATEWAY', 'SESSION_SECRET'], (v) =>
      v.WECHAT_GATEWAY === 'wechat' && v.SESSION_SECRET === undefined
        ? 'SESSION_SECRET: is required when WECHAT_GATEWAY=wechat'
        : undefined,
    ),
    ...rule(r, ['EVENTS_WEBHOOK_SECRET'], (v) =>
      r.given('EVENTS_WEBHOOK_URL') && v.EVENTS_WEBHOOK_SECRET === undefined
        ? 'EVENTS_WEBHOOK_SECRET: is required when EVENTS_WEBHOOK_URL is set'
        : undefined,
    ),
    ...rule(r, ['HTTP_HEADERS_TIMEOUT_MS', 'HTTP_REQUEST_TIMEOUT_MS'], (v) =>
      v.HTTP_HEADERS_TIMEOUT_MS > v.HTTP_REQUEST_TIMEOUT_MS
        ? 'HTTP_REQUEST_TIMEOUT_MS: must be at least HTTP_HEADERS_TIMEOUT_MS (a request includes its headers)'
        : undefined,
    ),
    // Port 0 asks for any free port: two of those never collide.
    ...rule(r, ['ADMIN_PORT', 'PORT'], (v) =>
      v.ADMIN_PORT !== undefined && v.ADMIN_PORT !== 0 && v.ADMIN_PORT === v.PORT
        ? 'ADMIN_PORT: must differ from PORT (the admin listener is a second one)'
        : undefined,
    ),
  ];
}

export interface Config {
  readonly production: boolean;
  /** The API new prepays (and every query, close and refund) use. */
  readonly apiVersion: 'v2' | 'v3';
  readonly port: number;
  /** Sandbox mode listens on loopback unless told otherwise: the simulator's control API must not face a network. */
  readonly host: string;
  readonly httpTimeouts: { readonly headersMs: number; readonly requestMs: number; readonly keepAliveMs: number };
  readonly logLevel: string;
  readonly databaseUrl: string;
  /** Create the database DATABASE_URL names when it is missing (DATABASE_CREATE; auto: not in production). */
  readonly createDatabase: boolean;
  /** Standalone (REDIS_URL), Sentinel or Cluster; unset: in-process locks and leases (one instance only). */
  readonly redis?: RedisTarget;
  /** Separates deployments that share one Redis (their locks and job leases must not meet). */
  readonly redisKeyPrefix: string;
  readonly gateway: 'sandbox' | 'wechat';
  readonly wechat: WechatPaySettings &
    WechatPayV2Settings & {
      /** API v3 settings, when v3 is chosen or configured (both configured: callbacks of both dialects are accepted). */
      readonly v3?: V3Config;
    };
  readonly sessionSecret: string;
  /** True when SESSION_SECRET was not given and a random one is used: tokens die with the process. */
  readonly ephemeralSessionSecret: boolean;
  readonly sessionTtlSeconds: number;
  readonly adminToken?: string;
  /** A second listener for /admin and /metrics (ADMIN_PORT); the public one then answers 404 for them. */
  readonly adminListener?: { readonly port: number; readonly host: string };
  /** Bearer token /metrics wants (METRICS_TOKEN); unset: open wherever /metrics is served. */
  readonly metricsToken?: string;
  /** Apply pending migrations at start-up; off: refuse to start while the schema is behind. */
  readonly migrateOnStart: boolean;
  readonly trustProxyHops: number;
  readonly reconcileIntervalMs: number;
  /** How old a prepay_id must be before reconciliation first asks WeChat about its order (its notify comes first). */
  readonly reconcileFirstAskAfterMs: number;
  readonly eventsWebhook?: { readonly url: string; readonly secret: string };
  readonly eventsRelayIntervalMs: number;
  readonly sandboxTimeScale: number;
  /** Where sandbox mode keeps the simulator's state and its API v3 keys: SANDBOX_DATA_DIR, else beside the SQLite file, else ./data. */
  readonly sandboxDataDir: string;
  readonly demoGoods: boolean;
  /** The operator console's sessions: they end after this long idle, and this long after sign-in regardless. */
  readonly console: { readonly sessionIdleMinutes: number; readonly sessionMaxHours: number };
  /**
   * Every merchant and mini-program: MERCHANTS_FILE's, or the environment's one merchant `default` with its one
   * (default) mini-program. With the file, `wechat` holds only where WeChat is reached and the default mini-program's
   * identity; each merchant's credentials are here.
   */
  readonly merchants: MerchantsSettings;
}

/** The variables that configure the one environment merchant: refused beside MERCHANTS_FILE, which configures them all. */
export const SINGLE_MERCHANT_VARIABLES: readonly string[] = [
  'WECHAT_API_VERSION',
  'WECHAT_APPID',
  'WECHAT_APP_SECRET',
  'WECHAT_MCH_ID',
  'WECHAT_NOTIFY_URL',
  'WECHAT_REFUND_NOTIFY_URL',
  ...Object.keys(WECHAT_PAY_V2_FIELDS).filter((name) => name !== 'WECHAT_SERVER_IP'),
  ...V3_VARIABLES,
];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates the environment once, reporting every problem in one message. */
export function loadConfig(env: Env, now: Date = new Date()): Config {
  const r = readFields(FIELDS, env);
  const e = r.values;
  const production = e.NODE_ENV === 'production';
  if (e.MERCHANTS_FILE !== undefined) return loadWithMerchantsFile(env, r, e.MERCHANTS_FILE, now);
  // A malformed WECHAT_API_VERSION or WECHAT_GATEWAY reads as neither v3 nor sandbox: the v3 settings are still checked.
  const v3 = readV3Settings(
    (key) => (env[key]?.trim() ? env[key]?.trim() : undefined),
    { chosen: e.WECHAT_API_VERSION === 'v3', sandbox: e.WECHAT_GATEWAY === 'sandbox', mchId: merchantId(r) },
    now,
  );
  const problems = [
    ...r.problems,
    ...identityProblems(env),
    ...wechatPayProblems(r, production),
    ...wechatPayV2Problems(r),
    ...serviceProblems(r),
    ...redisProblems(r),
    ...v3.problems,
    ...productionProblems(env, production),
  ];
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  const wechat = { ...wechatPaySettings(r), ...wechatPayV2Settings(r), ...(v3.settings === undefined ? {} : { v3: v3.settings }) };
  return {
    ...serviceSettings(r),
    apiVersion: e.WECHAT_API_VERSION,
    wechat,
    merchants: merchantsFromEnvironment(wechat, e.WECHAT_API_VERSION),
  };
}

/**
 * MERCHANTS_FILE: the service's variables as without it, every merchant from the file. The file's own problems and the
 * service's are reported together; a merchant whose credentials fail is not one of them (it starts unavailable).
 */
function loadWithMerchantsFile(env: Env, r: Reading<typeof FIELDS>, path: string, now: Date): Config {
  const e = r.values;
  const production = e.NODE_ENV === 'production';
  const both = SINGLE_MERCHANT_VARIABLES.filter((name) => (env[name]?.trim() ?? '') !== '');
  const file = readMerchantsFile(path, { env, now, live: e.WECHAT_GATEWAY === 'wechat', production });
  const problems = [
    ...r.problems,
    ...(both.length > 0
      ? [`MERCHANTS_FILE: configures every merchant; unset the single-merchant variables beside it (${both.join(', ')})`]
      : []),
    ...(file.ok ? [] : file.error),
    ...rule(r, ['WECHAT_GATEWAY'], (v) =>
      v.WECHAT_GATEWAY === 'sandbox' && production
        ? 'WECHAT_GATEWAY: sandbox refuses to run with NODE_ENV=production; set WECHAT_GATEWAY=wechat'
        : undefined,
    ),
    ...serviceProblems(r),
    ...redisProblems(r),
    ...productionProblems(env, production),
  ];
  if (problems.length > 0 || !file.ok) {
    throw new ConfigError(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  const merchants = file.value;
  const selling = defaultMiniProgram(merchants);
  const merchant = merchants.merchants.find((m) => m.id === selling.merchantId);
  const reached = wechatPaySettings(r);
  return {
    ...serviceSettings(r),
    apiVersion: merchant?.apiVersion ?? 'v2',
    wechat: {
      ...(reached.baseUrl === undefined ? {} : { baseUrl: reached.baseUrl }),
      ...(reached.loginBaseUrl === undefined ? {} : { loginBaseUrl: reached.loginBaseUrl }),
      appId: selling.appId,
      appSecret: selling.appSecret ?? '',
      mchId: merchant?.mchId ?? '',
      ...(merchant?.credentials?.v2 ? { apiKey: merchant.credentials.v2.apiKey } : {}),
      signType: merchant?.credentials?.v2?.signType ?? 'MD5',
      ...(e.WECHAT_SERVER_IP === undefined ? {} : { serverIp: e.WECHAT_SERVER_IP }),
      refundsEnabled: true,
    },
    merchants,
  };
}

/** Today's variables as the merchants structure: one merchant `default`, its mini-program the default one. */
function merchantsFromEnvironment(wechat: Config['wechat'], apiVersion: 'v2' | 'v3'): MerchantsSettings {
  return {
    source: { kind: 'environment' },
    merchants: [
      {
        id: DEFAULT_MERCHANT_ID,
        name: DEFAULT_MERCHANT_ID,
        mode: 'direct',
        apiVersion,
        appId: wechat.appId,
        appIds: [wechat.appId],
        mchId: wechat.mchId,
        ...(wechat.notifyUrl === undefined ? {} : { notifyUrl: wechat.notifyUrl }),
        ...(wechat.refundNotifyUrl === undefined ? {} : { refundNotifyUrl: wechat.refundNotifyUrl }),
        credentials: {
          ...(wechat.apiKey === undefined
            ? {}
            : // Its API certificate is opened and checked at start-up (merchant-certificate.ts), as before the file existed.
              { v2: { apiKey: wechat.apiKey, signType: wechat.signType, refundsEnabled: wechat.refundsEnabled } }),
          ...(wechat.v3 === undefined ? {} : { v3: wechat.v3 }),
        },
        problems: [],
      },
    ],
    miniPrograms: [
      {
        appId: wechat.appId,
        name: DEFAULT_MERCHANT_ID,
        merchantId: DEFAULT_MERCHANT_ID,
        appSecret: wechat.appSecret,
        default: true,
        problems: [],
      },
    ],
  };
}

type ServiceSettings = Omit<Config, 'apiVersion' | 'wechat' | 'merchants'>;

function serviceSettings(r: Reading<typeof FIELDS>): ServiceSettings {
  const e = r.values;
  const production = e.NODE_ENV === 'production';
  const sandbox = e.WECHAT_GATEWAY === 'sandbox';
  return {
    production,
    port: e.PORT,
    host: e.HOST ?? (sandbox ? '127.0.0.1' : '0.0.0.0'),
    httpTimeouts: { headersMs: e.HTTP_HEADERS_TIMEOUT_MS, requestMs: e.HTTP_REQUEST_TIMEOUT_MS, keepAliveMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS },
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    createDatabase: databaseCreateAllowed(e.DATABASE_CREATE, production),
    ...redisSetting(r),
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    gateway: e.WECHAT_GATEWAY,
    sessionSecret: e.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
    ephemeralSessionSecret: e.SESSION_SECRET === undefined,
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    ...(e.ADMIN_TOKEN === undefined ? {} : { adminToken: e.ADMIN_TOKEN }),
    ...(e.ADMIN_PORT === undefined ? {} : { adminListener: { port: e.ADMIN_PORT, host: e.ADMIN_HOST ?? '127.0.0.1' } }),
    ...(e.METRICS_TOKEN === undefined ? {} : { metricsToken: e.METRICS_TOKEN }),
    migrateOnStart: e.MIGRATE_ON_START === 'auto' ? !production : e.MIGRATE_ON_START === 'yes' || e.MIGRATE_ON_START === 'true',
    trustProxyHops: e.TRUST_PROXY_HOPS,
    reconcileIntervalMs: e.RECONCILE_INTERVAL_MS,
    reconcileFirstAskAfterMs: e.RECONCILE_FIRST_ASK_AFTER_MS,
    ...(e.EVENTS_WEBHOOK_URL !== undefined && e.EVENTS_WEBHOOK_SECRET !== undefined
      ? { eventsWebhook: { url: e.EVENTS_WEBHOOK_URL, secret: e.EVENTS_WEBHOOK_SECRET } }
      : {}),
    eventsRelayIntervalMs: e.EVENTS_RELAY_INTERVAL_MS,
    sandboxTimeScale: e.SANDBOX_TIME_SCALE,
    sandboxDataDir: e.SANDBOX_DATA_DIR === undefined ? dataFolder(e.DATABASE_URL) : resolve(e.SANDBOX_DATA_DIR),
    demoGoods: e.DEMO_GOODS === 'yes' || (e.DEMO_GOODS === 'auto' && sandbox),
    console: { sessionIdleMinutes: e.CONSOLE_SESSION_IDLE_MINUTES, sessionMaxHours: e.CONSOLE_SESSION_MAX_HOURS },
  };
}

function redisSetting(r: Reading<typeof REDIS_FIELDS>): { redis?: RedisTarget } {
  const target = redisTarget(r);
  return target === undefined ? {} : { redis: target };
}
