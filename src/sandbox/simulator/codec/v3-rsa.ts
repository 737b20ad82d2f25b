import { createSign, createVerify, type KeyObject } from 'node:crypto';

/*
 * The simulator's own API v3 signature code (digest §12.1, §12.2, §4.2), written apart from the client's
 * `src/adapters/wechatpay/v3/` modules so that a bug in one cannot be mirrored by the other; both are checked against wechatpay-axios-plugin.
 * Only node:crypto's primitives are shared (and through a different API: Sign/Verify streams, not crypto.sign).
 */

/** Lines each ended by "\n", the last one included: the shape of every v3 signed message. */
const lines = (...parts: readonly (string | Buffer)[]): Buffer =>
  Buffer.concat(parts.flatMap((part) => [typeof part === 'string' ? Buffer.from(part, 'utf8') : part, Buffer.from('\n')]));

/** What the merchant signs: `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`, URL = path and query as sent. */
export const simRequestMessage = (method: string, url: string, timestamp: string, nonce: string, body: string | Buffer): Buffer =>
  lines(method, url, timestamp, nonce, body);

/** What WeChat signs on answers and notifies: `TIMESTAMP\nNONCE\nBODY\n`. */
export const simAnswerMessage = (timestamp: string, nonce: string, body: string | Buffer): Buffer => lines(timestamp, nonce, body);

/** The mini-program's paySign message: `appId\ntimeStamp\nnonceStr\npackage\n`. */
export const simPaySignMessage = (appId: string, timeStamp: string, nonceStr: string, pkg: string): Buffer =>
  lines(appId, timeStamp, nonceStr, pkg);

/** base64 SHA256withRSA (PKCS#1 v1.5). */
export function simRsaSign(message: Buffer, privateKey: KeyObject): string {
  return createSign('RSA-SHA256').update(message).sign(privateKey, 'base64');
}

/** Never throws; the signature must be canonical base64 (Node's decoder would skip junk). */
export function simRsaVerify(message: Buffer, signature: string, publicKey: KeyObject): boolean {
  const bytes = Buffer.from(signature, 'base64');
  if (signature === '' || bytes.toString('base64') !== signature) return false;
  try {
    return createVerify('RSA-SHA256').update(message).verify(publicKey, bytes);
  } catch {
    return false;
  }
}

export interface SimAuthorization {
  readonly mchid: string;
  readonly serial_no: string;
  readonly timestamp: string;
  readonly nonce_str: string;
  readonly signature: string;
}

const FIELDS = ['mchid', 'serial_no', 'timestamp', 'nonce_str', 'signature'] as const;

/**
 * `WECHATPAY2-SHA256-RSA2048 mchid="…",serial_no="…",…`: the scheme, then the five quoted fields in any order,
 * each exactly once, nothing else. Undefined for anything else — WeChat answers that with 401 SIGN_ERROR.
 */
export function simParseAuthorization(header: unknown): SimAuthorization | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(header);
  if (!match) return undefined;
  const found: Record<string, string> = {};
  for (const part of (match[1] as string).split(',')) {
    const pair = /^\s*([a-z_]+)="([^"]*)"\s*$/.exec(part);
    if (!pair) return undefined;
    const [, name = '', value = ''] = pair;
    if (!(FIELDS as readonly string[]).includes(name) || name in found || value === '') return undefined;
    found[name] = value;
  }
  return FIELDS.every((name) => name in found) ? (found as unknown as SimAuthorization) : undefined;
}
