import type { IncomingHttpHeaders } from 'node:http';
import express, { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../../application/ports/clock.js';
import type { NotifyKind, NotifyLog } from '../../application/ports/notify-log.js';
import type { CallbackRejection, InboundCallback } from '../../application/ports/notify-verifier.js';
import type { Result } from '../../domain/result.js';
import type { Metrics } from '../observability/metrics.js';
import type { CallbackDialect } from '../wechatpay/shared/callback-dialect.js';
import { callbackReply, type CallbackReply } from '../wechatpay/shared/callback-reply.js';
import { NOTIFY_DEADLINE_MS, withDeadline } from './deadline.js';

/** WeChat's notifies are a few hundred bytes (v3's JSON a little more); anything near this is not from WeChat. */
export const NOTIFY_BODY_LIMIT = '16kb';

/** What the use case decided: acknowledge (stop retrying) or refuse (retry; `alert` when it looks forged). */
export type CallbackVerdict =
  { readonly ack: true; readonly result: string } | { readonly ack: false; readonly reason: string; readonly alert: boolean };

export interface CallbackRouteDeps<N> {
  readonly path: string;
  readonly kind: NotifyKind;
  /** Authenticates the callback (the configured gateway's NotifyVerifier). */
  readonly verify: (callback: InboundCallback) => Promise<Result<N, CallbackRejection>>;
  readonly handle: (notice: N) => Promise<CallbackVerdict>;
  /** The order a notice names, for the notify log. */
  readonly orderOf: (notice: N) => string;
  readonly notifyLog: NotifyLog;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Answer "retry" rather than let WeChat's 5-second wait run out (a stalled database, say). */
  readonly deadlineMs?: number;
  /** The seed's pay-notify also answered GET (an empty body, refused like any unverifiable one). */
  readonly acceptGet?: boolean;
  /** The WeChat Pay APIs configured: replies are in their dialect (both: the callback's own). Default both. */
  readonly dialects?: readonly CallbackDialect[];
}

interface Decision {
  readonly accepted: boolean;
  readonly detail: string;
  readonly outTradeNo?: string;
}

/**
 * A WeChat callback endpoint: raw body in, WeChat's acknowledgement out. It is acknowledged only after the use case
 * has committed the outcome; every refusal and failure asks WeChat to retry, within 4 seconds, and nothing escapes as
 * a 500 page. Every authenticated callback goes to the notify log with its verdict; one that fails authentication
 * goes to the security log only, so nobody can fill the database by posting garbage.
 */
export function callbackRoute<N>(deps: CallbackRouteDeps<N>): Router {
  const answer = callbackAnswerer(deps);
  return callbackRouter(deps.path, deps.acceptGet ?? false, () => answer);
}

/** What callbackAnswerer makes: decide, send the reply, log. */
export type CallbackAnswer = (callback: InboundCallback, send: (reply: CallbackReply) => void) => Promise<void>;

/**
 * The Express route of a callback path (it may hold parameters: `answerOf` picks the answerer from the request, as a
 * merchant's own callback path does by its merchant).
 */
export function callbackRouter(path: string, acceptGet: boolean, answerOf: (req: Request) => CallbackAnswer): Router {
  const router = Router();
  // Any content type (WeChat sends text/xml or application/json, some proxies drop it); no decompression: WeChat
  // never compresses, and refusing it rules out gzip bombs.
  const rawText = express.text({ type: () => true, limit: NOTIFY_BODY_LIMIT, inflate: false, defaultCharset: 'utf-8' });
  const handle = (req: Request, res: Response): Promise<void> =>
    answerOf(req)({ body: typeof req.body === 'string' ? req.body : '', headers: headersOf(req.headers) }, (reply) => {
      res.status(reply.status).type(reply.contentType).send(reply.body);
    });
  router.post(path, rawText, handle);
  if (acceptGet) router.get(path, handle);
  return router;
}

/**
 * The endpoint's work without the HTTP framework: decide, `send` the reply, count it, then write the notify log. The
 * Express route and the front handler (callback-front.ts) both answer through it.
 */
export function callbackAnswerer<N>(deps: CallbackRouteDeps<N>): CallbackAnswer {
  return async (callback, send) => {
    const stopTimer = deps.metrics.notifyLatency.startTimer({ kind: deps.kind });
    const { accepted, detail, outTradeNo } = await decide(deps, callback);
    send(callbackReply(callback, accepted, deps.dialects));
    stopTimer();
    deps.metrics.notifyVerdicts.inc({ kind: deps.kind, verdict: detail });
    if (outTradeNo === undefined) return;
    try {
      await deps.notifyLog.append({
        receivedAt: deps.clock.now(),
        kind: deps.kind,
        outTradeNo,
        rawBody: callback.body,
        verdict: accepted ? 'SUCCESS' : 'FAIL',
        detail,
      });
    } catch (error) {
      deps.logger.error({ err: error, outTradeNo }, 'could not append to the notify log');
    }
  };
}

async function decide<N>(deps: CallbackRouteDeps<N>, callback: InboundCallback): Promise<Decision> {
  const verified = await deps.verify(callback);
  if (!verified.ok) {
    deps.logger.warn(
      { security: true, kind: deps.kind, reason: verified.error.reason, detail: verified.error.detail },
      'callback rejected',
    );
    return { accepted: false, detail: verified.error.reason };
  }
  const notice = verified.value;
  const outTradeNo = deps.orderOf(notice);
  let verdict: CallbackVerdict;
  try {
    verdict = await withDeadline(deps.handle(notice), deps.deadlineMs ?? NOTIFY_DEADLINE_MS);
  } catch (error) {
    deps.logger.error({ err: error, kind: deps.kind, outTradeNo }, 'callback could not be processed; WeChat will retry');
    return { accepted: false, detail: 'error', outTradeNo };
  }
  if (verdict.ack) return { accepted: true, detail: verdict.result, outTradeNo };
  const log = verdict.alert ? deps.logger.error.bind(deps.logger) : deps.logger.info.bind(deps.logger);
  log({ alert: verdict.alert, security: verdict.alert, kind: deps.kind, reason: verdict.reason, outTradeNo }, 'callback refused');
  return { accepted: false, detail: verdict.reason, outTradeNo };
}

/** Node's headers as the verifiers read them: a repeated header joined with ", ". */
export function headersOf(given: IncomingHttpHeaders): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(given)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}
