import type { TLSSocket } from 'node:tls';
import type { Request } from 'express';
import type { Clock } from '../../application/ports/clock.js';
import { formatBeijingCompact } from '../../domain/beijing-time.js';
import { Money } from '../../domain/money.js';
import { beijingDateTime as formatBeijingDateTime, type SignType, type WechatFields } from './codec/index.js';
import { billAvailability, writeFundFlowBill, writeTradeBill, type BillKind } from './bill-writer.js';
import type { SimAccount } from './accounts.js';
import type { ApiName } from './faults.js';
import { paidAmounts, partnerPayerFields } from './messages.js';
import type { OrderScope, SimOrder, SimRefund, SimulatorState } from './state.js';
import { lack, notifyUrlIssue, paramError, refusal, success, type Answer } from './wire.js';
import { refundSplit } from './refund-split.js';

export type XmlApiName = Exclude<ApiName, 'jscode2session' | 'certificates'>;

export const API_PATHS: Readonly<Record<XmlApiName, string>> = {
  unifiedorder: '/pay/unifiedorder',
  orderquery: '/pay/orderquery',
  closeorder: '/pay/closeorder',
  refund: '/secapi/pay/refund',
  refundquery: '/pay/refundquery',
  downloadbill: '/pay/downloadbill',
  downloadfundflow: '/pay/downloadfundflow',
};

export interface ApiContext {
  readonly clock: Clock;
  readonly state: SimulatorState;
  readonly requireClientCertForSecapi: boolean;
  /** WeChat's merchant-platform refund notify URL, for refunds whose request names none. */
  readonly defaultRefundNotifyUrl: string | undefined;
  /** Whether a notify URL a request names may be used (see WechatPaySimulatorOptions.notifyUrlAllowed). */
  readonly notifyUrlAllowed: (url: string) => boolean;
  /** Plain-http notify URLs to a loopback host (the embedded sandbox); WeChat takes https only. */
  readonly loopbackHttpNotify: boolean;
  readonly log: (event: { readonly type: string } & Record<string, unknown>) => void;
  /** Called for a newly accepted refund: settles it later and sends its notify. */
  readonly refundAccepted: (order: SimOrder, refund: SimRefund) => void;
}

/**
 * Who is calling: the account whose key verified the request, and the orders it reaches (a provider's: those of the
 * sub-merchant the request names; without one, every sub-merchant's, which only the bills accept).
 */
export interface Caller {
  readonly account: SimAccount;
  readonly scope: OrderScope | undefined;
}

/** An authenticated request (sign verified, appid and sub-merchant checked) → WeChat's business answer. */
export type ApiHandler = (request: WechatFields, signType: SignType, req: Request, caller: Caller) => Answer;

const OUT_TRADE_NO = /^[0-9A-Za-z_\-*|]{6,32}$/;
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;

const TRADE_STATE_DESC: Readonly<Record<string, string>> = {
  NOTPAY: '订单未支付',
  USERPAYING: '用户支付中',
  REVOKED: '已撤销',
  SUCCESS: '支付成功',
  REFUND: '订单发生过退款',
  CLOSED: '订单已关闭',
  PAYERROR: '支付失败',
};

export function createApiHandlers(ctx: ApiContext): Readonly<Record<XmlApiName, ApiHandler>> {
  const { state, log } = ctx;
  /** WeChat's notify_url rule (https: "公网域名必须为https"), then this simulator's allow-list. Wording UNCONFIRMED. */
  const notifyUrlRefusal = (url: string): Answer | undefined => {
    const issue = notifyUrlIssue(url, ctx.loopbackHttpNotify);
    if (issue) return paramError(`notify_url参数格式错误：${issue}`);
    return ctx.notifyUrlAllowed(url) ? undefined : paramError('notify_url不是本服务的回调地址');
  };
  return {
    unifiedorder(r, signType, _req, caller) {
      for (const name of ['body', 'out_trade_no', 'total_fee', 'spbill_create_ip', 'notify_url', 'trade_type']) {
        if (!r[name]) return lack(name);
      }
      if (r.trade_type !== 'JSAPI') return paramError('trade_type参数错误，模拟器只支持JSAPI');
      const partner = caller.account.kind === 'provider';
      // Partner mode: the payer is named by openid (of sp_appid) or sub_openid (of sub_appid, which it then needs).
      if (partner && r.sub_openid && !r.sub_appid) return lack('sub_appid');
      if (!r.openid && !(partner && r.sub_openid)) return lack(partner ? 'sub_openid' : 'openid');
      if (!OUT_TRADE_NO.test(r.out_trade_no as string)) return paramError('out_trade_no参数格式错误');
      const fee = Money.parseFen(r.total_fee as string);
      if (!fee || fee.isZero()) return paramError('total_fee参数格式错误');
      if (r.fee_type && r.fee_type !== 'CNY') return paramError('fee_type参数错误');
      // body: String(127); chars vs bytes is UNCONFIRMED, the stricter byte reading is enforced.
      if (Buffer.byteLength(r.body as string, 'utf8') > 127) return paramError('body参数长度有误');
      // attach: String(127), read as bytes like body.
      if (r.attach && Buffer.byteLength(r.attach, 'utf8') > 127) return paramError('attach参数长度有误');
      const notifyRefused = notifyUrlRefusal(r.notify_url as string);
      if (notifyRefused) return notifyRefused;
      const outcome = state.unifiedOrder(partner ? { ...r, ...partnerPayerFields(r, caller.account.appId) } : r, signType, caller.scope);
      if (!outcome.ok) return refusal(outcome.refusal.errCode, outcome.refusal.errCodeDes);
      log({ type: 'order.prepay', outTradeNo: r.out_trade_no, prepayId: outcome.value.prepayId });
      return success({ trade_type: 'JSAPI', prepay_id: outcome.value.prepayId, device_info: r.device_info });
    },

    orderquery(r, _signType, _req, caller) {
      if (!r.transaction_id && !r.out_trade_no) return lack('out_trade_no');
      const order = state.find({ transactionId: r.transaction_id, outTradeNo: r.out_trade_no }, caller.scope);
      if (!order) return refusal('ORDERNOTEXIST', '订单不存在');
      const paid = order.state === 'SUCCESS' || order.state === 'REFUND';
      return success({
        out_trade_no: order.outTradeNo,
        trade_state: order.state,
        trade_state_desc: TRADE_STATE_DESC[order.state],
        attach: order.params.attach,
        device_info: order.params.device_info,
        ...(paid
          ? {
              openid: order.openid,
              is_subscribe: 'N',
              ...(order.params.sub_openid ? { sub_openid: order.params.sub_openid, sub_is_subscribe: 'N' } : {}),
              trade_type: 'JSAPI',
              bank_type: 'OTHERS',
              total_fee: String(order.totalFee),
              fee_type: 'CNY',
              transaction_id: order.transactionId,
              time_end: formatBeijingCompact(order.paidAt as Date),
              ...paidAmounts(order),
            }
          : {}),
      });
    },

    closeorder(r, _signType, _req, caller) {
      if (!r.out_trade_no) return lack('out_trade_no');
      const outcome = state.close(r.out_trade_no, undefined, caller.scope);
      if (!outcome.ok) return refusal(outcome.refusal.errCode, outcome.refusal.errCodeDes);
      log({ type: 'order.closed', outTradeNo: r.out_trade_no });
      return success({ result_msg: 'OK' });
    },

    refund(r, _signType, req, caller) {
      // WeChat's front end refuses the TLS session's missing client certificate before any XML is read: HTTP 400.
      if (ctx.requireClientCertForSecapi && !(req.socket as Partial<TLSSocket>).authorized) return { kind: 'noClientCertificate' };
      for (const name of ['out_refund_no', 'total_fee', 'refund_fee']) if (!r[name]) return lack(name);
      if (!r.transaction_id && !r.out_trade_no) return lack('out_trade_no');
      if (!OUT_REFUND_NO.test(r.out_refund_no as string)) return paramError('out_refund_no参数格式错误');
      const notifyRefused = r.notify_url ? notifyUrlRefusal(r.notify_url) : undefined;
      if (notifyRefused) return notifyRefused;
      const outcome = state.refund(r, ctx.defaultRefundNotifyUrl, 'v2', caller.scope);
      if (!outcome.ok) return refusal(outcome.refusal.errCode, outcome.refusal.errCodeDes);
      const { order, refund, created } = outcome.value;
      if (created) ctx.refundAccepted(order, refund);
      return success({
        transaction_id: order.transactionId,
        out_trade_no: order.outTradeNo,
        out_refund_no: refund.outRefundNo,
        refund_id: refund.refundId,
        refund_fee: String(refund.refundFee),
        settlement_refund_fee: String(refund.refundFee),
        total_fee: String(order.totalFee),
        fee_type: 'CNY',
        cash_fee: String(order.totalFee - order.couponFee),
        cash_refund_fee: String(refundSplit(order, refund.refundFee).cash),
        ...(order.couponFee > 0 ? { coupon_refund_fee: String(refundSplit(order, refund.refundFee).coupon) } : {}),
      });
    },

    refundquery(r, _signType, _req, caller) {
      if (!r.refund_id && !r.out_refund_no && !r.transaction_id && !r.out_trade_no) return lack('out_refund_no');
      const found = state.findRefunds(r, caller.scope);
      // REFUNDNOTEXIST: refundquery's code for "no such refund" (UNCONFIRMED: not in the digest).
      if (!found) return refusal('REFUNDNOTEXIST', '退款订单查询失败');
      const { order, refunds } = found;
      const fields: Record<string, string | undefined> = {
        transaction_id: order.transactionId,
        out_trade_no: order.outTradeNo,
        total_fee: String(order.totalFee),
        fee_type: 'CNY',
        cash_fee: String(order.totalFee - order.couponFee),
        refund_count: String(refunds.length),
      };
      refunds.forEach((refund, n) => {
        fields[`out_refund_no_${n}`] = refund.outRefundNo;
        fields[`refund_id_${n}`] = refund.refundId;
        fields[`refund_channel_${n}`] = 'ORIGINAL';
        fields[`refund_fee_${n}`] = String(refund.refundFee);
        fields[`settlement_refund_fee_${n}`] = String(refund.refundFee);
        fields[`refund_status_${n}`] = refund.status;
        fields[`refund_account_${n}`] = 'REFUND_SOURCE_UNSETTLED_FUNDS';
        fields[`refund_recv_accout_${n}`] = '支付用户零钱';
        fields[`refund_success_time_${n}`] = refund.successAt ? formatBeijingDateTime(refund.successAt) : undefined;
      });
      return success(fields);
    },

    /** Error wording and codes (20001 invalid, 20002 "No Bill Exist") are UNCONFIRMED beyond the digest's example. */
    downloadbill(r, _signType, _req, caller) {
      const date = r.bill_date ?? '';
      if (!date) return lack('bill_date');
      const billType = r.bill_type || 'ALL';
      if (billType !== 'ALL' && billType !== 'SUCCESS' && billType !== 'REFUND') {
        return { kind: 'returnFail', message: 'invalid bill_type', extra: { error_code: '20001' } };
      }
      if (r.tar_type && r.tar_type !== 'GZIP') return { kind: 'returnFail', message: 'invalid tar_type', extra: { error_code: '20001' } };
      const availability = billAvailability(date, ctx.clock.now());
      if (availability === 'invalid' || availability === 'future') {
        return { kind: 'returnFail', message: 'invalid bill_date', extra: { error_code: '20001' } };
      }
      const text =
        availability === 'ready' ? writeTradeBill(state.allOrders(caller.scope), date, billType as BillKind, caller.account) : undefined;
      if (!text) return { kind: 'returnFail', message: 'No Bill Exist', extra: { error_code: '20002' } };
      return { kind: 'bill', body: text, gzip: r.tar_type === 'GZIP' };
    },

    /**
     * The fund-flow bill: like downloadbill, but (per WeChat's downloadfundflow page) only over the merchant
     * certificate and only signed HMAC-SHA256. The refusal's wording for another sign type is UNCONFIRMED.
     */
    downloadfundflow(r, signType, req, caller) {
      if (ctx.requireClientCertForSecapi && !(req.socket as Partial<TLSSocket>).authorized) return { kind: 'noClientCertificate' };
      if (signType !== 'HMAC-SHA256')
        return { kind: 'returnFail', message: 'sign_type参数错误，仅支持HMAC-SHA256', extra: { error_code: '20001' } };
      const date = r.bill_date ?? '';
      if (!date) return lack('bill_date');
      const accountType = r.account_type ?? '';
      if (!accountType) return lack('account_type');
      if (!['Basic', 'Operation', 'Fees'].includes(accountType)) {
        return { kind: 'returnFail', message: 'invalid account_type', extra: { error_code: '20001' } };
      }
      if (r.tar_type && r.tar_type !== 'GZIP') return { kind: 'returnFail', message: 'invalid tar_type', extra: { error_code: '20001' } };
      const availability = billAvailability(date, ctx.clock.now());
      if (availability === 'invalid' || availability === 'future') {
        return { kind: 'returnFail', message: 'invalid bill_date', extra: { error_code: '20001' } };
      }
      // Every payment and refund lands in the basic account; the operation and fee accounts stay empty.
      const text =
        availability === 'ready' && accountType === 'Basic'
          ? writeFundFlowBill(state.allOrders(caller.scope), date, caller.account.mchId, 'v2')
          : undefined;
      if (!text) return { kind: 'returnFail', message: 'No Bill Exist', extra: { error_code: '20002' } };
      return { kind: 'bill', body: text, gzip: r.tar_type === 'GZIP' };
    },
  };
}

const LOGIN_ERRMSG = {
  40029: 'invalid code',
  40163: 'code been used',
  40226: 'high risk user',
  45011: 'api minute-quota reach limit',
} as const;

export type Code2SessionAnswer =
  { readonly errcode: number; readonly errmsg: string } | { readonly openid: string; readonly session_key: string };

/** code2Session (digest §9): appid, secret and grant_type checked, then the single-use 5-minute code. */
export function code2Session(
  query: (name: string) => string,
  secretOf: (appId: string) => string | undefined,
  state: SimulatorState,
  sessionKey: () => string,
): Code2SessionAnswer {
  const secret = secretOf(query('appid'));
  if (secret === undefined) return { errcode: 40013, errmsg: 'invalid appid' };
  if (query('secret') !== secret) return { errcode: 40125, errmsg: 'invalid appsecret' };
  if (query('grant_type') !== 'authorization_code') return { errcode: 40002, errmsg: 'invalid grant_type' };
  const redeemed = state.redeemLoginCode(query('js_code'));
  if (!redeemed.ok) return { errcode: redeemed.errcode, errmsg: LOGIN_ERRMSG[redeemed.errcode] };
  return { session_key: sessionKey(), openid: redeemed.openid };
}
