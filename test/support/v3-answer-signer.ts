import type { KeyObject } from 'node:crypto';
import { SIGNATURE_SCHEME } from '../../src/adapters/wechatpay/v3/authorization-header.js';
import { SIGNTEST_PREFIX, answerSigningMessage } from '../../src/adapters/wechatpay/v3/answer-verifier.js';
import { signSha256Rsa } from '../../src/adapters/wechatpay/v3/rsa-signature.js';
import { HEADER } from '../../src/adapters/wechatpay/v3/wechatpay-headers.js';

/** WeChat's side of a signature: its private key and the serial (platform cert serial or PUB_KEY_ID) announcing it. */
export interface PlatformSigner {
  readonly serial: string;
  readonly privateKey: KeyObject;
}

export type SignedAnswerHeaders = Readonly<Record<string, string>>;

/**
 * The simulator's signed-answer headers for a body (answers and notifies sign alike). Timestamp and nonce are
 * injected so tests pin the output; `probe` replaces the signature with a WECHATPAY/SIGNTEST/ probe as WeChat does to
 * check merchants verify.
 */
export function signAnswer(
  signer: PlatformSigner,
  body: string | Buffer,
  timestamp: number,
  nonce: string,
  options: { readonly probe?: boolean } = {},
): SignedAnswerHeaders {
  const ts = String(timestamp);
  const signature = signSha256Rsa(answerSigningMessage(ts, nonce, body), signer.privateKey);
  return {
    [HEADER.timestamp]: ts,
    [HEADER.nonce]: nonce,
    [HEADER.signature]: options.probe === true ? `${SIGNTEST_PREFIX}${signature}` : signature,
    [HEADER.serial]: signer.serial,
    [HEADER.signatureType]: SIGNATURE_SCHEME,
  };
}
