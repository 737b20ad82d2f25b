import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

/*
 * The simulator's own AES-256-ECB/PKCS#7 for the refund notify's `req_info` (digest §8.3), independent of the
 * client's `../../aes-ecb.ts`: OpenSSL only runs the block cipher here (auto padding off); padding, unpadding and
 * the strict base64 / UTF-8 checks are written out below.
 */

const BLOCK = 16;
const KEY_BYTES = 32;

/**
 * The AES key of the refund notify: the 32 ASCII characters of the lowercase hex MD5 of the API key (vector T10).
 * Node's hex digest is lowercase by definition; the uppercase form is the bug other SDKs shipped (digest §8.3).
 */
export function simRefundAesKey(apiKey: string): Buffer {
  return Buffer.from(createHash('md5').update(apiKey, 'utf8').digest('hex'), 'ascii');
}

/** Always 1–16 bytes of value n, a whole block when the input is aligned: that is what makes unpadding unambiguous. */
function pad(data: Buffer): Buffer {
  const n = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

/** Refuses (rather than guesses) anything that is not exactly a PKCS#7 tail: a wrong key shows up here. */
function unpad(data: Buffer): Buffer {
  const n = data.at(-1);
  if (n === undefined || n < 1 || n > BLOCK || n > data.length) throw new Error('bad PKCS#7 padding');
  for (let i = data.length - n; i < data.length; i += 1) {
    if (data[i] !== n) throw new Error('bad PKCS#7 padding');
  }
  return data.subarray(0, data.length - n);
}

function ecb(direction: 'encrypt' | 'decrypt', key: Uint8Array, data: Buffer): Buffer {
  if (key.length !== KEY_BYTES) throw new RangeError(`AES-256 needs a ${KEY_BYTES}-byte key, got ${key.length}`);
  const cipher = direction === 'encrypt' ? createCipheriv('aes-256-ecb', key, null) : createDecipheriv('aes-256-ecb', key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/** AES-256-ECB/PKCS#7 of the UTF-8 text under a raw 32-byte key, as base64. */
export function simAesEcbEncryptWithKey(plaintext: string, key: Uint8Array): string {
  if (/\p{Cs}/u.test(plaintext)) throw new RangeError('unpaired surrogate: UTF-8 cannot carry it');
  return ecb('encrypt', key, pad(Buffer.from(plaintext, 'utf8'))).toString('base64');
}

// fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM: a leading U+FEFF is kept, the text comes back exact.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Inverse of simAesEcbEncryptWithKey; throws on non-canonical base64, partial blocks, bad padding or bad UTF-8. */
export function simAesEcbDecryptWithKey(base64: string, key: Uint8Array): string {
  // Node's decoder skips junk and ignores stray bits; only text that re-encodes to itself is accepted.
  const data = Buffer.from(base64, 'base64');
  if (data.toString('base64') !== base64) throw new Error('req_info is not canonical base64');
  if (data.length === 0 || data.length % BLOCK !== 0) throw new Error('ciphertext is not whole AES blocks');
  return utf8.decode(unpad(ecb('decrypt', key, data)));
}

/** `req_info` as WeChat makes it: encrypted under simRefundAesKey(apiKey). */
export function simAesEcbEncrypt(plaintext: string, apiKey: string): string {
  return simAesEcbEncryptWithKey(plaintext, simRefundAesKey(apiKey));
}

/** Decrypts a `req_info` made under simRefundAesKey(apiKey) (for tests and the merchant side of a check). */
export function simAesEcbDecrypt(base64: string, apiKey: string): string {
  return simAesEcbDecryptWithKey(base64, simRefundAesKey(apiKey));
}
