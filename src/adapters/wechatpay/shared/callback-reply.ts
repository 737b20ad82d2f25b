import type { InboundCallback } from '../../../application/ports/notify-verifier.js';
import { NOTIFY_ACK_SUCCESS, notifyFailReply } from '../v2/notify.js';

export interface CallbackReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * What WeChat needs to hear back, in the callback's own dialect: v2 wants the exact XML SUCCESS document (anything
 * else is a retry). A refusal never says which check failed: that would teach a forger; the log has the reason.
 */
export function callbackReply(_callback: InboundCallback, accepted: boolean): CallbackReply {
  return { status: 200, contentType: 'application/xml', body: accepted ? NOTIFY_ACK_SUCCESS : notifyFailReply('FAIL') };
}
