import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

/**
 * The refund-notify key: the 32 ASCII characters of the *lowercase* hex MD5 of the API key (digest §8.3, T10).
 * Using the uppercase digest is a known bug in other SDKs.
 */
export function refundNotifyKey(apiKey: string): Buffer {
  return Buffer.from(createHash('md5').update(apiKey, 'utf8').digest('hex').toLowerCase(), 'ascii');
}

/** AES-256-ECB with PKCS#7 padding, base64 out: how WeChat encrypts `req_info`. */
export function aes256EcbEncrypt(plaintext: string | Buffer, key: Buffer): string {
  const cipher = createCipheriv('aes-256-ecb', key, null);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Strict inverse of aes256EcbEncrypt; undefined (never a throw) for non-base64, wrong block size or bad padding. */
export function aes256EcbDecrypt(base64: string, key: Buffer): Buffer | undefined {
  const compact = base64.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 !== 0) return undefined;
  const data = Buffer.from(compact, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-ecb', key, null);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    return undefined;
  }
}
