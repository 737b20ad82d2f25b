import type { InboundCallback } from '../../../application/ports/notify-verifier.js';
import { NOTIFY_ACK_SUCCESS, notifyFailReply } from '../v2/notify.js';
import { callbackDialect, type CallbackDialect } from './callback-dialect.js';

export interface CallbackReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** v3's refusal body (digest §12.4); the message is the same for every refusal. */
const V3_REFUSAL = JSON.stringify({ code: 'FAIL', message: 'FAIL' });

/**
 * What WeChat needs to hear back, in the callback's own dialect. v2 wants the exact XML SUCCESS document (anything
 * else is a retry). v3 goes by the HTTP status: 204 without a body acknowledges, a 5xx with `{code, message}` asks
 * for a retry (a 200 carrying FAIL would *not* be retried). A refusal never says which check failed: that would
 * teach a forger; the log has the reason. `status` is a suggestion the caller may override for transport errors.
 * With one API configured every reply is in its dialect (a v2-only service answers a JSON body in XML); with both,
 * the callback's own shape decides.
 */
export function callbackReply(
  callback: InboundCallback,
  accepted: boolean,
  configured: readonly CallbackDialect[] = ['v2', 'v3'],
): CallbackReply {
  const dialect = configured.length === 1 ? configured[0] : callbackDialect(callback);
  if (dialect === 'v3') {
    return accepted
      ? { status: 204, contentType: 'application/json', body: '' }
      : { status: 500, contentType: 'application/json', body: V3_REFUSAL };
  }
  return { status: 200, contentType: 'application/xml', body: accepted ? NOTIFY_ACK_SUCCESS : notifyFailReply('FAIL') };
}
