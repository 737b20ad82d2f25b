import type { Clock } from '../../application/ports/clock.js';
import { Money } from '../../domain/money.js';
import type { SignType, WechatFields } from './codec/index.js';
import { simulatorIds } from './ids.js';
import {
  LOGIN_CODE_TTL_MS,
  type LoginRefusal,
  type OrderScope,
  type SimLoginCode,
  type SimOrder,
  type SimRefund,
  type SimRefundStatus,
} from './records.js';
import { stateFromSnapshot, takeSnapshot, type SimulatorSnapshot } from './snapshot.js';

export {
  LOGIN_CODE_TTL_MS,
  type LoginRefusal,
  type OrderScope,
  type SimLoginCode,
  type SimOrder,
  type SimRefund,
  type SimRefundStatus,
  type TradeState,
} from './records.js';

export const PREPAY_TTL_MS = 2 * 60 * 60 * 1000;
export const CLOSE_MIN_AGE_MS = 5 * 60 * 1000;

/** The states a tester may put an unpaid order in: the user is typing the password, the bank refused, revoked. */
export const SETTABLE_TRADE_STATES = ['NOTPAY', 'USERPAYING', 'PAYERROR', 'REVOKED'] as const;
export type SettableTradeState = (typeof SETTABLE_TRADE_STATES)[number];

/** How the user's payment in the cashier ends: paid (in part by a coupon), or refused by the bank (PAYERROR). */
export interface PayOptions {
  readonly couponFee?: number;
  readonly result?: 'SUCCESS' | 'FAIL';
}

/** WeChat lets one order be refunded at most 50 times (digest §8.1). */
export const MAX_REFUNDS_PER_ORDER = 50;

/** A WeChat business refusal: result_code FAIL with this err_code / err_code_des. */
export interface Refusal {
  readonly errCode: string;
  readonly errCodeDes: string;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly refusal: Refusal };

const refuse = (errCode: string, errCodeDes: string): Outcome<never> => ({ ok: false, refusal: { errCode, errCodeDes } });
const done = <T>(value: T): Outcome<T> => ({ ok: true, value });

export type PayFailure = 'unknownPrepay' | 'prepayExpired' | 'closed' | 'alreadyPaid' | 'badCoupon';

const NON_BUSINESS = new Set(['nonce_str', 'sign', 'sign_type']);

/**
 * Where an order is kept: its out_trade_no alone for the simulator's own merchant (as before scopes existed), else
 * prefixed by its merchant (and sub-merchant). An out_trade_no never holds '/', so keys cannot collide.
 */
export function orderKey(scope: OrderScope | undefined, outTradeNo: string): string {
  return scope ? `${scope.mchId}/${scope.subMchId ?? ''}/${outTradeNo}` : outTradeNo;
}

export const sameScope = (a: OrderScope | undefined, b: OrderScope | undefined): boolean =>
  a?.mchId === b?.mchId && a?.subMchId === b?.subMchId;

/** A provider's scope without a sub-merchant covers every sub-merchant's orders (its bills); any other is exact. */
export const withinScope = (order: SimOrder, scope: OrderScope | undefined): boolean =>
  scope !== undefined && scope.subMchId === undefined && order.scope?.mchId === scope.mchId ? true : sameScope(order.scope, scope);

/**
 * What WeChat remembers about a merchant's orders, refunds and login codes, with WeChat's rules: identical
 * re-entry only, ORDERPAID/ORDERCLOSED for finished numbers, 2-hour prepay_ids, no close within 5 minutes,
 * single-use 5-minute login codes. Time comes from the injected clock so tests can travel. `onChange` is called
 * after every change, so that a snapshot can be saved; snapshot() and restore() do no I/O.
 */
export class SimulatorState {
  private orders = new Map<string, SimOrder>();
  private byPrepay = new Map<string, SimOrder>();
  private byTransaction = new Map<string, SimOrder>();
  private codes = new Map<string, SimLoginCode>();
  /** Openids of users of another mini-program: WeChat refuses to take their payment under this appid. */
  private foreignOpenids = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** v2's unifiedorder; v3's JSAPI prepay comes with its JSON flattened into the same fields, signType RSA. */
  unifiedOrder(request: WechatFields, signType: SignType | 'RSA', scope?: OrderScope): Outcome<{ order: SimOrder; prepayId: string }> {
    const params = Object.fromEntries(Object.entries(request).filter(([k]) => !NON_BUSINESS.has(k)));
    // UNCONFIRMED wording: the err_code_des merchants report for an openid of another appid.
    if (this.foreignOpenids.has(request.openid as string)) return refuse('PARAM_ERROR', 'appid和openid不匹配');
    if (request.sub_openid && this.foreignOpenids.has(request.sub_openid)) return refuse('PARAM_ERROR', 'sub_appid和sub_openid不匹配');
    const now = this.clock.now();
    const existing = this.orders.get(orderKey(scope, request.out_trade_no as string));
    if (existing) {
      if (existing.state === 'SUCCESS' || existing.state === 'REFUND') return refuse('ORDERPAID', '该订单已支付');
      if (existing.state === 'CLOSED') return refuse('ORDERCLOSED', '该订单已关闭');
      if (!sameFields(existing.params, params)) return refuse('INVALID_REQUEST', '201 商户订单号重复');
      const live = existing.prepays.find((p) => p.expiresAt.getTime() > now.getTime());
      return live
        ? done({ order: existing, prepayId: live.id })
        : this.changed(done({ order: existing, prepayId: this.issuePrepay(existing, now) }));
    }
    const order: SimOrder = {
      outTradeNo: request.out_trade_no as string,
      ...(scope ? { scope } : {}),
      params,
      signType,
      createdAt: now,
      totalFee: Number(request.total_fee),
      openid: request.openid as string,
      notifyUrl: request.notify_url as string,
      prepays: [],
      refunds: [],
      state: 'NOTPAY',
      couponFee: 0,
    };
    this.orders.set(orderKey(scope, order.outTradeNo), order);
    return this.changed(done({ order, prepayId: this.issuePrepay(order, now) }));
  }

  /** An order of this scope (the simulator's own merchant when absent); another merchant's transaction_id finds nothing. */
  find(key: { transactionId?: string | undefined; outTradeNo?: string | undefined }, scope?: OrderScope): SimOrder | undefined {
    if (key.transactionId) {
      const order = this.byTransaction.get(key.transactionId);
      return order && sameScope(order.scope, scope) ? order : undefined;
    }
    return key.outTradeNo === undefined ? undefined : this.orders.get(orderKey(scope, key.outTradeNo));
  }

  /**
   * Closes an unpaid order. `minAgeMs`: v2's closeorder docs say an order cannot be closed within 5 minutes of its
   * creation (the default); the domestic v3 close-order page and its error table have no such rule, so v3 passes 0.
   * UNCONFIRMED: v2's docs give no err_code for it; INVALID_REQUEST (a non-retryable "request not allowed now") is
   * our choice, so a client never hammers it as it would a SYSTEMERROR.
   */
  close(outTradeNo: string, minAgeMs = CLOSE_MIN_AGE_MS, scope?: OrderScope): Outcome<SimOrder> {
    const order = this.orders.get(orderKey(scope, outTradeNo));
    if (!order) return refuse('ORDERNOTEXIST', '此交易订单号不存在');
    if (order.state === 'SUCCESS' || order.state === 'REFUND') return refuse('ORDERPAID', '该订单已支付');
    if (order.state === 'CLOSED') return refuse('ORDERCLOSED', '该订单已关闭');
    if (this.clock.now().getTime() - order.createdAt.getTime() < minAgeMs) {
      return refuse('INVALID_REQUEST', '订单生成后5分钟内不能关单');
    }
    order.state = 'CLOSED';
    return this.changed(done(order));
  }

  /** The user completes the cashier for this prepay_id: paid (a coupon may pay part), or refused by the bank. */
  pay(prepayId: string, options: PayOptions = {}): { ok: true; order: SimOrder } | { ok: false; failure: PayFailure } {
    const order = this.byPrepay.get(prepayId);
    if (!order) return { ok: false, failure: 'unknownPrepay' };
    if (order.state === 'SUCCESS' || order.state === 'REFUND') return { ok: false, failure: 'alreadyPaid' };
    if (order.state === 'CLOSED' || order.state === 'REVOKED') return { ok: false, failure: 'closed' };
    const prepay = order.prepays.find((p) => p.id === prepayId);
    const now = this.clock.now();
    if (!prepay || prepay.expiresAt.getTime() <= now.getTime()) return { ok: false, failure: 'prepayExpired' };
    const couponFee = options.couponFee ?? 0;
    if (!Number.isSafeInteger(couponFee) || couponFee < 0 || couponFee >= order.totalFee) return { ok: false, failure: 'badCoupon' };
    if (options.result === 'FAIL') {
      order.state = 'PAYERROR';
      return this.changed({ ok: true, order });
    }
    order.state = 'SUCCESS';
    order.couponFee = couponFee;
    order.transactionId = simulatorIds.transactionId();
    order.paidAt = now;
    this.byTransaction.set(order.transactionId, order);
    return this.changed({ ok: true, order });
  }

  /** From now on this openid belongs to another appid's user (the login and payment appids differ, say). */
  markForeign(openid: string): void {
    this.foreignOpenids.add(openid);
    this.changed(undefined);
  }

  refund(
    request: WechatFields,
    defaultNotifyUrl: string | undefined,
    api: 'v2' | 'v3' = 'v2',
    scope?: OrderScope,
  ): Outcome<{ order: SimOrder; refund: SimRefund; created: boolean }> {
    const order = this.find({ transactionId: request.transaction_id, outTradeNo: request.out_trade_no }, scope);
    // Unpaid orders cannot be refunded and WeChat says so with ORDERNOTEXIST (digest §8.1).
    if (!order || (order.state !== 'SUCCESS' && order.state !== 'REFUND')) return refuse('ORDERNOTEXIST', '订单不存在');
    const totalFee = Money.parseFen(request.total_fee ?? '');
    const refundFee = Money.parseFen(request.refund_fee ?? '');
    if (!totalFee || !refundFee || refundFee.isZero()) return refuse('PARAM_ERROR', 'total_fee或refund_fee格式错误');
    const outRefundNo = request.out_refund_no as string;
    const previous = order.refunds.find((r) => r.outRefundNo === outRefundNo);
    if (previous) {
      // Same out_refund_no: the same refund, returned again, never a second one (digest §8.1).
      if (previous.refundFee !== refundFee.fen || order.totalFee !== totalFee.fen) {
        return refuse('INVALID_REQUEST', '订单金额或退款金额与之前请求不一致，请核实后再试');
      }
      return done({ order, refund: previous, created: false });
    }
    if (order.totalFee !== totalFee.fen) return refuse('INVALID_REQUEST', '订单金额或退款金额与之前请求不一致，请核实后再试');
    // UNCONFIRMED code and wording: the digest states the limit, not WeChat's refusal of the 51st.
    if (order.refunds.length >= MAX_REFUNDS_PER_ORDER) return refuse('ERROR', '部分退款次数超过上限(50次)');
    const refunded = order.refunds.filter((r) => r.status !== 'REFUNDCLOSE').reduce((sum, r) => sum + r.refundFee, 0);
    if (refunded + refundFee.fen > order.totalFee) return refuse('INVALID_REQUEST', '退款金额大于支付金额');
    const refund: SimRefund = {
      api,
      outRefundNo,
      refundId: simulatorIds.refundId(),
      refundFee: refundFee.fen,
      notifyUrl: request.notify_url || defaultNotifyUrl,
      createdAt: this.clock.now(),
      status: 'PROCESSING',
    };
    order.refunds.push(refund);
    order.state = 'REFUND';
    return this.changed(done({ order, refund, created: true }));
  }

  /** WeChat finishes a refund: paid back (SUCCESS), closed for good, or stuck at the bank. Settled refunds stay settled. */
  settleRefund(refund: SimRefund, status: Exclude<SimRefundStatus, 'PROCESSING'> = 'SUCCESS'): void {
    if (refund.status === 'SUCCESS' || refund.status === 'REFUNDCLOSE') return;
    refund.status = status;
    if (status === 'SUCCESS') refund.successAt = this.clock.now();
    this.changed(undefined);
  }

  /** An unpaid order moves to another unpaid or failed state, as WeChat reports them for card and bank trouble. */
  setTradeState(outTradeNo: string, state: SettableTradeState, scope?: OrderScope): SimOrder | undefined {
    const order = this.orders.get(orderKey(scope, outTradeNo));
    if (!order || order.state === 'SUCCESS' || order.state === 'REFUND' || order.state === 'CLOSED') return undefined;
    order.state = state;
    return this.changed(order);
  }

  /** WeChat's priority: refund_id > out_refund_no > transaction_id > out_trade_no. */
  findRefunds(request: WechatFields, scope?: OrderScope): { order: SimOrder; refunds: SimRefund[] } | undefined {
    const all = this.allOrders(scope);
    if (request.refund_id || request.out_refund_no) {
      const match = (r: SimRefund): boolean =>
        request.refund_id ? r.refundId === request.refund_id : r.outRefundNo === request.out_refund_no;
      for (const order of all) {
        const refund = order.refunds.find(match);
        if (refund) return { order, refunds: [refund] };
      }
      return undefined;
    }
    const order = this.find({ transactionId: request.transaction_id, outTradeNo: request.out_trade_no }, scope);
    return order && order.refunds.length > 0 ? { order, refunds: order.refunds } : undefined;
  }

  findRefund(outRefundNo: string, scope?: OrderScope): { order: SimOrder; refund: SimRefund } | undefined {
    for (const order of this.allOrders(scope)) {
      const refund = order.refunds.find((r) => r.outRefundNo === outRefundNo);
      if (refund) return { order, refund };
    }
    return undefined;
  }

  /** One merchant's orders (the simulator's own when absent); a provider without sub-merchant: all of its sub-merchants'. */
  allOrders(scope?: OrderScope): readonly SimOrder[] {
    return [...this.orders.values()].filter((order) => withinScope(order, scope));
  }

  /** Every merchant's orders. */
  everyOrder(): readonly SimOrder[] {
    return [...this.orders.values()];
  }

  /** wx.login: a code for this openid; `refusal` makes WeChat answer it as for a blocked (40226) or rate-limited (45011) user. */
  issueLoginCode(openid: string, refusal?: LoginRefusal): string {
    const code = simulatorIds.loginCode();
    this.codes.set(code, { openid, issuedAt: this.clock.now(), used: false, ...(refusal ? { refusal } : {}) });
    return this.changed(code);
  }

  /** 40029 unknown or expired, 40163 already used (digest §9, S13), or the refusal the code was issued with. */
  redeemLoginCode(code: string): { ok: true; openid: string } | { ok: false; errcode: 40029 | 40163 | 40226 | 45011 } {
    const entry = this.codes.get(code);
    if (!entry || this.clock.now().getTime() - entry.issuedAt.getTime() > LOGIN_CODE_TTL_MS) return { ok: false, errcode: 40029 };
    if (entry.used) return { ok: false, errcode: 40163 };
    entry.used = true;
    this.changed(undefined);
    if (entry.refusal === 'blocked') return { ok: false, errcode: 40226 };
    if (entry.refusal === 'rateLimited') return { ok: false, errcode: 45011 };
    return { ok: true, openid: entry.openid };
  }

  /** Everything above as plain JSON (snapshot.ts): what a restart needs. */
  snapshot(): SimulatorSnapshot {
    return takeSnapshot({ orders: this.orders, codes: this.codes, foreignOpenids: this.foreignOpenids }, this.clock.now());
  }

  /** Replaces everything with a snapshot checked by parseSimulatorSnapshot. */
  restore(snapshot: SimulatorSnapshot): void {
    ({ orders: this.orders, codes: this.codes, foreignOpenids: this.foreignOpenids } = stateFromSnapshot(snapshot));
    const orders = this.everyOrder();
    this.byPrepay = new Map(orders.flatMap((order) => order.prepays.map((p) => [p.id, order] as const)));
    this.byTransaction = new Map(orders.flatMap((order) => (order.transactionId ? [[order.transactionId, order] as const] : [])));
  }

  private changed<T>(value: T): T {
    this.onChange();
    return value;
  }

  private issuePrepay(order: SimOrder, now: Date): string {
    const id = simulatorIds.prepayId(now);
    order.prepays.push({ id, expiresAt: new Date(now.getTime() + PREPAY_TTL_MS) });
    this.byPrepay.set(id, order);
    return id;
  }
}

function sameFields(a: WechatFields, b: WechatFields): boolean {
  const keys = (f: WechatFields): string[] =>
    Object.keys(f)
      .filter((k) => f[k] !== '')
      .sort();
  const ka = keys(a);
  const kb = keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}
