import express, { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { HandleNotify, NotifyVerdict } from '../../application/handle-notify.js';
import type { NotifyLog } from '../../application/ports/notify-log.js';
import type { Clock } from '../../application/ports/clock.js';
import { NOTIFY_ACK_SUCCESS, notifyFailReply, type PaymentNotifyResult } from '../wechatpay/notify.js';
import { NOTIFY_DEADLINE_MS, withDeadline } from './deadline.js';
import type { Metrics } from './metrics.js';

/** WeChat's notifies are a few hundred bytes; anything near this is not from WeChat. */
export const NOTIFY_BODY_LIMIT = '16kb';

export interface NotifyRouteDeps {
  /** Parses and verifies a raw notify body (the WeChat adapter, bound to the merchant's keys). */
  readonly verify: (rawBody: string) => PaymentNotifyResult;
  readonly handleNotify: HandleNotify;
  readonly notifyLog: NotifyLog;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Answer FAIL rather than let WeChat's 5-second wait run out (a stalled database, say). */
  readonly deadlineMs?: number;
}

/**
 * `/wechat/pay-notify`: raw body in, WeChat's XML out. SUCCESS is sent only after HandleNotify has committed the
 * outcome; every refusal and every failure answers FAIL so that WeChat retries, and nothing here lets an exception
 * escape as a 500 page.
 */
export function notifyRoute(deps: NotifyRouteDeps): Router {
  const router = Router();
  // Any content type (WeChat sends text/xml, some proxies drop it); no decompression: WeChat never compresses, and
  // refusing it rules out gzip bombs.
  const rawText = express.text({ type: () => true, limit: NOTIFY_BODY_LIMIT, inflate: false, defaultCharset: 'utf-8' });

  const handle = async (req: Request, res: Response): Promise<void> => {
    const stopTimer = deps.metrics.notifyLatency.startTimer();
    const rawBody = typeof req.body === 'string' ? req.body : '';
    const { answer, detail, outTradeNo } = await decide(deps, rawBody);
    res.status(200).type('application/xml').send(answer === 'SUCCESS' ? NOTIFY_ACK_SUCCESS : notifyFailReply(failMessage(detail)));
    stopTimer();
    deps.metrics.notifyVerdicts.inc({ verdict: detail });
    // Unverified bodies only reach the security log: storing them would let anyone fill the database.
    if (outTradeNo === undefined) return;
    try {
      await deps.notifyLog.append({ receivedAt: deps.clock.now(), kind: 'pay', outTradeNo, rawBody, verdict: answer, detail });
    } catch (error) {
      deps.logger.error({ err: error, outTradeNo }, 'could not append to the notify log');
    }
  };
  router.post('/wechat/pay-notify', rawText, handle);
  router.get('/wechat/pay-notify', handle);
  return router;
}

interface Decision {
  readonly answer: 'SUCCESS' | 'FAIL';
  readonly detail: string;
  readonly outTradeNo?: string;
}

async function decide(deps: NotifyRouteDeps, rawBody: string): Promise<Decision> {
  const parsed = deps.verify(rawBody);
  if (!parsed.ok) {
    deps.logger.warn({ security: true, reason: parsed.error.reason, detail: parsed.error.detail }, 'payment notify rejected');
    return { answer: 'FAIL', detail: parsed.error.reason };
  }
  const notice = parsed.value.notice;
  let verdict: NotifyVerdict;
  try {
    verdict = await withDeadline(deps.handleNotify.execute(notice), deps.deadlineMs ?? NOTIFY_DEADLINE_MS);
  } catch (error) {
    deps.logger.error({ err: error, outTradeNo: notice.outTradeNo }, 'payment notify could not be processed; WeChat will retry');
    return { answer: 'FAIL', detail: 'error', outTradeNo: notice.outTradeNo };
  }
  if (verdict.ack) {
    if (verdict.result === 'conflictRecorded') {
      deps.logger.error({ alert: true, outTradeNo: notice.outTradeNo, transactionId: notice.transactionId }, 'second payment for a paid order: refund it');
    }
    return { answer: 'SUCCESS', detail: verdict.result, outTradeNo: notice.outTradeNo };
  }
  const log = verdict.alert ? deps.logger.error.bind(deps.logger) : deps.logger.info.bind(deps.logger);
  log({ alert: verdict.alert, security: verdict.alert, reason: verdict.reason, outTradeNo: notice.outTradeNo }, 'payment notify refused');
  return { answer: 'FAIL', detail: verdict.reason, outTradeNo: notice.outTradeNo };
}

/** WeChat shows return_msg in the merchant console; keep it short and free of internals. */
const failMessage = (detail: string): string => (detail === 'error' ? 'temporarily unavailable' : detail);
