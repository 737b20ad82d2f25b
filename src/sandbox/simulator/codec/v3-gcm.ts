import { createCipheriv, createDecipheriv } from 'node:crypto';

/*
 * The simulator's own AEAD_AES_256_GCM for notify resources and `/v3/certificates` (digest §12.4), apart from the
 * client's `src/adapters/wechatpay/v3/aead-aes-256-gcm.ts`: key = the 32 bytes of the APIv3 key, IV = the 12-byte
 * nonce string, AAD = associated_data, output base64(ciphertext ‖ 16-byte tag).
 */

const TAG = 16;

export function simGcmSeal(plaintext: string, apiV3Key: string, nonce: string, associatedData: string): string {
  const key = Buffer.from(apiV3Key, 'utf8');
  const iv = Buffer.from(nonce, 'utf8');
  if (key.length !== 32 || iv.length !== 12) throw new RangeError('APIv3 key must be 32 bytes and the nonce 12');
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG }).setAAD(Buffer.from(associatedData, 'utf8'));
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return sealed.toString('base64');
}

/** For tests and the simulator's own checks; undefined when the tag does not authenticate. */
export function simGcmOpen(sealedBase64: string, apiV3Key: string, nonce: string, associatedData: string): string | undefined {
  const sealed = Buffer.from(sealedBase64, 'base64');
  if (sealed.length < TAG) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'), { authTagLength: TAG });
    decipher.setAAD(Buffer.from(associatedData, 'utf8')).setAuthTag(sealed.subarray(sealed.length - TAG));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
