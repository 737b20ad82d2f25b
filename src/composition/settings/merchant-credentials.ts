import { isAbsolute, resolve } from 'node:path';
import {
  checkMerchantCertificate,
  MerchantCertificateError,
  type CertificateSource,
} from '../../adapters/wechatpay/v2/merchant-certificate.js';
import { checkV3Credentials } from '../../adapters/wechatpay/v3/credential-check.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { Env } from './fields.js';
import { weakSecret } from './production.js';
import type { MerchantCredentials } from './merchants-settings.js';

/** Resolves a secret reference to its bytes; the problem names where the reference is and what it names, never a value. */
export type SecretResolver = (reference: string, at: string) => Result<Buffer, string>;

/** `env:NAME` from the environment; `file:path` relative to the merchants file's folder (or absolute). */
export function resolverFor(folder: string, env: Env, readFile: (path: string) => Buffer): SecretResolver {
  return (reference, at) => {
    if (reference.startsWith('env:')) {
      const name = reference.slice('env:'.length);
      const value = env[name];
      return value === undefined || value.trim() === '' ? err(`${at}: ${reference} is not set`) : ok(Buffer.from(value.trim(), 'utf8'));
    }
    const path = reference.slice('file:'.length);
    const absolute = isAbsolute(path) ? path : resolve(folder, path);
    try {
      return ok(readFile(absolute));
    } catch (error) {
      const code = (error as { code?: string }).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'unreadable';
      return err(`${at}: ${reference} (${absolute}): ${why}`);
    }
  };
}

interface CredentialEntry {
  readonly v2?: {
    readonly apiKey: string;
    readonly signType: 'MD5' | 'HMAC-SHA256';
    readonly certificate?: { readonly p12?: string; readonly passphrase?: string; readonly certPem?: string; readonly keyPem?: string };
    readonly refunds: 'enabled' | 'disabled';
  };
  readonly v3?: {
    readonly privateKey: string;
    readonly merchantSerialNo: string;
    readonly apiV3Key: string;
    readonly merchantCertificate?: string;
    readonly wechatpayPublicKey?: { readonly id: string; readonly key: string };
    readonly platformCertificates?: readonly string[];
    readonly platformCertificateBootstrap: 'refuse' | 'apiv3Key';
  };
}

/**
 * A merchant's (or a provider's) credentials checked as the single-merchant variables are: the v2 key's form and its
 * API certificate (opens, CN = mch_id, valid now); v3's private key, serial, certificate (key, CN, expiry), APIv3 key,
 * WeChat Pay public key or platform certificates. Every problem at once, each prefixed with where it is in the file.
 */
export function checkMerchantCredentials(
  entry: CredentialEntry,
  mchId: string,
  at: string,
  resolver: SecretResolver,
  now: Date,
  production = false,
): Result<MerchantCredentials, string[]> {
  const problems: string[] = [];
  const take = (reference: string, where: string): Buffer | undefined => {
    const resolved = resolver(reference, `${at}.${where}`);
    if (resolved.ok) return resolved.value;
    problems.push(resolved.error);
    return undefined;
  };
  const text = (reference: string, where: string): string | undefined => take(reference, where)?.toString('utf8').trim();

  let v2: MerchantCredentials['v2'];
  if (entry.v2) {
    const e = entry.v2;
    const apiKey = text(e.apiKey, 'v2.apiKey');
    if (apiKey !== undefined && !/^[0-9A-Za-z]{32}$/.test(apiKey))
      problems.push(`${at}.v2.apiKey: ${e.apiKey} is not a 32-character API v2 key`);
    const weak = production && apiKey !== undefined ? weakSecret(apiKey) : undefined;
    if (weak) problems.push(`${at}.v2.apiKey: ${e.apiKey} ${weak}`);
    const certificate = e.certificate ? v2Certificate(e.certificate, mchId, `${at}.v2.certificate`, take, now, problems) : undefined;
    if (apiKey !== undefined) {
      v2 = { apiKey, signType: e.signType, ...(certificate ? { certificate } : {}), refundsEnabled: e.refunds === 'enabled' };
    }
  }

  let v3: MerchantCredentials['v3'];
  if (entry.v3) {
    const e = entry.v3;
    const before = problems.length;
    const literalOrRef = (value: string, where: string): string | undefined => (/^(env|file):/.test(value) ? text(value, where) : value);
    const serial = literalOrRef(e.merchantSerialNo, 'v3.merchantSerialNo');
    const keyId = e.wechatpayPublicKey === undefined ? undefined : literalOrRef(e.wechatpayPublicKey.id, 'v3.wechatpayPublicKey.id');
    const privateKey = text(e.privateKey, 'v3.privateKey');
    const apiV3Key = text(e.apiV3Key, 'v3.apiV3Key');
    const weak = production && apiV3Key !== undefined ? weakSecret(apiV3Key) : undefined;
    if (weak) problems.push(`${at}.v3.apiV3Key: ${e.apiV3Key} ${weak}`);
    const merchantCertificate = e.merchantCertificate === undefined ? undefined : text(e.merchantCertificate, 'v3.merchantCertificate');
    const publicKey = e.wechatpayPublicKey === undefined ? undefined : text(e.wechatpayPublicKey.key, 'v3.wechatpayPublicKey.key');
    const platform = (e.platformCertificates ?? []).map((ref, i) => text(ref, `v3.platformCertificates[${i}]`));
    if (problems.length === before && privateKey !== undefined && apiV3Key !== undefined && serial !== undefined) {
      const checked = checkV3Credentials(
        {
          mchId,
          merchantSerialNo: serial,
          privateKey,
          apiV3Key,
          ...(merchantCertificate === undefined ? {} : { merchantCertificate }),
          ...(keyId !== undefined && publicKey !== undefined ? { wechatpayPublicKeyId: keyId, wechatpayPublicKey: publicKey } : {}),
          platformCertificates: platform.filter((p): p is string => p !== undefined),
        },
        // Resolved values are PEM text: nothing is read from a path here.
        { now, requireVerificationKey: e.platformCertificateBootstrap !== 'apiv3Key', readText: () => '' },
      );
      if (!checked.ok) problems.push(...checked.error.map((p) => `${at}.v3: ${p}`));
      else {
        const platformMode = platform.length > 0 || e.platformCertificateBootstrap === 'apiv3Key';
        v3 = { credentials: checked.value, platformCertificates: platformMode, bootstrap: e.platformCertificateBootstrap };
      }
    }
  }
  if (problems.length > 0) return err(problems);
  return ok({ ...(v2 ? { v2 } : {}), ...(v3 ? { v3 } : {}) });
}

function v2Certificate(
  c: NonNullable<NonNullable<CredentialEntry['v2']>['certificate']>,
  mchId: string,
  at: string,
  take: (reference: string, where: string) => Buffer | undefined,
  now: Date,
  problems: string[],
) {
  const before = problems.length;
  const where = (key: string) => `${at.slice(at.indexOf('.') + 1)}.${key}`;
  let source: CertificateSource | undefined;
  if (c.p12 !== undefined) {
    const pfx = take(c.p12, where('p12'));
    const passphrase = c.passphrase === undefined ? mchId : take(c.passphrase, where('passphrase'))?.toString('utf8').trim();
    if (pfx && passphrase !== undefined) source = { kind: 'p12', pfx, passphrase };
  } else if (c.certPem !== undefined && c.keyPem !== undefined) {
    const cert = take(c.certPem, where('certPem'));
    const key = take(c.keyPem, where('keyPem'));
    if (cert && key) source = { kind: 'pem', cert, key };
  }
  if (!source || problems.length > before) return undefined;
  try {
    return checkMerchantCertificate(source, mchId, now);
  } catch (error) {
    if (!(error instanceof MerchantCertificateError)) throw error;
    problems.push(`${at}: ${error.message}`);
    return undefined;
  }
}
