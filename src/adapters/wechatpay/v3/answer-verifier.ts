import type { KeyObject } from 'node:crypto';
import { err, ok, type Result } from '../../../domain/result.js';
import { SIGNATURE_SCHEME } from './authorization-header.js';
import { decodeBase64 } from './base64.js';
import { verifySha256Rsa } from './rsa-signature.js';
import { parseUnixSeconds, withinClockSkew } from './timestamp.js';
import { HEADER, REPEATED, headerValue, requestIdOf, type RawHeaders } from './wechatpay-headers.js';

/** Signatures WeChat sends on purpose to see whether a merchant really verifies; they must never verify (S16). */
export const SIGNTEST_PREFIX = 'WECHATPAY/SIGNTEST/';

/** Keys trusted to sign answers and notifies, by `Wechatpay-Serial`. PlatformKeyStore is one. */
export interface VerificationKeys {
  keyFor(serial: string): KeyObject | undefined;
}

/** `TIMESTAMP\nNONCE\nBODY\n` (digest §12.2); an empty body (204) leaves the last line empty but still ended. */
export function answerSigningMessage(timestamp: string, nonce: string, body: string | Buffer): Buffer {
  const bodyBytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8'), bodyBytes, Buffer.from('\n', 'utf8')]);
}

export type AnswerRejectionReason =
  | 'missingHeader'
  | 'repeatedHeader'
  | 'unsupportedSignatureType'
  | 'badTimestamp'
  | 'timestampOutOfWindow'
  | 'probeSignature'
  | 'unknownSerial'
  | 'badBase64'
  | 'badSignature';

export interface AnswerRejection {
  readonly reason: AnswerRejectionReason;
  /** Safe to log: names headers and serials, never the body. */
  readonly detail: string;
  readonly requestId?: string;
}

export interface VerifiedAnswer {
  readonly serial: string;
  readonly timestamp: number;
  readonly nonce: string;
  readonly requestId?: string;
}

const SIGNED_HEADERS = [HEADER.timestamp, HEADER.nonce, HEADER.signature, HEADER.serial] as const;

/**
 * Verifies a v3 answer or notify. Checks, in order: the four Wechatpay-* headers are present once and non-empty;
 * `Wechatpay-Signature-Type`, when sent, is WECHATPAY2-SHA256-RSA2048 (absent means that scheme, as in
 * wechatpay-go); the timestamp is canonical and less than 300 s from `now` either way; the signature is not a
 * SIGNTEST probe; the serial names a trusted key; the signature is canonical base64 and verifies over the body bytes as received.
 * Never throws; a 2xx answer that fails here must be treated as forged (digest §12.2).
 */
export function verifyAnswer(
  headers: RawHeaders,
  body: string | Buffer,
  keys: VerificationKeys,
  now: Date,
): Result<VerifiedAnswer, AnswerRejection> {
  const requestId = requestIdOf(headers);
  const reject = (reason: AnswerRejectionReason, detail: string): Result<never, AnswerRejection> =>
    err(requestId === undefined ? { reason, detail } : { reason, detail, requestId });

  const values: string[] = [];
  for (const name of SIGNED_HEADERS) {
    const value = headerValue(headers, name);
    if (value === REPEATED) return reject('repeatedHeader', `${name} sent more than once`);
    if (value === undefined || value === '') return reject('missingHeader', `${name} missing or empty`);
    values.push(value);
  }
  const [timestampText = '', nonce = '', signature = '', serial = ''] = values;

  const signatureType = headerValue(headers, HEADER.signatureType);
  if (signatureType === REPEATED) return reject('repeatedHeader', `${HEADER.signatureType} sent more than once`);
  if (signatureType !== undefined && signatureType !== SIGNATURE_SCHEME) {
    return reject('unsupportedSignatureType', `${HEADER.signatureType} is not ${SIGNATURE_SCHEME}`);
  }

  const timestamp = parseUnixSeconds(timestampText);
  if (timestamp === undefined) return reject('badTimestamp', `${HEADER.timestamp} is not Unix seconds`);
  if (!withinClockSkew(timestamp, now)) {
    return reject('timestampOutOfWindow', `${HEADER.timestamp} ${timestampText} is 300 s or more from local time`);
  }
  if (signature.startsWith(SIGNTEST_PREFIX)) return reject('probeSignature', 'WECHATPAY/SIGNTEST/ probe signature');

  const key = keys.keyFor(serial);
  if (key === undefined) return reject('unknownSerial', `no trusted key for serial ${serial.slice(0, 64)}`);
  if (decodeBase64(signature) === undefined) return reject('badBase64', `${HEADER.signature} is not base64`);
  if (!verifySha256Rsa(answerSigningMessage(timestampText, nonce, body), signature, key)) {
    return reject('badSignature', `signature does not verify with key ${serial.slice(0, 64)}`);
  }
  return ok(requestId === undefined ? { serial, timestamp, nonce } : { serial, timestamp, nonce, requestId });
}
