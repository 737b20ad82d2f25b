import { sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64 } from './base64.js';

/**
 * SHA256withRSA with PKCS#1 v1.5 padding — the one signature scheme of API v3 (`WECHATPAY2-SHA256-RSA2048`), used for
 * requests, answers, notifies and the Mini Program paySign alike. PKCS#1 v1.5 is deterministic, so a fixed key and
 * message give a fixed signature (digest T13, T14).
 */
export function signSha256Rsa(message: string | Buffer, privateKey: KeyObject): string {
  const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  return sign('sha256', bytes, privateKey).toString('base64');
}

/**
 * Never throws: a non-base64 signature, an empty one, a wrong-length one or a non-RSA key is simply false.
 * Strings are hashed as UTF-8, which is how WeChat hashes a JSON body.
 */
export function verifySha256Rsa(message: string | Buffer, signatureBase64: unknown, publicKey: KeyObject): boolean {
  const signature = decodeBase64(signatureBase64);
  if (signature === undefined || signature.length === 0) return false;
  if (publicKey.asymmetricKeyType !== 'rsa') return false;
  try {
    return verify('sha256', typeof message === 'string' ? Buffer.from(message, 'utf8') : message, publicKey, signature);
  } catch {
    return false;
  }
}
