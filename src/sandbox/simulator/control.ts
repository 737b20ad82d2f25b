import express, { Router, type Request } from 'express';
import type { Clock } from '../../application/ports/clock.js';
import { formatBeijingCompact } from '../../domain/beijing-time.js';
import { FaultSpecError, parseFaultSpec, type FaultPlan } from './faults.js';
import { simulatorIds } from './ids.js';
import type { DeliveryView } from './notifier.js';
import {
  SETTABLE_TRADE_STATES,
  type OrderScope,
  type SettableTradeState,
  type SimOrder,
  type SimRefund,
  type SimRefundStatus,
  type SimulatorState,
} from './state.js';

export type SettledRefundStatus = Exclude<SimRefundStatus, 'PROCESSING'>;
const SETTLED_REFUND_STATUSES: readonly SettledRefundStatus[] = ['SUCCESS', 'REFUNDCLOSE', 'CHANGE'];
import { isNotifyUrl } from './wire.js';

export interface ControlContext {
  readonly clock: Clock;
  readonly state: SimulatorState;
  readonly faults: FaultPlan;
  readonly deliveries: () => readonly DeliveryView[];
  readonly paid: (order: SimOrder) => void;
  /** Settles a refund now and sends its notify to `url`. */
  readonly settleRefund: (order: SimOrder, refund: SimRefund, url: string | undefined, status?: SettledRefundStatus) => void;
  /** After POST /control/clock: the new time is part of what a snapshot records. */
  readonly clockMoved?: () => void;
  /** The simulator's own merchant: orders named without `mch_id` (or with its own) are its. */
  readonly primaryMchId?: string;
}

/**
 * How far sandbox time may run ahead of real time, in total: far enough for every rule that counts time (5 minutes,
 * 2 hours, 7 days, a year of refunds), not far enough to break dates.
 */
export const MAX_ADVANCE_MS = 400 * 24 * 3_600_000;

interface AdvanceableClock extends Clock {
  advance(ms: number): void;
}
export const canAdvance = (clock: Clock): clock is AdvanceableClock => typeof (clock as Partial<AdvanceableClock>).advance === 'function';

const bodyOf = (req: Request): Record<string, unknown> =>
  typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};

/**
 * Whose order a control request means: `?mch_id=` (and `&sub_mch_id=` for a sub-merchant of a provider); without it,
 * the simulator's own merchant's, as before several merchants existed.
 */
function scopeFrom(req: Request, primaryMchId: string | undefined): OrderScope | undefined {
  const text = (name: string): string | undefined =>
    typeof req.query[name] === 'string' && req.query[name] !== '' ? (req.query[name] as string) : undefined;
  const mchId = text('mch_id');
  const subMchId = text('sub_mch_id');
  if (mchId === undefined || (mchId === primaryMchId && subMchId === undefined)) return undefined;
  return { mchId, ...(subMchId === undefined ? {} : { subMchId }) };
}

/**
 * JSON endpoints that play the parts WeChat's own apps and infrastructure play: the user logging in and paying,
 * time passing, and things going wrong. Not part of WeChat's API.
 */
export function createControlRouter(ctx: ControlContext): Router {
  const { state, faults } = ctx;
  const control = Router();
  control.use(express.json({ limit: '16kb', type: () => true }));

  /** wx.login: a fresh code for the given openid, or for a new random user. */
  control.post('/code', (req, res) => {
    const given = bodyOf(req).openid;
    if (given !== undefined && (typeof given !== 'string' || given === '' || given.length > 128)) {
      res.status(400).json({ error: 'openid must be a non-empty string' });
      return;
    }
    const outcome = bodyOf(req).outcome;
    if (outcome !== undefined && outcome !== 'blocked' && outcome !== 'rateLimited') {
      res.status(400).json({ error: 'outcome must be blocked (errcode 40226) or rateLimited (errcode 45011)' });
      return;
    }
    const openid = given ?? simulatorIds.openid();
    res.status(201).json({ code: state.issueLoginCode(openid, outcome), openid });
  });

  /**
   * The user completes the cashier for a prepay_id; the payment notify follows. `coupon_fee` (fen) lets a coupon
   * pay part of the order (cash_fee < total_fee); `result: "FAIL"` makes the bank refuse (PAYERROR, a FAIL notify).
   */
  control.post('/pay', (req, res) => {
    const { prepay_id: prepayId, coupon_fee: couponFee, result } = bodyOf(req);
    if (typeof prepayId !== 'string' || prepayId === '') {
      res.status(400).json({ error: 'prepay_id is required' });
      return;
    }
    if (couponFee !== undefined && (typeof couponFee !== 'number' || !Number.isSafeInteger(couponFee) || couponFee < 1)) {
      res.status(400).json({ error: 'coupon_fee must be a whole number of fen, less than the order amount' });
      return;
    }
    if (result !== undefined && result !== 'SUCCESS' && result !== 'FAIL') {
      res.status(400).json({ error: 'result must be SUCCESS or FAIL' });
      return;
    }
    const paid = state.pay(prepayId, { ...(couponFee === undefined ? {} : { couponFee }), ...(result === undefined ? {} : { result }) });
    if (!paid.ok) {
      const status = paid.failure === 'unknownPrepay' ? 404 : paid.failure === 'badCoupon' ? 400 : 409;
      res.status(status).json({ error: paid.failure });
      return;
    }
    const { order } = paid;
    ctx.paid(order);
    res.status(200).json({
      out_trade_no: order.outTradeNo,
      trade_state: order.state,
      transaction_id: order.transactionId ?? null,
      time_end: order.paidAt ? formatBeijingCompact(order.paidAt) : null,
      total_fee: order.totalFee,
      cash_fee: order.totalFee - order.couponFee,
    });
  });

  /** This openid is a user of another mini-program: unifiedorder refuses it (PARAM_ERROR "appid和openid不匹配"). */
  control.post('/openids/:openid/foreign', (req, res) => {
    const openid = String(req.params.openid);
    if (openid === '' || openid.length > 128) {
      res.status(400).json({ error: 'openid must be 1 to 128 characters' });
      return;
    }
    state.markForeign(openid);
    res.json({ openid, foreign: true });
  });

  control.get('/faults', (_req, res) => {
    res.json({ faults: faults.list() });
  });
  control.post('/faults', (req, res) => {
    try {
      const fault = parseFaultSpec(req.body);
      faults.add(fault);
      res.status(201).json({ fault });
    } catch (e) {
      if (!(e instanceof FaultSpecError)) throw e;
      res.status(400).json({ error: e.message });
    }
  });
  control.delete('/faults', (_req, res) => {
    faults.clear();
    res.status(204).end();
  });

  /**
   * A refund made at WeChat only, as an operator makes one in the merchant platform (商户平台 → 交易中心 → 退款): the
   * service never asked for it and no notify is sent, so only the bills tell the service about it. Paid back at once.
   * `out_refund_no` defaults to a number the service would never make.
   */
  control.post('/orders/:outTradeNo/refunds', (req, res) => {
    const outTradeNo = String(req.params.outTradeNo);
    const { refund_fee: refundFee, out_refund_no: given } = bodyOf(req);
    const scope = scopeFrom(req, ctx.primaryMchId);
    const order = state.find({ outTradeNo }, scope);
    if (!order) {
      res.status(404).json({ error: 'no such order' });
      return;
    }
    if (typeof refundFee !== 'number' || !Number.isSafeInteger(refundFee) || refundFee < 1) {
      res.status(400).json({ error: 'refund_fee must be a whole number of fen' });
      return;
    }
    if (given !== undefined && (typeof given !== 'string' || !/^[0-9A-Za-z_\-|*@]{1,64}$/.test(given))) {
      res.status(400).json({ error: 'out_refund_no must be 1 to 64 of [0-9A-Za-z_-|*@]' });
      return;
    }
    const outRefundNo = given ?? `MP${simulatorIds.refundId().slice(5, 25)}`;
    const outcome = state.refund(
      { out_trade_no: outTradeNo, out_refund_no: outRefundNo, total_fee: String(order.totalFee), refund_fee: String(refundFee) },
      undefined,
      'v2',
      scope,
    );
    if (!outcome.ok) {
      res.status(409).json({ error: outcome.refusal.errCode, message: outcome.refusal.errCodeDes });
      return;
    }
    ctx.settleRefund(outcome.value.order, outcome.value.refund, undefined, 'SUCCESS');
    const { refund } = outcome.value;
    res
      .status(201)
      .json({ out_trade_no: outTradeNo, out_refund_no: refund.outRefundNo, refund_id: refund.refundId, refund_fee: refund.refundFee });
  });

  /**
   * Settles a refund at once and (re)sends its notify to the URL its signed refund request named (or the simulator's
   * configured default). Never to a URL the caller chooses: that would make the simulator POST anywhere it can reach.
   */
  control.post('/refund-notify', (req, res) => {
    const body = bodyOf(req);
    const found =
      typeof body.out_refund_no === 'string' ? state.findRefund(body.out_refund_no, scopeFrom(req, ctx.primaryMchId)) : undefined;
    if (!found) {
      res.status(404).json({ error: 'unknown out_refund_no' });
      return;
    }
    if (body.notify_url !== undefined) {
      res.status(400).json({ error: 'notify_url cannot be chosen here: the refund notify goes to the URL of the refund request' });
      return;
    }
    const url = found.refund.notifyUrl;
    if (!url || !isNotifyUrl(url)) {
      res.status(409).json({ error: 'no refund notify_url known' });
      return;
    }
    ctx.settleRefund(found.order, found.refund, url);
    res.status(202).json({ out_refund_no: found.refund.outRefundNo, refund_status: found.refund.status });
  });

  /** Moves an advanceable clock (ManualClock, the standalone's offset clock) forward: 5-minute and 2-hour rules. */
  control.post('/clock', (req, res) => {
    const advanceMs = bodyOf(req).advanceMs;
    if (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs) || advanceMs < 0 || advanceMs > MAX_ADVANCE_MS) {
      res.status(400).json({ error: `advanceMs must be a number of milliseconds from 0 to ${MAX_ADVANCE_MS} (400 days)` });
      return;
    }
    if (!canAdvance(ctx.clock)) {
      res.status(409).json({ error: 'this simulator runs on a clock that cannot be advanced' });
      return;
    }
    // The cap holds in total, not per request: a dozen requests must not carry sandbox time past what the service's
    // tables can hold (MariaDB's int add_time ends in 2038), so it is measured from real time.
    const ahead = ctx.clock.now().getTime() + advanceMs - Date.now();
    if (ahead > MAX_ADVANCE_MS) {
      const left = Math.max(0, MAX_ADVANCE_MS - (ctx.clock.now().getTime() - Date.now()));
      res.status(400).json({ error: `sandbox time may run at most 400 days ahead of real time; it can move ${left} ms more` });
      return;
    }
    ctx.clock.advance(advanceMs);
    ctx.clockMoved?.();
    res.json({ now: ctx.clock.now().toISOString() });
  });

  /** WeChat's view of an unpaid order changes: the user is entering the password (USERPAYING), the bank refused, ... */
  control.post('/orders/:outTradeNo/trade-state', (req, res) => {
    const wanted = bodyOf(req).trade_state;
    if (!(SETTABLE_TRADE_STATES as readonly unknown[]).includes(wanted)) {
      res.status(400).json({ error: `trade_state must be one of ${SETTABLE_TRADE_STATES.join(', ')}` });
      return;
    }
    const order = state.setTradeState(String(req.params.outTradeNo), wanted as SettableTradeState, scopeFrom(req, ctx.primaryMchId));
    if (!order) {
      res.status(409).json({ error: 'no unpaid order by that number' });
      return;
    }
    res.json({ out_trade_no: order.outTradeNo, trade_state: order.state });
  });

  /** WeChat finishes a refund with the given status (default SUCCESS) and sends its notify to the request's URL. */
  control.post('/refunds/:outRefundNo/settle', (req, res) => {
    const status = bodyOf(req).refund_status ?? 'SUCCESS';
    if (!(SETTLED_REFUND_STATUSES as readonly unknown[]).includes(status)) {
      res.status(400).json({ error: `refund_status must be one of ${SETTLED_REFUND_STATUSES.join(', ')}` });
      return;
    }
    const found = state.findRefund(String(req.params.outRefundNo), scopeFrom(req, ctx.primaryMchId));
    if (!found) {
      res.status(404).json({ error: 'unknown out_refund_no' });
      return;
    }
    ctx.settleRefund(found.order, found.refund, found.refund.notifyUrl, status as SettledRefundStatus);
    res.json({ out_refund_no: found.refund.outRefundNo, refund_status: found.refund.status });
  });

  control.get('/orders/:outTradeNo', (req, res) => {
    const order = state.find({ outTradeNo: String(req.params.outTradeNo) }, scopeFrom(req, ctx.primaryMchId));
    if (!order) {
      res.status(404).json({ error: 'unknown out_trade_no' });
      return;
    }
    res.json({
      out_trade_no: order.outTradeNo,
      ...(order.scope ? { mch_id: order.scope.mchId, sub_mch_id: order.scope.subMchId ?? null } : {}),
      trade_state: order.state,
      total_fee: order.totalFee,
      openid: order.openid,
      created_at: order.createdAt.toISOString(),
      transaction_id: order.transactionId ?? null,
      prepay_ids: order.prepays.map((p) => p.id),
      refunds: order.refunds.map((r) => ({
        out_refund_no: r.outRefundNo,
        refund_id: r.refundId,
        refund_fee: r.refundFee,
        status: r.status,
      })),
    });
  });

  control.get('/notifies', (_req, res) => {
    res.json({ deliveries: ctx.deliveries() });
  });

  return control;
}
