import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { err, ok, type Result } from '../../domain/result.js';
import type { Env } from './fields.js';
import { isDocumentationUrl, isSampleIdentity, weakSecret } from './production.js';
import { checkMerchantCredentials, resolverFor, type SecretResolver } from './merchant-credentials.js';
import type { MerchantSettings, MerchantsSettings, MiniProgramSettings, ProviderSettings } from './merchants-settings.js';

/*
 * MERCHANTS_FILE: every merchant and mini-program of a deployment, in JSON (no parser dependency, and no YAML implicit
 * typing turning an unquoted mch id into a number or `no` into false). Secrets are references, never values:
 * "env:NAME" or "file:path" (relative to the file's folder). Read in two steps: the shape and the rules between
 * entries (any problem refuses the whole file, and a reload changes nothing), then each merchant's credentials (a
 * problem there makes that merchant unavailable, the others serve).
 */

const SECRET_MESSAGE = 'must be a reference, "env:NAME" or "file:path": secrets and keys are never written inline';
const secretRef = z.string().regex(/^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$/, SECRET_MESSAGE);
const slug = z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be 1 to 32 characters of a-z, 0-9 and -');
const name = z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters');
const mchId = z.string().regex(/^[1-9][0-9]{7,9}$/, 'must be a merchant number (商户号), 8 to 10 digits, as a JSON string');
const appId = z.string().regex(/^wx[0-9a-f]{16}$/, 'must be an AppID: "wx" and 16 hex digits');
const url = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.search === '' && v.length <= 256;
  } catch {
    return false;
  }
}, 'must be an http(s) URL without a query string, at most 256 characters');

const V2 = z
  .object({
    apiKey: secretRef,
    signType: z.enum(['MD5', 'HMAC-SHA256']).default('MD5'),
    /** The merchant API certificate for v2 refunds: a PKCS#12 (passphrase: the mch_id unless given), or a PEM pair. */
    certificate: z
      .object({ p12: secretRef.optional(), passphrase: secretRef.optional(), certPem: secretRef.optional(), keyPem: secretRef.optional() })
      .strict()
      .superRefine((c, ctx) => {
        const p12 = c.p12 !== undefined;
        const pem = c.certPem !== undefined || c.keyPem !== undefined;
        if (p12 === pem) ctx.addIssue({ code: 'custom', message: 'give either p12 (and passphrase) or certPem + keyPem' });
        else if (pem && (c.certPem === undefined || c.keyPem === undefined))
          ctx.addIssue({ code: 'custom', message: 'certPem and keyPem go together' });
        else if (!p12 && c.passphrase !== undefined) ctx.addIssue({ code: 'custom', path: ['passphrase'], message: 'only with p12' });
      })
      .optional(),
    refunds: z.enum(['enabled', 'disabled']).default('enabled'),
  })
  .strict();

const V3 = z
  .object({
    privateKey: secretRef,
    // Not secrets, but generated with the keys (the sandbox's): given as they are, or read from a reference.
    merchantSerialNo: z.union([z.string().regex(/^[0-9A-Fa-f]{1,40}$/), secretRef], {
      errorMap: () => ({ message: 'must be the hex serial of the merchant API certificate, or a reference to it' }),
    }),
    apiV3Key: secretRef,
    merchantCertificate: secretRef.optional(),
    wechatpayPublicKey: z
      .object({ id: z.string().min(1), key: secretRef })
      .strict()
      .optional(),
    // (its id, PUB_KEY_ID_…, likewise: as it is, or "env:"/"file:")
    platformCertificates: z.array(secretRef).optional(),
    platformCertificateBootstrap: z.enum(['refuse', 'apiv3Key']).default('refuse'),
  })
  .strict();

/** An API version and its credentials (a direct merchant's, or a provider's). */
const withCredentials = <T extends z.ZodRawShape>(shape: T) =>
  z
    .object({ ...shape, apiVersion: z.enum(['v2', 'v3']), v2: V2.optional(), v3: V3.optional() })
    .strict()
    .superRefine((value, ctx) => {
      const v = value as { apiVersion: 'v2' | 'v3'; v2?: unknown; v3?: unknown };
      if (v[v.apiVersion] === undefined) {
        ctx.addIssue({ code: 'custom', path: [v.apiVersion], message: `is required: apiVersion is ${v.apiVersion}` });
      }
    });

const Provider = withCredentials({ id: slug, name, spMchId: mchId, spAppId: appId });

/**
 * `"retired": true`: the merchant opens no new order but everything about its existing ones still works (queried,
 * closed, refunded, reconciled with its credentials, its late callbacks accepted, read-only in the console): what a
 * merchant a reload removed is for the process's life, kept in the file so that it survives restarts.
 */
const retired = z.boolean().optional();
const Urls = { notifyUrl: url.optional(), refundNotifyUrl: url.optional() };
const DirectMerchant = withCredentials({ id: slug, name, mode: z.literal('direct'), mchId, appId: appId.optional(), retired, ...Urls });
const PartnerMerchant = z
  .object({ id: slug, name, mode: z.literal('partner'), provider: slug, subMchId: mchId, retired, ...Urls })
  .strict();

/** By its mode, with one plain message for a mode that is neither (a discriminated union's is cryptic). */
const Merchant = z.unknown().transform((value, ctx): DirectEntry | PartnerEntry => {
  const mode = (value as { mode?: unknown } | null)?.mode;
  const parsed = mode === 'direct' ? DirectMerchant.safeParse(value) : mode === 'partner' ? PartnerMerchant.safeParse(value) : undefined;
  if (!parsed) ctx.addIssue({ code: 'custom', path: ['mode'], message: 'must be "direct" or "partner"' });
  else if (parsed.success) return parsed.data;
  else for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom', message: issue.message });
  return z.NEVER;
});

type DirectEntry = z.output<typeof DirectMerchant>;
type PartnerEntry = z.output<typeof PartnerMerchant>;

/**
 * `"retired": true`: its paths and tokens answer as a removed mini-program's (404, 401), while its merchant still
 * accepts the notices and answers naming its appid (its existing orders are paid, queried and refunded under it).
 */
const MiniProgram = z.object({ appId, name, appSecret: secretRef, merchant: slug, default: z.boolean().optional(), retired }).strict();

const MerchantsFile = z
  .object({
    publicBaseUrl: url.optional(),
    providers: z.array(Provider).default([]),
    merchants: z.array(Merchant).min(1, 'at least one merchant'),
    miniPrograms: z.array(MiniProgram).min(1, 'at least one mini-program'),
  })
  .strict();

type ProviderEntry = z.output<typeof Provider>;
type FileEntries = z.output<typeof MerchantsFile>;

/** `merchants[1].v2.apiKey`: where in the file a problem is. */
export function jsonPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(top level)';
}

export interface MerchantsFileOptions {
  /** The environment `env:` references read. */
  readonly env: Env;
  readonly now: Date;
  /** WECHAT_GATEWAY=wechat: notify URLs must be https and known (publicBaseUrl or each merchant's own). */
  readonly live: boolean;
  /** NODE_ENV=production: secrets that are placeholders, published samples or easy to guess are refused. */
  readonly production?: boolean;
  /** Reads a `file:` reference (default: the file system); injected by tests. */
  readonly readFile?: (path: string) => Buffer;
}

/**
 * Reads and checks the merchants file. Err: the file cannot be used at all (unreadable, not JSON, a wrong shape or
 * rule), every problem named by its JSON path. Ok: the settings, where a merchant whose credentials did not check
 * out carries its problems and no credentials (it will be unavailable, the others serve).
 */
export function readMerchantsFile(path: string, options: MerchantsFileOptions): Result<MerchantsSettings, string[]> {
  const absolute = resolve(path);
  const readFile = options.readFile ?? ((p: string) => readFileSync(p));
  let text: string;
  try {
    text = readFile(absolute).toString('utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    return err([
      `MERCHANTS_FILE ${absolute}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'unreadable'}`,
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return err([`MERCHANTS_FILE ${absolute}: not JSON (${(error as Error).message})`]);
  }
  const parsed = parseMerchantsFile(json, options.live, options.production ?? false);
  if (!parsed.ok) return err(parsed.error.map((p) => `MERCHANTS_FILE ${p}`));
  const resolver = resolverFor(dirname(absolute), options.env, readFile);
  return ok(settingsOf(parsed.value, { kind: 'file', path: absolute }, resolver, options.now, options.production ?? false));
}

/**
 * The file's shape and the rules between its entries, and in production no sample identity; every problem at once,
 * `path: message`.
 */
export function parseMerchantsFile(json: unknown, live: boolean, production = false): Result<FileEntries, string[]> {
  const parsed = MerchantsFile.safeParse(json);
  if (!parsed.success) return err(parsed.error.issues.map((issue) => `${jsonPath(issue.path)}: ${issue.message}`));
  const file = parsed.data as FileEntries;
  const problems = [...uniqueness(file), ...references(file), ...notifyUrls(file, live), ...(production ? samples(file) : [])];
  return problems.length > 0 ? err(problems) : ok(file);
}

function duplicates<T>(
  entries: readonly T[],
  key: (entry: T) => string | undefined,
  at: (index: number) => string,
  what: string,
): string[] {
  const seen = new Map<string, number>();
  const problems: string[] = [];
  entries.forEach((entry, index) => {
    const k = key(entry);
    if (k === undefined) return;
    const first = seen.get(k);
    if (first === undefined) seen.set(k, index);
    else problems.push(`${at(index)}: ${what} ${k} is already ${at(first)}'s`);
  });
  return problems;
}

function uniqueness(file: FileEntries): string[] {
  const m = (i: number) => `merchants[${i}]`;
  return [
    ...duplicates(
      file.providers,
      (p) => p.id,
      (i) => `providers[${i}].id`,
      'id',
    ),
    ...duplicates(
      file.merchants,
      (x) => x.id,
      (i) => `${m(i)}.id`,
      'id',
    ),
    // WeChat's rule: one mch_id is one account; two of our merchants on it could settle each other's notices.
    ...duplicates(
      file.merchants,
      (x) => (x.mode === 'direct' ? x.mchId : undefined),
      (i) => `${m(i)}.mchId`,
      'direct mch id',
    ),
    ...duplicates(
      file.merchants,
      (x) => (x.mode === 'partner' ? x.subMchId : undefined),
      (i) => `${m(i)}.subMchId`,
      'sub mch id',
    ),
    ...duplicates(
      file.miniPrograms,
      (p) => p.appId,
      (i) => `miniPrograms[${i}].appId`,
      'appId',
    ),
  ];
}

function references(file: FileEntries): string[] {
  const problems: string[] = [];
  const merchantIds = new Set(file.merchants.map((x) => x.id));
  const providerIds = new Set(file.providers.map((p) => p.id));
  file.merchants.forEach((x, i) => {
    if (x.mode === 'partner' && !providerIds.has(x.provider))
      problems.push(`merchants[${i}].provider: no provider ${x.provider} in providers`);
    const sold = file.miniPrograms.some((p) => p.merchant === x.id);
    if (x.mode === 'direct' && x.appId === undefined && !sold) {
      problems.push(`merchants[${i}].appId: no mini-program sells through ${x.id}; bind one to it or give its appId`);
    }
    if (x.mode === 'partner' && !sold) problems.push(`merchants[${i}]: no mini-program (sub_appid) sells through ${x.id}; bind one to it`);
  });
  file.miniPrograms.forEach((p, i) => {
    if (!merchantIds.has(p.merchant)) problems.push(`miniPrograms[${i}].merchant: no merchant ${p.merchant} in merchants`);
    // Its tokens carry no appid (the seed's format) and the seed's paths serve it: it is never "none of ours".
    if (p.default && p.retired) problems.push(`miniPrograms[${i}].retired: the default mini-program cannot be retired`);
    // A mini-program that is not retired may stay bound to a retired merchant: it is served as before (its users log
    // in, see their orders and coins) but sells nothing, every prepay answering 503 naming the merchant. Refusing it
    // would force the default mini-program (which cannot be retired) off its merchant, moving its users, goods and
    // coins away from their orders (what a reload refuses, merchants-reload.ts).
  });
  const defaults = file.miniPrograms.flatMap((p, i) => (p.default ? [i] : []));
  if (defaults.length !== 1) {
    problems.push(
      `miniPrograms: exactly one must be "default": true (the seed's paths serve it); ${defaults.length === 0 ? 'none is' : `${defaults.map((i) => `[${i}]`).join(', ')} are`}`,
    );
  }
  return problems;
}

/** Live: WeChat must reach each merchant's callbacks, over https. */
function notifyUrls(file: FileEntries, live: boolean): string[] {
  if (!live) return [];
  const problems: string[] = [];
  const https = (v: string | undefined) => v === undefined || new URL(v).protocol === 'https:';
  if (!https(file.publicBaseUrl)) problems.push('publicBaseUrl: must be https for real WeChat Pay');
  const refundsWithoutCertificate = (v2: DirectEntry['v2'], at: string) =>
    v2 && v2.refunds === 'enabled' && v2.certificate === undefined
      ? [`${at}.v2.certificate: refunds over API v2 need the merchant API certificate; give it, or "refunds": "disabled"`]
      : [];
  file.providers.forEach((p, i) =>
    problems.push(...refundsWithoutCertificate(p.apiVersion === 'v2' ? p.v2 : undefined, `providers[${i}]`)),
  );
  file.merchants.forEach((x, i) => {
    if (x.mode === 'direct' && x.apiVersion === 'v2') problems.push(...refundsWithoutCertificate(x.v2, `merchants[${i}]`));
    if (file.publicBaseUrl === undefined && x.notifyUrl === undefined) {
      problems.push(`merchants[${i}].notifyUrl: is required when WECHAT_GATEWAY=wechat and publicBaseUrl is not set`);
    }
    for (const key of ['notifyUrl', 'refundNotifyUrl'] as const) {
      if (!https(x[key])) problems.push(`merchants[${i}].${key}: must be https for real WeChat Pay`);
    }
  });
  return problems;
}

/**
 * Production: what the variables refuse, the file refuses too: WeChat's sample merchant (the sandbox's), the ids of
 * .env.example and of examples/merchants/merchants.json, and notify URLs on documentation domains. Each would pay, or
 * send WeChat's callbacks, to nobody this deployment is. The whole file is refused, as for any other rule: a reload
 * that names them changes nothing.
 */
function samples(file: FileEntries): string[] {
  const problems: string[] = [];
  const SAMPLE = "is WeChat's sample merchant or an example of this project (.env.example, examples/merchants); set your own";
  const DOC = 'names a documentation domain; set your own';
  const id = (value: string | undefined, at: string) => {
    if (value !== undefined && isSampleIdentity(value)) problems.push(`${at}: ${value} ${SAMPLE}`);
  };
  const url = (value: string | undefined, at: string) => {
    if (value !== undefined && isDocumentationUrl(value)) problems.push(`${at}: ${DOC} (${new URL(value).hostname})`);
  };
  url(file.publicBaseUrl, 'publicBaseUrl');
  file.providers.forEach((p, i) => {
    id(p.spMchId, `providers[${i}].spMchId`);
    id(p.spAppId, `providers[${i}].spAppId`);
  });
  file.merchants.forEach((x, i) => {
    if (x.mode === 'direct') {
      id(x.mchId, `merchants[${i}].mchId`);
      id(x.appId, `merchants[${i}].appId`);
    } else id(x.subMchId, `merchants[${i}].subMchId`);
    url(x.notifyUrl, `merchants[${i}].notifyUrl`);
    url(x.refundNotifyUrl, `merchants[${i}].refundNotifyUrl`);
  });
  file.miniPrograms.forEach((p, i) => id(p.appId, `miniPrograms[${i}].appId`));
  return problems;
}

function settingsOf(
  file: FileEntries,
  source: MerchantsSettings['source'],
  resolver: SecretResolver,
  now: Date,
  production: boolean,
): MerchantsSettings {
  const check = (entry: Parameters<typeof checkMerchantCredentials>[0], mchId: string, at: string) =>
    checkMerchantCredentials(entry, mchId, at, resolver, now, production);
  const providers = new Map(file.providers.map((p, i) => [p.id, { entry: p, checked: check(p, p.spMchId, `providers[${i}]`) }]));
  const base = file.publicBaseUrl?.replace(/\/+$/, '');
  const merchants = file.merchants.map((x, i): MerchantSettings => {
    const urls = {
      ...(x.notifyUrl ? { notifyUrl: x.notifyUrl } : base ? { notifyUrl: `${base}/wechat/pay-notify/${x.id}` } : {}),
      ...(x.refundNotifyUrl
        ? { refundNotifyUrl: x.refundNotifyUrl }
        : base
          ? { refundNotifyUrl: `${base}/wechat/refund-notify/${x.id}` }
          : {}),
    };
    if (x.mode === 'partner') {
      const provider = providers.get(x.provider);
      if (!provider) throw new RangeError(`provider ${x.provider} was checked to exist`);
      const { checked, entry } = provider;
      return {
        id: x.id,
        name: x.name,
        mode: 'partner',
        apiVersion: entry.apiVersion,
        appId: sellingAppId(file, x.id),
        appIds: appIdsOf(file, x.id),
        mchId: entry.spMchId,
        subMchId: x.subMchId,
        provider: providerSettings(entry),
        ...(x.retired ? { retired: true } : {}),
        ...urls,
        ...(checked.ok ? { credentials: checked.value } : {}),
        problems: checked.ok ? [] : checked.error.map((p) => `provider ${entry.id}: ${p}`),
      };
    }
    const checked = check(x, x.mchId, `merchants[${i}]`);
    return {
      id: x.id,
      name: x.name,
      mode: 'direct',
      apiVersion: x.apiVersion,
      appId: x.appId ?? sellingAppId(file, x.id),
      appIds: [...new Set([...(x.appId ? [x.appId] : []), ...appIdsOf(file, x.id)])],
      mchId: x.mchId,
      ...(x.retired ? { retired: true } : {}),
      ...urls,
      ...(checked.ok ? { credentials: checked.value } : {}),
      problems: checked.ok ? [] : checked.error,
    };
  });
  const miniPrograms = file.miniPrograms.map((p, i): MiniProgramSettings => {
    const resolved = resolver(p.appSecret, `miniPrograms[${i}].appSecret`);
    const value = resolved.ok ? resolved.value.toString('utf8').trim() : undefined;
    // Its format is WeChat's: only its origin is checked.
    const weak = production && value !== undefined ? weakSecret(value, false) : undefined;
    const secret = weak ? err(`miniPrograms[${i}].appSecret: ${p.appSecret} ${weak}`) : resolved;
    return {
      appId: p.appId,
      name: p.name,
      merchantId: p.merchant,
      ...(secret.ok ? { appSecret: secret.value.toString('utf8').trim() } : {}),
      default: p.default === true,
      ...(p.retired ? { retired: true } : {}),
      problems: secret.ok ? [] : [secret.error],
    };
  });
  return { source, ...(base ? { publicBaseUrl: base } : {}), merchants, miniPrograms };
}

const providerSettings = (p: ProviderEntry): ProviderSettings => ({ id: p.id, name: p.name, spMchId: p.spMchId, spAppId: p.spAppId });

const appIdsOf = (file: FileEntries, merchantId: string): string[] =>
  file.miniPrograms.filter((p) => p.merchant === merchantId).map((p) => p.appId);

/**
 * A merchant's appid (partner: its sub_appid) of a prepay naming none: its default mini-program's when that sells
 * through it, else its first mini-program that is not retired, else (a retired merchant's) its first.
 */
function sellingAppId(file: FileEntries, merchantId: string): string {
  const own = file.miniPrograms.filter((p) => p.merchant === merchantId);
  const chosen = own.find((p) => p.default) ?? own.find((p) => !p.retired) ?? own[0];
  if (!chosen) throw new RangeError(`merchant ${merchantId} was checked to have a mini-program`);
  return chosen.appId;
}
