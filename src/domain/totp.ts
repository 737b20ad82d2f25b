/**
 * One-time codes for the console's second factor: HOTP (RFC 4226) and TOTP (RFC 6238) with SHA-1, 6 digits and
 * 30-second steps — what every authenticator app computes from an otpauth:// URI with default parameters. Pure: the
 * HMAC is handed in (the domain imports no crypto), the time too.
 */
import { base32Encode } from './base32.js';

/** HMAC-SHA-1 of a message under a key. */
export type HmacSha1 = (key: Uint8Array, message: Uint8Array) => Uint8Array;

export const TOTP_DIGITS = 6;
export const TOTP_STEP_SECONDS = 30;
/** Steps either side of now whose code is still taken: a phone's clock a little off, a code typed as it changed. */
export const TOTP_WINDOW_STEPS = 1;
/** 160 bits, the length RFC 4226 recommends and HMAC-SHA-1's own block of output. */
export const TOTP_SECRET_BYTES = 20;

/** The counter as the 8-byte big-endian message RFC 4226 §5.2 signs. */
function counterBytes(counter: number): Uint8Array {
  const bytes = new Uint8Array(8);
  let rest = counter;
  for (let i = 7; i >= 0; i--) {
    bytes[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return bytes;
}

/** RFC 4226 §5.3: the HMAC, dynamically truncated to 31 bits, the last `digits` decimal digits, zero-padded. */
export function hotp(hmac: HmacSha1, secret: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError('an HOTP counter is a non-negative integer');
  const mac = hmac(secret, counterBytes(counter));
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary =
    (((mac[offset] ?? 0) & 0x7f) << 24) | ((mac[offset + 1] ?? 0) << 16) | ((mac[offset + 2] ?? 0) << 8) | (mac[offset + 3] ?? 0);
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** RFC 6238 §4: T = floor((unix time − T0) / X) with T0 = 0 and X = 30 s. */
export function totpStep(at: Date): number {
  return Math.floor(Math.floor(at.getTime() / 1000) / TOTP_STEP_SECONDS);
}

export function totpAt(hmac: HmacSha1, secret: Uint8Array, at: Date, digits = TOTP_DIGITS): string {
  return hotp(hmac, secret, totpStep(at), digits);
}

/** Same length, compared without an early exit, so the time taken says nothing about how many digits were right. */
function sameCode(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/**
 * The step a code was made for, within ±TOTP_WINDOW_STEPS of `at` and later than `lastUsedStep` (a code, or an
 * earlier one, already accepted is never accepted again: RFC 6238 §5.2), or undefined. Every candidate is computed,
 * match or not. The caller records the step it gets, atomically, before trusting it.
 */
export function matchTotp(hmac: HmacSha1, secret: Uint8Array, code: string, at: Date, lastUsedStep?: number): number | undefined {
  const typed = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(typed)) return undefined;
  const now = totpStep(at);
  let matched: number | undefined;
  for (let step = now - TOTP_WINDOW_STEPS; step <= now + TOTP_WINDOW_STEPS; step++) {
    if (step < 0) continue;
    const fresh = lastUsedStep === undefined || step > lastUsedStep;
    if (sameCode(hotp(hmac, secret, step), typed) && fresh && matched === undefined) matched = step;
  }
  return matched;
}

/**
 * Google Authenticator's key-uri format: `otpauth://totp/Issuer:account?secret=…&issuer=…` with SHA1, 6 digits and
 * 30 s written out, so an app that reads them does not have to guess.
 */
export function otpauthUri(issuer: string, account: string, secret: Uint8Array): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = `secret=${base32Encode(secret)}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=${TOTP_DIGITS}&period=${TOTP_STEP_SECONDS}`;
  return `otpauth://totp/${label}?${query}`;
}
