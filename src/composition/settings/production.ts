import { SAMPLE_MERCHANT } from '../../adapters/wechatpay/shared/sample-merchant.js';
import type { Env } from './fields.js';

/**
 * What production refuses that a development machine accepts: the placeholders of .env.example, WeChat's sample
 * merchant and the simulator's secrets, secrets that are easy to guess, and a listener whose address nobody chose.
 * Also, in every mode, an AppID or merchant ID that cannot be one.
 */

/** The secrets a guess must not find: each is checked for placeholders and strength in production. */
const SECRETS = [
  'ADMIN_TOKEN',
  'METRICS_TOKEN',
  'SESSION_SECRET',
  'EVENTS_WEBHOOK_SECRET',
  'WECHAT_API_KEY',
  'WECHAT_API_V3_KEY',
  'WECHAT_APP_SECRET',
] as const;

/** Values published with this project or by WeChat: in the repository, so anyone has them. */
const KNOWN_VALUES: ReadonlySet<string> = new Set([
  // .env.example
  'replace-with-a-long-random-admin-token',
  'replace-with-a-long-random-metrics-token',
  'replace-with-the-mini-program-appsecret',
  'ReplaceWithYour32CharacterAPIKey',
  'replace-with-32-or-more-random-characters',
  'wx0123456789abcdef',
  '1900000109',
  // WeChat's sample merchant, which the sandbox and the simulator speak
  SAMPLE_MERCHANT.appId,
  SAMPLE_MERCHANT.mchId,
  SAMPLE_MERCHANT.apiKey,
  SAMPLE_MERCHANT.appSecret,
  // the sandbox's API v3 key in the tests and examples
  'wxpaySandboxApiV3Key0123456789AB',
]);

/**
 * The merchant ids and appids published with this project beyond .env.example's: examples/merchants/merchants.json
 * and README's walk-through (the sandbox's three shops and their provider). A merchants file naming one in production
 * is the example left in place: its orders would be paid to nobody's account.
 */
const EXAMPLE_IDENTITIES: ReadonlySet<string> = new Set([
  '1900000100',
  '1900000109',
  '1900000110',
  '1900000111',
  'wx00000000000000a0',
  'wx1111111111111111',
  'wx2222222222222222',
  'wx3333333333333333',
]);

/** An appid or merchant id published by WeChat (its sample merchant, the sandbox's) or by this project. */
export const isSampleIdentity = (id: string): boolean => KNOWN_VALUES.has(id) || EXAMPLE_IDENTITIES.has(id);

/** A URL on a domain reserved for documentation, which never reaches this service. */
export const isDocumentationUrl = (url: string): boolean => URL.canParse(url) && EXAMPLE_HOST.test(new URL(url).hostname);

/** Words that mark a value someone meant to replace. */
const PLACEHOLDER_WORDS = /replace|change-?me|example|placeholder|your|sample|simulator|secret|password|xxxx/i;

/** Domains reserved for documentation (RFC 2606, RFC 6761): a notify URL there never reaches this service. */
const EXAMPLE_HOST = /(^|\.)(example\.(com|net|org)|example|invalid|test|localhost)$/i;

/**
 * At least this many bits by `estimatedBits`, a conservative estimate: 32 random hex digits score 57 at worst in 20,000
 * draws (95 typically), `openssl rand -hex 32` about 190, while "abcd…", "1234…", repeats and short mixes stay below.
 */
export const MIN_SECRET_BITS = 48;

/**
 * A secret's strength, estimated from what it is made of: the Shannon entropy of its characters' frequencies (small
 * alphabets and repeats count for little: "aaaa…" is 0 bits) times the number of characters that do not merely repeat
 * or step from the one before ("abcd…", "1234…" count once).
 */
export function estimatedBits(value: string): number {
  const chars = [...value];
  if (chars.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / chars.length) * Math.log2(n / chars.length);
  let surprising = 1;
  for (let i = 1; i < chars.length; i++) {
    if (Math.abs((chars[i]?.codePointAt(0) ?? 0) - (chars[i - 1]?.codePointAt(0) ?? 0)) > 1) surprising++;
  }
  return perChar * surprising;
}

const HOW_TO_GENERATE = 'generate one, e.g. `openssl rand -hex 32`';

/** WeChat AppIDs are "wx" and 16 hex digits. */
const APP_ID = /^wx[0-9a-f]{16}$/;
/** Merchant IDs (商户号) are digits: 10 for merchants since 2014, 8 for the oldest ones (WeChat's sample is 10000100). */
const MCH_ID = /^[1-9][0-9]{7,9}$/;

export function identityProblems(env: Env): string[] {
  const value = (key: string): string | undefined => env[key]?.trim() || undefined;
  const problems: string[] = [];
  const appId = value('WECHAT_APPID');
  if (appId !== undefined && !APP_ID.test(appId)) {
    problems.push('WECHAT_APPID: must be the mini-program AppID: "wx" and 16 hex digits (开发管理 → 开发设置)');
  }
  const mchId = value('WECHAT_MCH_ID');
  if (mchId !== undefined && !MCH_ID.test(mchId)) {
    problems.push('WECHAT_MCH_ID: must be the merchant ID (商户号): 8 to 10 digits, e.g. 1900000109 (账户中心 → 商户信息)');
  }
  return problems;
}

/**
 * Why a secret is not one, or undefined: a placeholder or a published sample value, or (`strength`) too easy to
 * guess. Never echoes the value. The merchants file's secrets are held to the same rule in production.
 */
export function weakSecret(secret: string, strength = true): string | undefined {
  if (KNOWN_VALUES.has(secret) || PLACEHOLDER_WORDS.test(secret)) {
    return `is a placeholder or a published sample value, not a secret; ${HOW_TO_GENERATE}`;
  }
  const bits = Math.floor(estimatedBits(secret));
  if (strength && bits < MIN_SECRET_BITS) {
    return (
      `too easy to guess (about ${bits} bits by length and variety of characters, at least ${MIN_SECRET_BITS} ` +
      `needed: repeated, few or consecutive characters count for little); ${HOW_TO_GENERATE}`
    );
  }
  return undefined;
}

/** Problems only production has. The values are never echoed: a message may end up in a ticket. */
export function productionProblems(env: Env, production: boolean): string[] {
  if (!production) return [];
  const value = (key: string): string | undefined => env[key]?.trim() || undefined;
  const problems: string[] = [];
  for (const key of SECRETS) {
    const secret = value(key);
    if (secret === undefined) continue;
    // The AppSecret has a fixed format WeChat chose: only its origin is checked.
    const weak = weakSecret(secret, key !== 'WECHAT_APP_SECRET');
    if (weak) problems.push(`${key}: ${weak}`);
  }
  for (const key of ['WECHAT_APPID', 'WECHAT_MCH_ID']) {
    const id = value(key);
    if (id !== undefined && KNOWN_VALUES.has(id)) {
      problems.push(`${key}: is WeChat's sample merchant or the example of .env.example; set your own`);
    }
  }
  for (const key of ['WECHAT_NOTIFY_URL', 'WECHAT_REFUND_NOTIFY_URL', 'EVENTS_WEBHOOK_URL']) {
    const url = value(key);
    if (url !== undefined && URL.canParse(url) && EXAMPLE_HOST.test(new URL(url).hostname)) {
      problems.push(`${key}: names a documentation domain (${new URL(url).hostname}); set your own`);
    }
  }
  const database = value('DATABASE_URL');
  if (database !== undefined && URL.canParse(database) && ['password', 'secret'].includes(decodeURIComponent(new URL(database).password))) {
    problems.push('DATABASE_URL: its password is the placeholder of .env.example; set the database user’s real password');
  }
  if (value('HOST') === undefined) {
    problems.push(
      'HOST: is required with NODE_ENV=production: 127.0.0.1 behind nginx on this server, or the internal address a load ' +
        'balancer reaches (0.0.0.0 only with a firewall in front: a client reaching the port directly can forge X-Forwarded-For)',
    );
  }
  return problems;
}
