import type { InboundCallback } from '../../../application/ports/notify-verifier.js';

export type CallbackDialect = 'v2' | 'v3';

/** The headers only an API v3 callback carries (digest §12.4); InboundCallback names are lower-case. */
const V3_HEADERS = ['wechatpay-signature', 'wechatpay-serial', 'wechatpay-timestamp', 'wechatpay-nonce'] as const;

/**
 * Which protocol a callback speaks, from its shape alone: any Wechatpay-* header or a JSON body is v3, anything else
 * (XML, or nothing readable) is v2. This only picks the verifier and the reply's dialect — it decides no trust: a
 * forged shape simply meets the other verifier, which refuses it.
 */
export function callbackDialect(callback: InboundCallback): CallbackDialect {
  if (V3_HEADERS.some((name) => callback.headers[name] !== undefined)) return 'v3';
  return callback.body.trimStart().startsWith('{') ? 'v3' : 'v2';
}
