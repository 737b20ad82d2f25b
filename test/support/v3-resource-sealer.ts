import { AEAD_AES_256_GCM, aes256GcmSeal, type EncryptedResource } from '../../src/adapters/wechatpay/v3/aead-aes-256-gcm.js';

// WeChat's side of a notify resource, for tests of the merchant's decryption; the sandbox seals with its own code
// (src/sandbox/simulator/codec/v3-gcm.ts), and production only opens.

/** A resource WeChat-style. The 12-character nonce is injected (tests pin it). */
export function encryptResource(
  plaintext: string | Buffer,
  apiV3Key: string | Buffer,
  nonce: string,
  associatedData: string,
): Required<EncryptedResource> {
  const iv = Buffer.from(nonce, 'utf8');
  if (iv.length !== 12) throw new RangeError('a v3 resource nonce is 12 bytes');
  const key = typeof apiV3Key === 'string' ? Buffer.from(apiV3Key, 'utf8') : apiV3Key;
  const ciphertext = aes256GcmSeal(plaintext, key, iv, Buffer.from(associatedData, 'utf8'));
  return { algorithm: AEAD_AES_256_GCM, ciphertext, nonce, associated_data: associatedData };
}
