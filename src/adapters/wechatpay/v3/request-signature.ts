import type { KeyObject } from 'node:crypto';
import { err, ok, type Result } from '../../../domain/result.js';
import {
  buildAuthorization,
  parseAuthorization,
  type AuthorizationParams,
  type AuthorizationRejectionReason,
} from './authorization-header.js';
import { signSha256Rsa, verifySha256Rsa } from './rsa-signature.js';
import { parseUnixSeconds, withinClockSkew } from './timestamp.js';

/** One merchant request as it goes on the wire. */
export interface RequestToSign {
  /** The HTTP method exactly as sent (uppercase). */
  readonly method: string;
  /** Path plus query string, no scheme or host: `/v3/pay/transactions/out-trade-no/x?mchid=1`. */
  readonly pathAndQuery: string;
  /** The exact body bytes; '' for GET and for bodiless POSTs. */
  readonly body: string | Buffer;
}

const bytes = (body: string | Buffer): Buffer => (typeof body === 'string' ? Buffer.from(body, 'utf8') : body);

/**
 * `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n` (digest §12.1): the body line ends with `\n` even when the body is
 * empty, so a GET message ends in two newlines. Built as bytes so a Buffer body is hashed exactly as received.
 */
export function requestSigningMessage(request: RequestToSign, timestamp: string, nonce: string): Buffer {
  const head = `${request.method}\n${request.pathAndQuery}\n${timestamp}\n${nonce}\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), bytes(request.body), Buffer.from('\n', 'utf8')]);
}

/** Who signs merchant requests: the mchid, the merchant API certificate serial and that certificate's private key. */
export interface MerchantSigner {
  readonly mchId: string;
  readonly serialNo: string;
  readonly privateKey: KeyObject;
}

/** The `Authorization` value for a request; timestamp (Unix seconds) and nonce are injected for determinism. */
export function authorizeRequest(signer: MerchantSigner, request: RequestToSign, timestamp: number, nonce: string): string {
  const ts = String(timestamp);
  const signature = signSha256Rsa(requestSigningMessage(request, ts, nonce), signer.privateKey);
  return buildAuthorization({
    mchid: signer.mchId,
    serial_no: signer.serialNo,
    timestamp: ts,
    nonce_str: nonce,
    signature,
  });
}

export type RequestRejectionReason = AuthorizationRejectionReason | 'unknownMerchantKey' | 'timestampOutOfWindow' | 'badSignature';

export interface RequestRejection {
  readonly reason: RequestRejectionReason;
  readonly detail: string;
}

/** Finds the merchant public key for (mchid, serial); undefined when that merchant has no such certificate. */
export type MerchantKeyLookup = (mchId: string, serialNo: string) => KeyObject | undefined;

/**
 * The simulator's check of a merchant request, in WeChat's order: parse the header, find the merchant certificate
 * by mchid + serial, check the timestamp window, verify the signature over the request as received. Every failure
 * is what WeChat answers with 401 SIGN_ERROR; the reason says which one. Never throws.
 */
export function verifyRequest(
  authorization: unknown,
  request: RequestToSign,
  lookup: MerchantKeyLookup,
  now: Date,
): Result<AuthorizationParams, RequestRejection> {
  const parsed = parseAuthorization(authorization);
  if (!parsed.ok) return parsed;
  const params = parsed.value;
  const key = lookup(params.mchid, params.serial_no);
  if (key === undefined) {
    const detail = `no certificate ${params.serial_no} for merchant ${params.mchid}`;
    return err({ reason: 'unknownMerchantKey', detail });
  }
  const timestamp = parseUnixSeconds(params.timestamp);
  if (timestamp === undefined || !withinClockSkew(timestamp, now)) {
    const detail = `timestamp ${params.timestamp} is outside the allowed window`;
    return err({ reason: 'timestampOutOfWindow', detail });
  }
  const message = requestSigningMessage(request, params.timestamp, params.nonce_str);
  if (!verifySha256Rsa(message, params.signature, key)) {
    return err({ reason: 'badSignature', detail: 'signature does not verify with the merchant certificate' });
  }
  return ok(params);
}
