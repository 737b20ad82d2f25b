import { createCipheriv, createDecipheriv } from 'node:crypto';
import { decodeBase64 } from './base64.js';

/** The `algorithm` value of every encrypted v3 resource (notify `resource`, `encrypt_certificate`). */
export const AEAD_AES_256_GCM = 'AEAD_AES_256_GCM';

const TAG_BYTES = 16;
const KEY_BYTES = 32;
/** WeChat's nonces are 12-character strings used as their bytes (digest §12.4). */
const NONCE_BYTES = 12;

/** An encrypted resource as it appears in notify bodies and `/v3/certificates` answers. */
export interface EncryptedResource {
  readonly algorithm?: string;
  readonly ciphertext: string;
  readonly nonce: string;
  /** May be empty (certificates) or absent; it is authenticated as given. */
  readonly associated_data?: string;
}

/**
 * AES-256-GCM open of base64(ct ‖ 16-byte tag), the layout WeChat and wechatpay-axios-plugin's AesGcm use. Any IV
 * length GCM allows is accepted here (the plugin's own vector, digest T11, uses 16 bytes); the WeChat-specific
 * checks live in decryptResource. Undefined, never a throw, for bad base64, short input, wrong key size or a tag
 * that does not authenticate (wrong key, nonce, AAD or tampered ciphertext).
 */
export function aes256GcmOpen(sealedBase64: string, key: Buffer, iv: Buffer, aad: Buffer): Buffer | undefined {
  const sealed = decodeBase64(sealedBase64);
  if (sealed === undefined || sealed.length < TAG_BYTES) return undefined;
  if (key.length !== KEY_BYTES || iv.length === 0) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    decipher.setAAD(aad);
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** Inverse of aes256GcmOpen. Throws RangeError for a key that is not 32 bytes or an empty IV (caller bugs). */
export function aes256GcmSeal(plaintext: string | Buffer, key: Buffer, iv: Buffer, aad: Buffer): string {
  if (key.length !== KEY_BYTES) throw new RangeError('AES-256-GCM needs a 32-byte key');
  if (iv.length === 0) throw new RangeError('AES-256-GCM needs a non-empty IV');
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const input = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  return Buffer.concat([cipher.update(input), cipher.final(), cipher.getAuthTag()]).toString('base64');
}

/** The APIv3 key is 32 ASCII characters used as its bytes; a Buffer is taken as the bytes themselves. */
const keyBytes = (apiV3Key: string | Buffer): Buffer => (typeof apiV3Key === 'string' ? Buffer.from(apiV3Key, 'utf8') : apiV3Key);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decrypts a notify `resource` or an `encrypt_certificate` with the APIv3 key: the algorithm, when named, must be
 * AEAD_AES_256_GCM; the nonce exactly 12 bytes; the plaintext valid UTF-8 (it is JSON or PEM). Undefined on any
 * failure — including a shape that is not an EncryptedResource — so callers can treat untrusted JSON directly.
 */
export function decryptResource(resource: unknown, apiV3Key: string | Buffer): string | undefined {
  if (typeof resource !== 'object' || resource === null) return undefined;
  const { algorithm, ciphertext, nonce, associated_data: aad } = resource as Record<string, unknown>;
  if (algorithm !== undefined && algorithm !== AEAD_AES_256_GCM) return undefined;
  if (typeof ciphertext !== 'string' || typeof nonce !== 'string') return undefined;
  if (aad !== undefined && aad !== null && typeof aad !== 'string') return undefined;
  const iv = Buffer.from(nonce, 'utf8');
  if (iv.length !== NONCE_BYTES) return undefined;
  const aadBytes = Buffer.from(typeof aad === 'string' ? aad : '', 'utf8');
  const plaintext = aes256GcmOpen(ciphertext, keyBytes(apiV3Key), iv, aadBytes);
  if (plaintext === undefined) return undefined;
  try {
    return utf8.decode(plaintext);
  } catch {
    return undefined;
  }
}
