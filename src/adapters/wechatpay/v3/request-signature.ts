import type { KeyObject } from 'node:crypto';
import { buildAuthorization } from './authorization-header.js';
import { signSha256Rsa } from './rsa-signature.js';

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
