import { randomInt } from 'node:crypto';

/** Produces nonce_str / nonceStr values (≤ 32 chars); injectable so tests can pin signatures. */
export type NonceSource = () => string;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** 32 base62 characters from crypto.randomInt, which avoids the `byte % 62` bias some SDKs have. */
export const randomNonce: NonceSource = () => {
  let nonce = '';
  for (let i = 0; i < 32; i++) nonce += ALPHABET[randomInt(ALPHABET.length)];
  return nonce;
};
