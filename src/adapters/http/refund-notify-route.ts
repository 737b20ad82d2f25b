import express, { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { HandleRefundNotice, RefundNoticeVerdict } from '../../application/handle-refund-notice.js';
import type { Clock } from '../../application/ports/clock.js';
import type { NotifyLog } from '../../application/ports/notify-log.js';
import { NOTIFY_ACK_SUCCESS, notifyFailReply } from '../wechatpay/notify.js';
import type { RefundNotifyResult } from '../wechatpay/refund-notify.js';
import { NOTIFY_DEADLINE_MS, withDeadline } from './deadline.js';
import { NOTIFY_BODY_LIMIT } from './notify-route.js';

export interface RefundNotifyRouteDeps {
  /** Decrypts and checks a raw refund-notify body (the WeChat adapter, bound to the merchant's key). */
  readonly decrypt: (rawBody: string) => RefundNotifyResult;
  readonly handleRefundNotice: HandleRefundNotice;
  readonly notifyLog: NotifyLog;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** `/wechat/refund-notify`: WeChat's encrypted refund result. SUCCESS only once the outcome is committed. */
export function refundNotifyRoute(deps: RefundNotifyRouteDeps): Router {
  const router = Router();
  const rawText = express.text({ type: () => true, limit: NOTIFY_BODY_LIMIT, inflate: false, defaultCharset: 'utf-8' });

  router.post('/wechat/refund-notify', rawText, async (req: Request, res: Response) => {
    const rawBody = typeof req.body === 'string' ? req.body : '';
    const { answer, detail, outTradeNo } = await decide(deps, rawBody);
    res.status(200).type('application/xml').send(answer === 'SUCCESS' ? NOTIFY_ACK_SUCCESS : notifyFailReply(detail === 'error' ? 'temporarily unavailable' : detail));
    if (outTradeNo === undefined) return; // undecryptable: security log only, as for payment notifies
    try {
      await deps.notifyLog.append({ receivedAt: deps.clock.now(), kind: 'refund', outTradeNo, rawBody, verdict: answer, detail });
    } catch (error) {
      deps.logger.error({ err: error, outTradeNo }, 'could not append to the notify log');
    }
  });
  return router;
}

async function decide(deps: RefundNotifyRouteDeps, rawBody: string): Promise<{ answer: 'SUCCESS' | 'FAIL'; detail: string; outTradeNo?: string }> {
  const decrypted = deps.decrypt(rawBody);
  if (!decrypted.ok) {
    deps.logger.warn({ security: true, reason: decrypted.error.reason, detail: decrypted.error.detail }, 'refund notify rejected');
    return { answer: 'FAIL', detail: decrypted.error.reason };
  }
  const n = decrypted.value;
  let verdict: RefundNoticeVerdict;
  try {
    verdict = await withDeadline(deps.handleRefundNotice.execute({
      appId: n.appId,
      mchId: n.mchId,
      outTradeNo: n.outTradeNo,
      outRefundNo: n.outRefundNo,
      status: n.refundStatus,
      refundFee: n.refundFee,
    }), NOTIFY_DEADLINE_MS);
  } catch (error) {
    deps.logger.error({ err: error, outTradeNo: n.outTradeNo }, 'refund notify could not be processed; WeChat will retry');
    return { answer: 'FAIL', detail: 'error', outTradeNo: n.outTradeNo };
  }
  if (verdict.ack) return { answer: 'SUCCESS', detail: verdict.result, outTradeNo: n.outTradeNo };
  (verdict.alert ? deps.logger.error : deps.logger.info).call(deps.logger, { alert: verdict.alert, reason: verdict.reason, outTradeNo: n.outTradeNo }, 'refund notify refused');
  return { answer: 'FAIL', detail: verdict.reason, outTradeNo: n.outTradeNo };
}
