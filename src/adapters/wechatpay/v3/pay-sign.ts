import type { KeyObject } from 'node:crypto';
import { signSha256Rsa, verifySha256Rsa } from './rsa-signature.js';

/**
 * What `wx.requestPayment` takes in v3 mode; the same shape as v2's (shared/request-payment.ts). `signType` is
 * sent as "RSA" but is not part of the signed message (digest §4.2).
 */
export interface V3PaymentParams {
  readonly appId: string;
  readonly timeStamp: string;
  readonly nonceStr: string;
  readonly package: string;
  readonly signType: 'RSA';
  readonly paySign: string;
}

/** `appId\ntimeStamp\nnonceStr\npackage\n` — four lines, the last one ended too. */
export const paySignMessage = (appId: string, timeStamp: string, nonceStr: string, pkg: string): string =>
  `${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`;

/**
 * Client parameters for a prepay_id, signed with the merchant private key. appId must be the appid of the prepay
 * request; timestamp (Unix seconds) and nonce are injected for determinism.
 */
export function paymentParams(appId: string, prepayId: string, privateKey: KeyObject, timestamp: number, nonce: string): V3PaymentParams {
  const timeStamp = String(timestamp);
  const pkg = `prepay_id=${prepayId}`;
  const paySign = signSha256Rsa(paySignMessage(appId, timeStamp, nonce, pkg), privateKey);
  return { appId, timeStamp, nonceStr: nonce, package: pkg, signType: 'RSA', paySign };
}

/** The simulator's check of a client's paySign with the merchant certificate's public key; never throws. */
export function verifyPaySign(params: Omit<V3PaymentParams, 'signType'> & { readonly signType: string }, publicKey: KeyObject): boolean {
  if (params.signType !== 'RSA') return false;
  const message = paySignMessage(params.appId, params.timeStamp, params.nonceStr, params.package);
  return verifySha256Rsa(message, params.paySign, publicKey);
}
