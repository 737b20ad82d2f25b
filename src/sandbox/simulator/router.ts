import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { systemClock } from '../../adapters/system/system-clock.js';
import { SimAccounts, scopeOf, type SimAccount, type SimulatorMiniProgramOptions } from './accounts.js';
import { API_PATHS, code2Session, createApiHandlers, type Caller, type XmlApiName } from './api.js';
import { canAdvance, createControlRouter, MAX_ADVANCE_MS, type SettledRefundStatus } from './control.js';
import { BUSINESS_REFUSALS, FaultPlan } from './faults.js';
import { simulatorIds } from './ids.js';
import { paymentNotify, refundNotify } from './messages.js';
import { Notifier, WECHAT_NOTIFY_RETRY_SCHEDULE_S, type DeliveryView } from './notifier.js';
import type { SimulatorSnapshot } from './snapshot.js';
import { SimulatorState, type SimOrder, type SimRefund } from './state.js';
import { XML_BODY_LIMIT, authenticate, lack, paramError, refusal, sendAnswer, sendReturnFail, type Answer } from './wire.js';
import { createV3KeysRouter } from './v3-control.js';
import { SAMPLE_MERCHANT } from '../../adapters/wechatpay/shared/sample-merchant.js';
import type { SimulatorCredentials, WechatPaySimulatorOptions } from './options.js';
import { SimulatorV3Keys } from './v3-keys.js';
import { v3PaymentNotify, v3RefundNotify } from './v3-messages.js';
import { createV3Router } from './v3-router.js';

export type { SimulatorCredentials, WechatPaySimulatorOptions } from './options.js';
export type {
  SimAccount,
  SimulatorMerchantOptions,
  SimulatorMiniProgramOptions,
  SimulatorProviderOptions,
  SimulatorSubMerchantOptions,
} from './accounts.js';
export { parseSimulatorSnapshot, SnapshotError, type SimulatorSnapshot } from './snapshot.js';

export interface WechatPaySimulator {
  /** Mount under `/sandbox/wxpay`. */
  readonly router: Router;
  readonly credentials: SimulatorCredentials;
  /** The same plan `POST /control/faults` feeds. */
  readonly faults: FaultPlan;
  /** API v3's keys and signer, when v3 is on. */
  readonly v3Keys?: SimulatorV3Keys;
  /** Every merchant and provider the simulator stands in WeChat for, by mch_id (its own merchant first). */
  readonly accounts: SimAccounts;
  deliveries(): readonly DeliveryView[];
  /** What WeChat remembers (orders, refunds, login codes, foreign openids) as plain JSON; pending notifies excluded. */
  snapshot(): SimulatorSnapshot;
  /**
   * Replaces the state with a snapshot (checked by parseSimulatorSnapshot): sandbox time moves forward to when it was
   * taken if it is behind, and refunds still PROCESSING are settled again as WeChat would. Returns the order count.
   */
  restore(snapshot: SimulatorSnapshot): number;
  /**
   * A mini-program the service learned after start (a reload of its merchants file): its AppSecret for code2Session,
   * and its appid bound to the merchant (or the provider's sub-merchant), as WeChat knows a registered one.
   */
  learnMiniProgram(miniProgram: SimulatorMiniProgramOptions & { readonly mchId: string; readonly subMchId?: string }): void;
  /** Cancels notify and refund timers, in-flight notifies and hung connections. */
  close(): void;
}

/**
 * A wire-faithful WeChat Pay v2 merchant API (plus code2Session) with WeChat's state rules, signed answers,
 * notifies on WeChat's retry schedule, and injectable faults. Control endpoints under /control play the user
 * (log in, pay) and WeChat's infrastructure going wrong (faults).
 */
export function createWechatPaySimulator(options: WechatPaySimulatorOptions = {}): WechatPaySimulator {
  const credentials: SimulatorCredentials = { ...SAMPLE_MERCHANT, ...definedOnly(options) };
  const clock = options.clock ?? systemClock;
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale >= 0)) throw new RangeError('timeScale must be ≥ 0');
  const log = options.logger ?? ((): void => undefined);
  const hangMs = options.hangMs ?? 60_000;
  const changed = (): void => options.onStateChange?.();
  const state = new SimulatorState(clock, changed);
  const v3Keys = options.v3 ? new SimulatorV3Keys(options.v3) : undefined;
  const primary: SimAccount = {
    kind: 'direct',
    primary: true,
    mchId: credentials.mchId,
    appId: credentials.appId,
    appIds: new Set([credentials.appId]),
    apiKey: credentials.apiKey,
    v3Keys,
    subMerchants: new Map(),
  };
  const accounts = new SimAccounts(primary, options.merchants, options.providers);
  const appSecrets = new Map([[credentials.appId, credentials.appSecret]]);
  for (const mp of options.miniPrograms ?? []) appSecrets.set(mp.appId, mp.appSecret);
  const signatureClock = options.signatureClock ?? clock;
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

  // Each order is notified in the dialect it was opened in, each refund in the dialect it was requested in.
  const paid = (order: SimOrder): void => {
    log({ type: 'order.paid', outTradeNo: order.outTradeNo, transactionId: order.transactionId, state: order.state });
    // v3 notifies successful payments only (TRANSACTION.SUCCESS); v2 also reports a failed one (result_code FAIL).
    if (order.state !== 'SUCCESS' && order.signType === 'RSA') return;
    // Signed and sealed with the keys of the merchant (partner mode: the provider) the order belongs to.
    const account = accounts.of(order.scope);
    // A merchant removed from the options keeps its restored orders, but nothing is signed for it with another's keys.
    if (!account) return log({ type: 'notify.skipped', reason: 'unknown merchant', outTradeNo: order.outTradeNo });
    const render =
      order.signType === 'RSA' && account.v3Keys
        ? v3PaymentNotify(order, account, account.v3Keys, signatureClock)
        : paymentNotify(order, account, options.notifyIncludesSignType ?? false);
    notifier.send('payment', order.notifyUrl, order.outTradeNo, render, order.scope);
  };

  const settleRefund = (order: SimOrder, refund: SimRefund, url: string | undefined, status: SettledRefundStatus = 'SUCCESS'): void => {
    state.settleRefund(refund, status);
    log({ type: 'refund.settled', outRefundNo: refund.outRefundNo });
    if (!url) return;
    const account = accounts.of(order.scope);
    if (!account) return log({ type: 'notify.skipped', reason: 'unknown merchant', outRefundNo: refund.outRefundNo });
    const render =
      refund.api === 'v3' && account.v3Keys
        ? v3RefundNotify(order, refund, account.mchId, account.v3Keys, signatureClock)
        : refundNotify(order, refund, account);
    notifier.send('refund', url, refund.outRefundNo, render, order.scope);
  };

  const settleLater = (order: SimOrder, refund: SimRefund): void => {
    const url = options.autoRefundNotify === false ? undefined : refund.notifyUrl;
    later((options.refundSettleMs ?? 3_000) * timeScale, () => settleRefund(order, refund, url));
  };
  const refundAccepted = (order: SimOrder, refund: SimRefund): void => {
    log({ type: 'refund.accepted', outRefundNo: refund.outRefundNo });
    settleLater(order, refund);
  };

  const restore = (snapshot: SimulatorSnapshot): number => {
    state.restore(snapshot);
    const behindMs = Date.parse(snapshot.takenAt) - clock.now().getTime();
    if (behindMs > 0 && behindMs <= MAX_ADVANCE_MS && canAdvance(clock)) clock.advance(behindMs);
    const orders = state.everyOrder();
    for (const order of orders) for (const refund of order.refunds) if (refund.status === 'PROCESSING') settleLater(order, refund);
    log({ type: 'state.restored', orders: orders.length });
    return orders.length;
  };

  const handlers = createApiHandlers({
    clock,
    state,
    requireClientCertForSecapi: options.requireClientCertForSecapi ?? false,
    defaultRefundNotifyUrl: options.refundNotifyUrl,
    notifyUrlAllowed: options.notifyUrlAllowed ?? (() => true),
    loopbackHttpNotify: options.loopbackHttpNotify ?? false,
    log,
    refundAccepted,
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
      const auth = authenticate(req.body, (mchId) => accounts.get(mchId));
      if (!auth.ok) return sendReturnFail(res, auth.message);
      const { request, signType, merchant: account } = auth;
      const answer = ((): Answer => {
        if (fault === 'systemError') return refusal('SYSTEMERROR', '系统超时');
        if (!request.appid) return lack('appid');
        if (!account.appIds.has(request.appid)) return refusal('APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
        const caller = v2Caller(account, request, api);
        if ('kind' in caller) return caller;
        if (!request.nonce_str) return lack('nonce_str');
        if (request.nonce_str.length > 32) return paramError('nonce_str参数长度有误');
        if (taken?.errCode) return refusal(taken.errCode, BUSINESS_REFUSALS[taken.errCode]);
        return handlers[api](request, signType, req, caller);
      })();
      if (fault === 'timeoutAfterProcessing') return hang(res);
      sendAnswer(res, answer, request, signType, account, fault === 'badSignature');
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
      fault === 'systemError'
        ? { errcode: -1, errmsg: 'system error' }
        : code2Session(query, (appId) => appSecrets.get(appId), state, simulatorIds.sessionKey);
    res.status(200).type('application/json').send(JSON.stringify(answer));
  };

  const router = Router();
  if (accounts.all().some((account) => account.v3Keys)) {
    router.use('/control/keys', createV3KeysRouter(accounts));
    router.use(
      '/v3',
      createV3Router({
        accounts,
        clock,
        state,
        signatureClock,
        faults,
        hang,
        log,
        defaultRefundNotifyUrl: options.refundNotifyUrl,
        notifyUrlAllowed: options.notifyUrlAllowed ?? (() => true),
        loopbackHttpNotify: options.loopbackHttpNotify ?? false,
        refundAccepted,
      }),
    );
  }
  router.use(
    '/control',
    createControlRouter({
      clock,
      state,
      faults,
      deliveries: () => notifier.list(),
      paid,
      settleRefund,
      clockMoved: changed,
      primaryMchId: credentials.mchId,
    }),
  );
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
    ...(v3Keys ? { v3Keys } : {}),
    accounts,
    deliveries: () => notifier.list(),
    snapshot: () => state.snapshot(),
    restore,
    learnMiniProgram({ appId, appSecret, mchId, subMchId }) {
      appSecrets.set(appId, appSecret);
      accounts.bindAppId(appId, mchId, subMchId);
    },
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

/** v2's bills may name no sub-merchant (a provider's bill then covers all of them); every other API must name one. */
const SUB_MCH_OPTIONAL: ReadonlySet<XmlApiName> = new Set(['downloadbill', 'downloadfundflow']);

/**
 * Partner mode's gate, before the business: a provider must name a sub_mch_id bound to it (and a sub_appid bound to
 * that sub-merchant), a direct merchant must name none. WeChat answers the first two with return_code FAIL: "受理机构
 * 必须传入sub_mch_id" and "普通商户不允许传sub_mch_id" are its published wording; for a sub_mch_id that is not bound
 * to the provider, "商户号mch_id或sub_mch_id不存在" is the wording merchants meet for an unknown one, and that WeChat
 * answers a sub-merchant bound to another provider the same way is UNCONFIRMED. "sub_mch_id与sub_appid不匹配" is
 * WeChat's wording for an unbound sub_appid; its err_code (PARAM_ERROR here) is UNCONFIRMED.
 */
function v2Caller(account: SimAccount, request: Readonly<Record<string, string | undefined>>, api: XmlApiName): Caller | Answer {
  const subMchId = request.sub_mch_id || undefined;
  if (account.kind === 'direct') {
    return subMchId ? { kind: 'returnFail', message: '普通商户不允许传sub_mch_id' } : { account, scope: scopeOf(account) };
  }
  if (!subMchId) {
    return SUB_MCH_OPTIONAL.has(api) ? { account, scope: scopeOf(account) } : { kind: 'returnFail', message: '受理机构必须传入sub_mch_id' };
  }
  const subAppIds = account.subMerchants.get(subMchId);
  if (!subAppIds) return { kind: 'returnFail', message: '商户号mch_id或sub_mch_id不存在' };
  if (request.sub_appid && !subAppIds.has(request.sub_appid)) return paramError('sub_mch_id与sub_appid不匹配');
  return { account, scope: scopeOf(account, subMchId) };
}

function definedOnly(options: Partial<SimulatorCredentials>): Partial<SimulatorCredentials> {
  const picked: { -readonly [K in keyof SimulatorCredentials]?: string } = {};
  for (const key of ['appId', 'mchId', 'apiKey', 'appSecret'] as const) {
    const value = options[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}
