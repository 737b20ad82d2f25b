import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Clock } from '../../../application/ports/clock.js';
import { systemClock } from '../../system/system-clock.js';
import { API_PATHS, code2Session, createApiHandlers, type XmlApiName } from './api.js';
import { createControlRouter, type SettledRefundStatus } from './control.js';
import { BUSINESS_REFUSALS, FaultPlan } from './faults.js';
import { simulatorIds } from './ids.js';
import { paymentNotify, refundNotify } from './messages.js';
import { Notifier, WECHAT_NOTIFY_RETRY_SCHEDULE_S, type AckMode, type DeliveryView, type SimulatorEvent } from './notifier.js';
import { SimulatorState, type SimOrder, type SimRefund } from './state.js';
import { XML_BODY_LIMIT, authenticate, lack, paramError, refusal, sendAnswer, sendReturnFail, type Answer } from './wire.js';

export interface SimulatorCredentials {
  readonly appId: string;
  readonly mchId: string;
  readonly apiKey: string;
  readonly appSecret: string;
}

/**
 * WeChat's published sample merchant (digest §2.2): harmless to ship, and signatures made with it can be checked
 * against the official worked example. There is no published sample AppSecret; this one is ours.
 */
export const WECHAT_SAMPLE_CREDENTIALS: SimulatorCredentials = {
  appId: 'wxd930ea5d5a258f4f',
  mchId: '10000100',
  apiKey: '192006250b4c09247ec02edce69f6a2d',
  appSecret: 'wxpay-simulator-sample-appsecret',
};

export interface WechatPaySimulatorOptions extends Partial<SimulatorCredentials> {
  /** Order, prepay and login-code ages are measured on this clock (inject a ManualClock to travel). */
  readonly clock?: Clock;
  /** Multiplies WeChat's delays (notify schedule, delay faults, refund settling): 0.001 makes 15 s into 15 ms. Default 1. */
  readonly timeScale?: number;
  readonly logger?: (event: SimulatorEvent) => void;
  /** How a notify answer is judged; default exact (the digest §5.2 document). */
  readonly ackMode?: AckMode;
  /** Real ms WeChat waits for a notify answer. Default 5000. */
  readonly notifyAttemptTimeoutMs?: number;
  /** Seconds between notify attempts; default WeChat's current 15-retry schedule. */
  readonly notifySchedule?: readonly number[];
  /** Refund notify URL when a refund request carries none (WeChat's merchant-platform setting). */
  readonly refundNotifyUrl?: string;
  /** WeChat ms from refund acceptance to SUCCESS (scaled by timeScale). Default 3000. */
  readonly refundSettleMs?: number;
  /** Send the refund notify when a refund settles. Default true. */
  readonly autoRefundNotify?: boolean;
  /** Real ms a "timeout" fault holds the connection before dropping it. Default 60000. */
  readonly hangMs?: number;
  /** WeChat often omits sign_type from HMAC orders' notifies (digest §2.3, T16); set true to include it. */
  readonly notifyIncludesSignType?: boolean;
  /** Refuse /secapi calls without a verified client certificate (when mounted on an https server). */
  readonly requireClientCertForSecapi?: boolean;
}

export interface WechatPaySimulator {
  /** Mount under `/sandbox/wxpay`. */
  readonly router: Router;
  readonly credentials: SimulatorCredentials;
  /** The same plan `POST /control/faults` feeds. */
  readonly faults: FaultPlan;
  deliveries(): readonly DeliveryView[];
  /** Cancels notify and refund timers, in-flight notifies and hung connections. */
  close(): void;
}

/**
 * A wire-faithful WeChat Pay v2 merchant API (plus code2Session) with WeChat's state rules, signed answers,
 * notifies on WeChat's retry schedule, and injectable faults. Control endpoints under /control play the user
 * (log in, pay) and WeChat's infrastructure going wrong (faults).
 */
export function createWechatPaySimulator(options: WechatPaySimulatorOptions = {}): WechatPaySimulator {
  const credentials: SimulatorCredentials = { ...WECHAT_SAMPLE_CREDENTIALS, ...definedOnly(options) };
  const clock = options.clock ?? systemClock;
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale >= 0)) throw new RangeError('timeScale must be ≥ 0');
  const log = options.logger ?? ((): void => undefined);
  const hangMs = options.hangMs ?? 60_000;
  const state = new SimulatorState(clock);
  const faults = new FaultPlan();
  const notifier = new Notifier({
    timeScale,
    faults,
    ackMode: options.ackMode ?? 'exact',
    attemptTimeoutMs: options.notifyAttemptTimeoutMs ?? 5_000,
    schedule: options.notifySchedule ?? WECHAT_NOTIFY_RETRY_SCHEDULE_S,
    reorderFlushMs: 2_000,
    log,
  });
  const timers = new Set<NodeJS.Timeout>();
  const hung = new Set<Response>();
  let closed = false;

  const later = (ms: number, run: () => void): void => {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  /** No answer: the client's own timeout is what ends the exchange. */
  const hang = (res: Response): void => {
    hung.add(res);
    res.on('close', () => hung.delete(res));
    later(hangMs, () => res.destroy());
  };

  const paid = (order: SimOrder): void => {
    log({ type: 'order.paid', outTradeNo: order.outTradeNo, transactionId: order.transactionId });
    notifier.send('payment', order.notifyUrl, order.outTradeNo, paymentNotify(order, credentials, options.notifyIncludesSignType ?? false));
  };

  const settleRefund = (order: SimOrder, refund: SimRefund, url: string | undefined, status: SettledRefundStatus = 'SUCCESS'): void => {
    state.settleRefund(refund, status);
    log({ type: 'refund.settled', outRefundNo: refund.outRefundNo });
    if (url) notifier.send('refund', url, refund.outRefundNo, refundNotify(order, refund, credentials));
  };

  const handlers = createApiHandlers({
    merchant: credentials,
    clock,
    state,
    requireClientCertForSecapi: options.requireClientCertForSecapi ?? false,
    defaultRefundNotifyUrl: options.refundNotifyUrl,
    log,
    refundAccepted(order, refund) {
      log({ type: 'refund.accepted', outRefundNo: refund.outRefundNo });
      const url = options.autoRefundNotify === false ? undefined : refund.notifyUrl;
      later((options.refundSettleMs ?? 3_000) * timeScale, () => settleRefund(order, refund, url));
    },
  });

  const xmlEndpoint =
    (api: XmlApiName) =>
    (req: Request, res: Response): void => {
      const taken = faults.takeApiFault(api);
      const fault = taken?.kind;
      log({ type: 'api', api, fault });
      if (fault === 'timeout') return hang(res);
      if (fault === 'httpError') {
        res.status(502).end();
        return;
      }
      if (req.method !== 'POST') return sendReturnFail(res, '请使用post方法');
      const auth = authenticate(req.body, credentials);
      if (!auth.ok) return sendReturnFail(res, auth.message);
      const { request, signType } = auth;
      const answer = ((): Answer => {
        if (fault === 'systemError') return refusal('SYSTEMERROR', '系统超时');
        if (!request.appid) return lack('appid');
        if (request.appid !== credentials.appId) return refusal('APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
        if (!request.nonce_str) return lack('nonce_str');
        if (request.nonce_str.length > 32) return paramError('nonce_str参数长度有误');
        if (taken?.errCode) return refusal(taken.errCode, BUSINESS_REFUSALS[taken.errCode]);
        return handlers[api](request, signType, req);
      })();
      if (fault === 'timeoutAfterProcessing') return hang(res);
      sendAnswer(res, answer, request, signType, credentials, fault === 'badSignature');
    };

  const jscode2session = (req: Request, res: Response): void => {
    const fault = faults.takeApiFault('jscode2session')?.kind;
    log({ type: 'api', api: 'jscode2session', fault });
    if (fault === 'timeout' || fault === 'timeoutAfterProcessing') return hang(res);
    if (fault === 'httpError') {
      res.status(502).end();
      return;
    }
    const query = (name: string): string => (typeof req.query[name] === 'string' ? (req.query[name] as string) : '');
    const answer =
      fault === 'systemError' ? { errcode: -1, errmsg: 'system error' } : code2Session(query, credentials, state, simulatorIds.sessionKey);
    res.status(200).type('application/json').send(JSON.stringify(answer));
  };

  const router = Router();
  router.use('/control', createControlRouter({ clock, state, faults, deliveries: () => notifier.list(), paid, settleRefund }));
  router.get('/sns/jscode2session', jscode2session);
  const xmlBody = express.text({ type: () => true, limit: XML_BODY_LIMIT });
  for (const [api, path] of Object.entries(API_PATHS) as [XmlApiName, string][]) router.all(path, xmlBody, xmlEndpoint(api));
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    if (req.path.startsWith('/control')) {
      res.status(400).json({ error: 'unreadable request body' });
      return;
    }
    sendReturnFail(res, 'XML格式错误');
  });

  return {
    router,
    credentials,
    faults,
    deliveries: () => notifier.list(),
    close() {
      closed = true;
      notifier.close();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const res of hung) res.destroy();
      hung.clear();
    },
  };
}

function definedOnly(options: Partial<SimulatorCredentials>): Partial<SimulatorCredentials> {
  const picked: { -readonly [K in keyof SimulatorCredentials]?: string } = {};
  for (const key of ['appId', 'mchId', 'apiKey', 'appSecret'] as const) {
    const value = options[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}
