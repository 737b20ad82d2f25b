import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { readV3Settings, V3_VARIABLES, type V3Config } from './v3-settings.js';

/** Where embedded defaults keep their files: the SQLite file's folder, or ./data for a server database. */
function dataFolder(databaseUrl: string): string {
  return databaseUrl.startsWith('sqlite:') ? dirname(resolve(databaseUrl.slice('sqlite:'.length))) : resolve('data');
}

/** WeChat's published sample merchant (protocol digest §2.2): what the sandbox speaks unless told otherwise. */
export const SAMPLE_CREDENTIALS = {
  appId: 'wxd930ea5d5a258f4f',
  mchId: '10000100',
  apiKey: '192006250b4c09247ec02edce69f6a2d',
  appSecret: 'wxpay-simulator-sample-appsecret',
} as const;

const PRODUCTION_BASE_URL = 'https://api.mch.weixin.qq.com';
const PRODUCTION_LOGIN_BASE_URL = 'https://api.weixin.qq.com';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/**
 * A whole number written in decimal digits within [min, max], with one message that says so: `PORT=abc`, `3.5`,
 * `1e3` or ` ` each read "PORT: must be an integer from 0 to 65535", never a type error or a silent 0.
 */
function integer(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  const message = max === Number.MAX_SAFE_INTEGER ? `must be an integer, at least ${min}` : `must be an integer from ${min} to ${max}`;
  return z
    .string()
    .trim()
    .regex(/^[0-9]{1,15}$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message));
}

const port = integer(0, 65_535);

const schema = z.object({
  NODE_ENV: optionalText,
  PORT: port.default('3000'),
  HOST: optionalText,
  HTTP_HEADERS_TIMEOUT_MS: integer(1_000, 120_000).default('10000'),
  HTTP_REQUEST_TIMEOUT_MS: integer(1_000, 600_000).default('30000'),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: integer(1_000, 600_000).default('65000'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .default('sqlite:./data/wxpay.sqlite')
    .refine((v) => /^(sqlite:.+|mysql:\/\/.+|mariadb:\/\/.+)$/.test(v), 'must be sqlite:<path> or mysql://user:pass@host:port/db'),
  REDIS_URL: optionalText.refine((v) => v === undefined || /^rediss?:\/\//.test(v), 'must be redis://… or rediss://…'),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/, 'letters, digits and _ : . - only')
    .default('wxpay:'),
  WECHAT_GATEWAY: z.enum(['sandbox', 'wechat']).default('sandbox'),
  WECHAT_API_VERSION: z.enum(['v2', 'v3']).default('v2'),
  WECHAT_APPID: optionalText,
  WECHAT_APP_SECRET: optionalText,
  WECHAT_MCH_ID: optionalText,
  WECHAT_API_KEY: optionalText.refine((v) => v === undefined || /^[0-9A-Za-z]{32}$/.test(v), 'must be the 32-character API v2 key'),
  WECHAT_SIGN_TYPE: z.enum(['MD5', 'HMAC-SHA256']).default('MD5'),
  WECHAT_SERVER_IP: optionalText.refine((v) => v === undefined || isIP(v) !== 0, 'must be an IPv4 or IPv6 address'),
  WECHAT_NOTIFY_URL: optionalText.refine(
    (v) => v === undefined || isNotifyUrl(v),
    'must be an http(s) URL without a query string, at most 256 characters',
  ),
  WECHAT_REFUND_NOTIFY_URL: optionalText.refine(
    (v) => v === undefined || isNotifyUrl(v),
    'must be an http(s) URL without a query string, at most 256 characters',
  ),
  WECHAT_CERT_P12: optionalText,
  WECHAT_CERT_PASSPHRASE: optionalText,
  WECHAT_CERT_PEM: optionalText,
  WECHAT_KEY_PEM: optionalText,
  WECHAT_REFUNDS: z.enum(['enabled', 'disabled']).default('enabled'),
  WECHAT_BASE_URL: optionalText.refine((v) => v === undefined || /^https?:\/\//.test(v), 'must be an http(s) URL'),
  WECHAT_LOGIN_BASE_URL: optionalText.refine((v) => v === undefined || /^https?:\/\//.test(v), 'must be an http(s) URL'),
  SESSION_SECRET: optionalText.refine((v) => v === undefined || v.length >= 32, 'must be at least 32 characters'),
  SESSION_TTL_SECONDS: integer(60, 30 * 86_400).default(String(7 * 86_400)),
  ADMIN_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 16, 'must be at least 16 characters'),
  ADMIN_PORT: optionalText.pipe(port.optional()),
  ADMIN_HOST: optionalText,
  METRICS_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 16, 'must be at least 16 characters'),
  MIGRATE_ON_START: z.enum(['auto', 'yes', 'no', 'true', 'false']).default('auto'),
  TRUST_PROXY_HOPS: integer(0, 10).default('0'),
  RECONCILE_INTERVAL_MS: integer(100).default('30000'),
  EVENTS_WEBHOOK_URL: optionalText.refine((v) => v === undefined || /^https?:\/\//.test(v), 'must be an http(s) URL'),
  EVENTS_WEBHOOK_SECRET: optionalText.refine((v) => v === undefined || v.length >= 32, 'must be at least 32 characters'),
  EVENTS_RELAY_INTERVAL_MS: integer(50).default('1000'),
  SANDBOX_TIME_SCALE: z.coerce.number().positive().max(1).default(1),
  SANDBOX_DATA_DIR: optionalText,
  DEMO_GOODS: z.enum(['auto', 'yes', 'no']).default('auto'),
  CONSOLE_SESSION_IDLE_MINUTES: integer(1, 1_440).default('30'),
  CONSOLE_SESSION_MAX_HOURS: integer(1, 168).default('12'),
});

/** Every variable the service reads, in the schema's order (.env.example and the README list exactly these). */
export const CONFIG_VARIABLES: readonly string[] = [...Object.keys(schema.shape), ...V3_VARIABLES];

/**
 * Rules that tie variables together, checked on the raw environment so that they are reported alongside any
 * malformed value (zod skips refinements once a field fails).
 */
function crossFieldProblems(raw: Readonly<Record<string, string | undefined>>): string[] {
  const env = (key: string): string | undefined => (raw[key]?.trim() ? raw[key]?.trim() : undefined);
  const problems: string[] = [];
  const gateway = env('WECHAT_GATEWAY') ?? 'sandbox';
  if (gateway === 'sandbox' && env('NODE_ENV') === 'production') {
    problems.push('WECHAT_GATEWAY: sandbox refuses to run with NODE_ENV=production; set WECHAT_GATEWAY=wechat');
  }
  if (gateway === 'wechat') {
    for (const key of ['WECHAT_APPID', 'WECHAT_APP_SECRET', 'WECHAT_MCH_ID', 'WECHAT_NOTIFY_URL', 'SESSION_SECRET']) {
      if (env(key) === undefined) problems.push(`${key}: is required when WECHAT_GATEWAY=wechat`);
    }
    // API v3 alone needs no v2 key; with one, callbacks of both dialects are accepted (the migration).
    if (env('WECHAT_API_KEY') === undefined && (env('WECHAT_API_VERSION') ?? 'v2') === 'v2') {
      problems.push('WECHAT_API_KEY: is required when WECHAT_GATEWAY=wechat and WECHAT_API_VERSION=v2');
    }
    if (env('WECHAT_NOTIFY_URL')?.startsWith('http://')) problems.push('WECHAT_NOTIFY_URL: must be https for real WeChat Pay');
  }
  if (env('EVENTS_WEBHOOK_URL') !== undefined && env('EVENTS_WEBHOOK_SECRET') === undefined) {
    problems.push('EVENTS_WEBHOOK_SECRET: is required when EVENTS_WEBHOOK_URL is set');
  }
  const headers = Number(env('HTTP_HEADERS_TIMEOUT_MS') ?? 10_000);
  const request = Number(env('HTTP_REQUEST_TIMEOUT_MS') ?? 30_000);
  if (headers > request)
    problems.push('HTTP_REQUEST_TIMEOUT_MS: must be at least HTTP_HEADERS_TIMEOUT_MS (a request includes its headers)');
  const adminPort = env('ADMIN_PORT');
  if (adminPort !== undefined && adminPort !== '0' && adminPort === (env('PORT') ?? '3000')) {
    problems.push('ADMIN_PORT: must differ from PORT (the admin listener is a second one)');
  }
  const hasCertificate = env('WECHAT_CERT_P12') !== undefined || env('WECHAT_CERT_PEM') !== undefined;
  if (gateway === 'wechat' && (env('WECHAT_API_VERSION') ?? 'v2') === 'v2' && !hasCertificate && env('WECHAT_REFUNDS') !== 'disabled') {
    problems.push(
      'WECHAT_CERT_PEM: refunds over API v2 need the merchant API certificate: set WECHAT_CERT_PEM + WECHAT_KEY_PEM ' +
        '(or WECHAT_CERT_P12), or WECHAT_REFUNDS=disabled to run without refunds',
    );
  }
  if ((env('WECHAT_CERT_PEM') === undefined) !== (env('WECHAT_KEY_PEM') === undefined)) {
    problems.push('WECHAT_KEY_PEM: WECHAT_CERT_PEM and WECHAT_KEY_PEM go together');
  }
  return problems;
}

function isNotifyUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.search === '' && value.length <= 256;
  } catch {
    return false;
  }
}

/**
 * WeChat serves code2Session on another host than WeChat Pay; a standalone simulator serves both, so in sandbox mode
 * WECHAT_LOGIN_BASE_URL defaults to WECHAT_BASE_URL (and, with neither set, to the embedded simulator).
 */
function loginBaseUrl(given: string | undefined, payBaseUrl: string | undefined, sandbox: boolean): { loginBaseUrl?: string } {
  if (given !== undefined) return { loginBaseUrl: given };
  if (!sandbox) return { loginBaseUrl: PRODUCTION_LOGIN_BASE_URL };
  return payBaseUrl === undefined ? {} : { loginBaseUrl: payBaseUrl };
}

export interface MerchantCertificate {
  readonly p12Path?: string;
  readonly passphrase?: string;
  readonly certPemPath?: string;
  readonly keyPemPath?: string;
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
  readonly redisUrl?: string;
  /** Separates deployments that share one Redis (their locks and job leases must not meet). */
  readonly redisKeyPrefix: string;
  readonly gateway: 'sandbox' | 'wechat';
  readonly wechat: {
    readonly appId: string;
    readonly appSecret: string;
    readonly mchId: string;
    /** The API v2 key; undefined for a merchant on API v3 only (then v2 callbacks are refused). */
    readonly apiKey?: string;
    readonly signType: 'MD5' | 'HMAC-SHA256';
    /** API v3 settings, when v3 is chosen or configured (both configured: callbacks of both dialects are accepted). */
    readonly v3?: V3Config;
    /** Sent as spbill_create_ip instead of each client's address, so a re-sent unifiedorder stays identical. */
    readonly serverIp?: string;
    /** undefined in sandbox mode until the listening port is known: the service's own /wechat/pay-notify. */
    readonly notifyUrl?: string;
    readonly refundNotifyUrl?: string;
    readonly baseUrl?: string;
    readonly loginBaseUrl?: string;
    readonly certificate?: MerchantCertificate;
    /** WECHAT_REFUNDS=disabled: a v2 merchant without its API certificate runs without refunds (refused at once). */
    readonly refundsEnabled: boolean;
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
  readonly eventsWebhook?: { readonly url: string; readonly secret: string };
  readonly eventsRelayIntervalMs: number;
  readonly sandboxTimeScale: number;
  /** Where sandbox mode keeps the simulator's state and its API v3 keys: SANDBOX_DATA_DIR, else beside the SQLite file, else ./data. */
  readonly sandboxDataDir: string;
  readonly demoGoods: boolean;
  /** The operator console's sessions: they end after this long idle, and this long after sign-in regardless. */
  readonly console: { readonly sessionIdleMinutes: number; readonly sessionMaxHours: number };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and validates the environment once, reporting every problem in one message. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, now: Date = new Date()): Config {
  const parsed = schema.safeParse(env);
  const raw = (key: string): string | undefined => (env[key]?.trim() ? env[key]?.trim() : undefined);
  const sandboxMode = (raw('WECHAT_GATEWAY') ?? 'sandbox') === 'sandbox';
  const v3 = readV3Settings(raw, sandboxMode, raw('WECHAT_MCH_ID') ?? SAMPLE_CREDENTIALS.mchId, now);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`)),
    ...crossFieldProblems(env),
    ...v3.problems,
  ];
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  const e = parsed.data;
  const sandbox = e.WECHAT_GATEWAY === 'sandbox';
  const certificate: MerchantCertificate | undefined =
    e.WECHAT_CERT_P12 !== undefined
      ? { p12Path: e.WECHAT_CERT_P12, passphrase: e.WECHAT_CERT_PASSPHRASE ?? e.WECHAT_MCH_ID ?? SAMPLE_CREDENTIALS.mchId }
      : e.WECHAT_CERT_PEM !== undefined && e.WECHAT_KEY_PEM !== undefined
        ? { certPemPath: e.WECHAT_CERT_PEM, keyPemPath: e.WECHAT_KEY_PEM }
        : undefined;
  const apiKey = e.WECHAT_API_KEY ?? (sandbox ? SAMPLE_CREDENTIALS.apiKey : undefined);
  return {
    production: e.NODE_ENV === 'production',
    apiVersion: e.WECHAT_API_VERSION,
    port: e.PORT,
    host: e.HOST ?? (sandbox ? '127.0.0.1' : '0.0.0.0'),
    httpTimeouts: { headersMs: e.HTTP_HEADERS_TIMEOUT_MS, requestMs: e.HTTP_REQUEST_TIMEOUT_MS, keepAliveMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS },
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    ...(e.REDIS_URL === undefined ? {} : { redisUrl: e.REDIS_URL }),
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    gateway: e.WECHAT_GATEWAY,
    wechat: {
      appId: e.WECHAT_APPID ?? SAMPLE_CREDENTIALS.appId,
      appSecret: e.WECHAT_APP_SECRET ?? SAMPLE_CREDENTIALS.appSecret,
      mchId: e.WECHAT_MCH_ID ?? SAMPLE_CREDENTIALS.mchId,
      ...(apiKey === undefined ? {} : { apiKey }),
      signType: e.WECHAT_SIGN_TYPE,
      ...(v3.settings === undefined ? {} : { v3: v3.settings }),
      ...(e.WECHAT_SERVER_IP === undefined ? {} : { serverIp: e.WECHAT_SERVER_IP }),
      ...(e.WECHAT_NOTIFY_URL === undefined ? {} : { notifyUrl: e.WECHAT_NOTIFY_URL }),
      ...(e.WECHAT_REFUND_NOTIFY_URL === undefined ? {} : { refundNotifyUrl: e.WECHAT_REFUND_NOTIFY_URL }),
      ...(e.WECHAT_BASE_URL === undefined ? (sandbox ? {} : { baseUrl: PRODUCTION_BASE_URL }) : { baseUrl: e.WECHAT_BASE_URL }),
      ...loginBaseUrl(e.WECHAT_LOGIN_BASE_URL, e.WECHAT_BASE_URL, sandbox),
      ...(certificate === undefined ? {} : { certificate }),
      refundsEnabled: e.WECHAT_REFUNDS === 'enabled',
    },
    sessionSecret: e.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
    ephemeralSessionSecret: e.SESSION_SECRET === undefined,
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    ...(e.ADMIN_TOKEN === undefined ? {} : { adminToken: e.ADMIN_TOKEN }),
    ...(e.ADMIN_PORT === undefined ? {} : { adminListener: { port: e.ADMIN_PORT, host: e.ADMIN_HOST ?? '127.0.0.1' } }),
    ...(e.METRICS_TOKEN === undefined ? {} : { metricsToken: e.METRICS_TOKEN }),
    migrateOnStart:
      e.MIGRATE_ON_START === 'auto' ? e.NODE_ENV !== 'production' : e.MIGRATE_ON_START === 'yes' || e.MIGRATE_ON_START === 'true',
    trustProxyHops: e.TRUST_PROXY_HOPS,
    reconcileIntervalMs: e.RECONCILE_INTERVAL_MS,
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
