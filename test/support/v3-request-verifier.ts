import type { KeyObject } from 'node:crypto';
import { err, ok, type Result } from '../../src/domain/result.js';
import {
  parseAuthorization,
  type AuthorizationParams,
  type AuthorizationRejectionReason,
} from '../../src/adapters/wechatpay/v3/authorization-header.js';
import { requestSigningMessage, type RequestToSign } from '../../src/adapters/wechatpay/v3/request-signature.js';
import { verifySha256Rsa } from '../../src/adapters/wechatpay/v3/rsa-signature.js';
import { parseUnixSeconds, withinClockSkew } from '../../src/adapters/wechatpay/v3/timestamp.js';

// WeChat's side of a merchant request, for tests that check what the merchant signs; the sandbox has its own,
// written apart (src/sandbox/simulator/v3-wire.ts), and production only signs.

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
