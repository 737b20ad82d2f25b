import { createHash } from 'node:crypto';
import type { Clock } from '../../application/ports/clock.js';
import type { WechatFields } from './codec/index.js';
import { scopeOf, type SimAccount } from './accounts.js';
import { billAvailability, writeFundFlowBill, writeTradeBill, type BillKind } from './bill-writer.js';
import { simulatorIds } from './ids.js';
import { spOpenidOf } from './messages.js';
import type { OrderScope, Refusal, SimOrder, SimulatorState } from './state.js';
import { refundJson, transactionJson } from './v3-messages.js';
import { notifyUrlIssue } from './wire.js';
import { bodyParamError, queryParamError, v3Error, v3NoContent, v3Ok, type V3Reply } from './v3-wire.js';

export interface V3ApiContext {
  readonly clock: Clock;
  readonly state: SimulatorState;
  readonly defaultRefundNotifyUrl: string | undefined;
  readonly notifyUrlAllowed: (url: string) => boolean;
  /** Plain-http notify URLs to a loopback host (the embedded sandbox); WeChat takes https only. */
  readonly loopbackHttpNotify: boolean;
  readonly log: (event: { readonly type: string } & Record<string, unknown>) => void;
  readonly refundAccepted: (order: SimOrder, refund: SimOrder['refunds'][number]) => void;
}

/** What a handler gets: the authenticated request's JSON body, path parameters, query, and where it is mounted. */
export interface V3Input {
  readonly body: Readonly<Record<string, unknown>>;
  readonly params: Readonly<Record<string, string>>;
  readonly query: (name: string) => string | undefined;
  /** `http://host:port/sandbox/wxpay`: download URLs point back here. */
  readonly origin: string;
  /** The merchant or provider whose key signed the request. */
  readonly caller: SimAccount;
}

export type V3Handler = (input: V3Input) => V3Reply;

const OUT_TRADE_NO = /^[0-9A-Za-z_\-*|]{6,32}$/;
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const BILL_TTL_MS = 5 * 60_000;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFen = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
/** v3 string limits are in bytes: WeChat's PARAM_ERROR for them says "字节数 N，大于最大值 M" (UNCONFIRMED for attach). */
const ATTACH_MAX_BYTES = 128;
const missing = '必填性规则校验失败，此字段为必填项';

/**
 * The merchant a request names, present and the one that signed it: missing is PARAM_ERROR, another merchant
 * MCH_NOT_EXISTS. `name` is mchid, or sp_mchid on the partner paths.
 */
function mchidRefusal(mchid: unknown, ours: string, location: 'body' | 'query', name = 'mchid'): V3Reply | undefined {
  if (typeof mchid !== 'string' || mchid === '')
    return location === 'body' ? bodyParamError(`/${name}`, mchid, missing) : queryParamError(name, mchid, missing);
  return mchid === ours ? undefined : v3Error(400, 'MCH_NOT_EXISTS', '商户号不存在');
}

/**
 * The orders a request reaches. A direct merchant names no sub_mchid ("普通商户不允许传sub_mch_id", WeChat's wording);
 * a provider names one ("受理机构必须传入sub_mch_id", WeChat's PARAM_ERROR) that is bound to it, except where
 * `optional` (its trade bill: then every sub-merchant's). A sub_mchid not bound to the provider: 403 NO_AUTH
 * "受理关系不存在", the wording WeChat uses for a missing provider/sub-merchant relationship on its partner APIs;
 * that the partner payment APIs answer exactly this is UNCONFIRMED.
 */
function v3Scope(account: SimAccount, subMchid: unknown, optional = false): { readonly scope: OrderScope | undefined } | V3Reply {
  const named = typeof subMchid === 'string' && subMchid !== '' ? subMchid : undefined;
  if (account.kind === 'direct') return named ? v3Error(400, 'PARAM_ERROR', '普通商户不允许传sub_mch_id') : { scope: scopeOf(account) };
  if (!named) return optional ? { scope: scopeOf(account) } : v3Error(400, 'PARAM_ERROR', '受理机构必须传入sub_mch_id');
  if (!account.subMerchants.has(named)) return v3Error(403, 'NO_AUTH', '受理关系不存在');
  return { scope: scopeOf(account, named) };
}

const isReply = (v: { readonly scope: OrderScope | undefined } | V3Reply): v is V3Reply => 'kind' in v;

/**
 * v2 refusals of the shared state in v3's words (status, code). UNCONFIRMED where the digest is silent: ORDERPAID
 * 403 and OUT_TRADE_NO_USED 403 for the JSAPI prepay.
 */
function v3Refusal(refusal: Refusal, notFoundCode = 'ORDER_NOT_EXIST'): V3Reply {
  const { errCode, errCodeDes } = refusal;
  if (errCode === 'INVALID_REQUEST' && errCodeDes.startsWith('201')) return v3Error(403, 'OUT_TRADE_NO_USED', '商户订单号重复');
  const table: Readonly<Record<string, [number, string]>> = {
    ORDERPAID: [403, 'ORDERPAID'],
    ORDERCLOSED: [400, 'ORDER_CLOSED'],
    ORDERNOTEXIST: [404, notFoundCode],
    REFUNDNOTEXIST: [404, 'RESOURCE_NOT_EXISTS'],
  };
  const [status, code] = table[errCode] ?? [400, errCode === 'LACK_PARAMS' ? 'PARAM_ERROR' : errCode];
  return v3Error(status, code, errCodeDes);
}

/** `{amount: {total: 1}}` → `{"amount.total": "1"}`: a v3 body as flat fields, so re-entry compares like v2's. */
function flatten(json: Readonly<Record<string, unknown>>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(json)) {
    if (isRecord(value)) Object.assign(out, flatten(value, `${prefix}${key}.`));
    else if (value !== undefined && value !== null) out[`${prefix}${key}`] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/** The merchant API v3 of a direct merchant's mini-program payments, on the same state as the v2 wire. */
export function createV3Handlers(ctx: V3ApiContext): Readonly<Record<string, V3Handler>> {
  const { state, log } = ctx;
  const bills = new Map<string, { text: string; gzip: boolean; expiresAt: number }>();

  /**
   * Either bill, once its day is over: a download URL good for BILL_TTL_MS and the SHA1 of the bill's text — of the
   * unpacked text when tar_type=GZIP packs the file ("原始账单（gzip需要解压缩）的摘要值").
   */
  const bill = (
    query: (name: string) => string | undefined,
    origin: string,
    date: string,
    write: (day: string) => string | undefined,
  ): V3Reply => {
    const tarType = query('tar_type');
    if (tarType !== undefined && tarType !== 'GZIP') return queryParamError('tar_type', tarType, '应为 GZIP');
    const day = date.replaceAll('-', '');
    const availability = billAvailability(day, ctx.clock.now());
    if (availability === 'invalid') return queryParamError('bill_date', date, '不是有效日期');
    if (availability === 'future') return queryParamError('bill_date', date, '不能晚于今天');
    // WeChat generates a day's bill from 09:00 the next morning; it is there to fetch from 10:00.
    const text = availability === 'ready' ? write(day) : undefined;
    if (!text) return v3Error(400, 'NO_STATEMENT_EXIST', '账单文件不存在');
    const now = ctx.clock.now().getTime();
    for (const [token, kept] of bills) if (kept.expiresAt <= now) bills.delete(token);
    const token = simulatorIds.nonce();
    bills.set(token, { text, gzip: tarType === 'GZIP', expiresAt: now + BILL_TTL_MS });
    const hash = createHash('sha1').update(text, 'utf8').digest('hex');
    return v3Ok({ hash_type: 'SHA1', hash_value: hash, download_url: `${origin}/v3/billdownload/file?token=${token}` });
  };

  /** The notify_url rule (https, WeChat's form, this simulator's allow-list) as WeChat answers a breach of it. */
  const notifyUrlRefusal = (url: unknown, maxLength: number): V3Reply | undefined => {
    if (typeof url !== 'string' || url === '') return bodyParamError('/notify_url', url, missing);
    const issue = url.length > maxLength ? `长度不能超过${maxLength}个字符` : notifyUrlIssue(url, ctx.loopbackHttpNotify);
    if (issue) return bodyParamError('/notify_url', url, issue);
    return ctx.notifyUrlAllowed(url) ? undefined : bodyParamError('/notify_url', url, '不是本服务的回调地址');
  };

  /** The order's own fields, the same on the direct and the partner JSAPI prepay. */
  const orderFieldsRefusal = (b: Readonly<Record<string, unknown>>): V3Reply | undefined => {
    const amount = isRecord(b.amount) ? b.amount : {};
    if (typeof b.description !== 'string' || b.description === '' || [...b.description].length > 127)
      return bodyParamError('/description', b.description, '长度应为1到127个字符');
    if (typeof b.out_trade_no !== 'string' || !OUT_TRADE_NO.test(b.out_trade_no))
      return bodyParamError('/out_trade_no', b.out_trade_no, '应为6到32位数字、大小写字母或_-|*');
    if (typeof b.attach === 'string' && bytes(b.attach) > ATTACH_MAX_BYTES)
      return bodyParamError('/attach', b.attach, `字节数 ${bytes(b.attach)}，大于最大值 ${ATTACH_MAX_BYTES}`);
    if (b.attach !== undefined && typeof b.attach !== 'string') return bodyParamError('/attach', b.attach, '应为字符串');
    const notifyRefused = notifyUrlRefusal(b.notify_url, 255);
    if (notifyRefused) return notifyRefused;
    if (b.time_expire !== undefined && (typeof b.time_expire !== 'string' || !RFC3339.test(b.time_expire)))
      return bodyParamError('/time_expire', b.time_expire, '应为 RFC 3339 格式的时间');
    if (!isFen(amount.total)) return bodyParamError('/amount/total', amount.total, '应为正整数（分）');
    if (amount.currency !== undefined && amount.currency !== 'CNY')
      return bodyParamError('/amount/currency', amount.currency, '只支持 CNY');
    return undefined;
  };

  const prepay = (b: Readonly<Record<string, unknown>>, fields: WechatFields, scope: OrderScope | undefined): V3Reply => {
    const amount = isRecord(b.amount) ? b.amount : {};
    const outcome = state.unifiedOrder(
      {
        ...flatten(b),
        ...fields,
        body: b.description as string,
        total_fee: String(amount.total),
        ...(typeof b.attach === 'string' ? { attach: b.attach } : {}),
      },
      'RSA',
      scope,
    );
    if (!outcome.ok) return v3Refusal(outcome.refusal);
    log({ type: 'order.prepay', api: 'v3', outTradeNo: b.out_trade_no, prepayId: outcome.value.prepayId });
    return v3Ok({ prepay_id: outcome.value.prepayId });
  };

  /** The direct paths are a direct merchant's: a provider calling them has named no sub-merchant. */
  const providerOnDirectPath = (caller: SimAccount): V3Reply | undefined =>
    caller.kind === 'provider' ? v3Error(400, 'PARAM_ERROR', '受理机构必须传入sub_mch_id') : undefined;

  const close = (outTradeNo: string, scope: OrderScope | undefined): V3Reply => {
    // The domestic v3 close-order docs have no 5-minute rule (v2's and the cross-border v3's have): none here.
    const outcome = state.close(outTradeNo, 0, scope);
    if (!outcome.ok) return v3Refusal(outcome.refusal);
    log({ type: 'order.closed', api: 'v3', outTradeNo });
    return v3NoContent;
  };

  return {
    jsapi({ body: b, caller }) {
      const payer = isRecord(b.payer) ? b.payer : {};
      if (typeof b.appid !== 'string' || b.appid === '') return bodyParamError('/appid', b.appid, missing);
      const mchidRefused = mchidRefusal(b.mchid, caller.mchId, 'body');
      if (mchidRefused) return mchidRefused;
      if (!caller.appIds.has(b.appid)) return v3Error(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
      const refused = providerOnDirectPath(caller) ?? orderFieldsRefusal(b);
      if (refused) return refused;
      if (typeof payer.openid !== 'string' || payer.openid === '') return bodyParamError('/payer/openid', payer.openid, missing);
      return prepay(b, { openid: payer.openid }, scopeOf(caller));
    },

    /**
     * 服务商 JSAPI prepay (wechatpay-go partnerpayments/jsapi PrepayRequest): sp_appid/sp_mchid of the provider,
     * sub_mchid bound to it, sub_appid (optional) bound to the sub-merchant, payer.sp_openid or payer.sub_openid
     * (which needs sub_appid). "sub_mch_id与sub_appid不匹配" is WeChat's wording; its code here is PARAM_ERROR.
     */
    partnerJsapi({ body: b, caller }) {
      const payer = isRecord(b.payer) ? b.payer : {};
      if (typeof b.sp_appid !== 'string' || b.sp_appid === '') return bodyParamError('/sp_appid', b.sp_appid, missing);
      const mchidRefused = mchidRefusal(b.sp_mchid, caller.mchId, 'body', 'sp_mchid');
      if (mchidRefused) return mchidRefused;
      if (typeof b.sub_mchid !== 'string' || b.sub_mchid === '') return bodyParamError('/sub_mchid', b.sub_mchid, missing);
      const reach = v3Scope(caller, b.sub_mchid);
      if (isReply(reach)) return reach;
      if (!caller.appIds.has(b.sp_appid)) return v3Error(400, 'APPID_MCHID_NOT_MATCH', 'sp_appid和sp_mchid不匹配');
      const subAppId = typeof b.sub_appid === 'string' && b.sub_appid !== '' ? b.sub_appid : undefined;
      if (b.sub_appid !== undefined && subAppId === undefined) return bodyParamError('/sub_appid', b.sub_appid, '应为非空字符串');
      if (subAppId && !caller.subMerchants.get(b.sub_mchid)?.has(subAppId))
        return v3Error(400, 'PARAM_ERROR', 'sub_mch_id与sub_appid不匹配');
      const refused = orderFieldsRefusal(b);
      if (refused) return refused;
      const spOpenid = typeof payer.sp_openid === 'string' && payer.sp_openid !== '' ? payer.sp_openid : undefined;
      const subOpenid = typeof payer.sub_openid === 'string' && payer.sub_openid !== '' ? payer.sub_openid : undefined;
      if (!spOpenid && !subOpenid) return bodyParamError('/payer/sub_openid', payer.sub_openid, missing);
      if (subOpenid && !subAppId) return bodyParamError('/sub_appid', b.sub_appid, '传入sub_openid时必填');
      return prepay(
        b,
        {
          appid: b.sp_appid,
          openid: spOpenid ?? spOpenidOf(b.sp_appid, subOpenid as string),
          ...(subOpenid ? { sub_openid: subOpenid } : {}),
          ...(subAppId ? { sub_appid: subAppId } : {}),
        },
        reach.scope,
      );
    },

    query({ params, query, caller }) {
      const mchidRefused = mchidRefusal(query('mchid'), caller.mchId, 'query') ?? providerOnDirectPath(caller);
      if (mchidRefused) return mchidRefused;
      const order = state.find({ outTradeNo: params.out_trade_no }, scopeOf(caller));
      return order ? v3Ok(transactionJson(order, caller)) : v3Error(404, 'ORDER_NOT_EXIST', '订单不存在');
    },

    partnerQuery({ params, query, caller }) {
      const mchidRefused = mchidRefusal(query('sp_mchid'), caller.mchId, 'query', 'sp_mchid');
      if (mchidRefused) return mchidRefused;
      if (!query('sub_mchid')) return queryParamError('sub_mchid', query('sub_mchid'), missing);
      const reach = v3Scope(caller, query('sub_mchid'));
      if (isReply(reach)) return reach;
      const order = state.find({ outTradeNo: params.out_trade_no }, reach.scope);
      return order ? v3Ok(transactionJson(order, caller)) : v3Error(404, 'ORDER_NOT_EXIST', '订单不存在');
    },

    /** 微信支付订单号查询订单: only a paid (or once paid) order has a transaction_id. */
    queryById({ params, query, caller }) {
      const mchidRefused = mchidRefusal(query('mchid'), caller.mchId, 'query') ?? providerOnDirectPath(caller);
      if (mchidRefused) return mchidRefused;
      const order = params.transaction_id ? state.find({ transactionId: params.transaction_id }, scopeOf(caller)) : undefined;
      return order ? v3Ok(transactionJson(order, caller)) : v3Error(404, 'ORDER_NOT_EXIST', '订单不存在');
    },

    partnerQueryById({ params, query, caller }) {
      const mchidRefused = mchidRefusal(query('sp_mchid'), caller.mchId, 'query', 'sp_mchid');
      if (mchidRefused) return mchidRefused;
      if (!query('sub_mchid')) return queryParamError('sub_mchid', query('sub_mchid'), missing);
      const reach = v3Scope(caller, query('sub_mchid'));
      if (isReply(reach)) return reach;
      const order = params.transaction_id ? state.find({ transactionId: params.transaction_id }, reach.scope) : undefined;
      return order ? v3Ok(transactionJson(order, caller)) : v3Error(404, 'ORDER_NOT_EXIST', '订单不存在');
    },

    close({ params, body, caller }) {
      const mchidRefused = mchidRefusal(body.mchid, caller.mchId, 'body') ?? providerOnDirectPath(caller);
      if (mchidRefused) return mchidRefused;
      return close(params.out_trade_no ?? '', scopeOf(caller));
    },

    partnerClose({ params, body, caller }) {
      const mchidRefused = mchidRefusal(body.sp_mchid, caller.mchId, 'body', 'sp_mchid');
      if (mchidRefused) return mchidRefused;
      if (typeof body.sub_mchid !== 'string' || body.sub_mchid === '') return bodyParamError('/sub_mchid', body.sub_mchid, missing);
      const reach = v3Scope(caller, body.sub_mchid);
      if (isReply(reach)) return reach;
      return close(params.out_trade_no ?? '', reach.scope);
    },

    refund({ body: b, caller }) {
      const amount = isRecord(b.amount) ? b.amount : {};
      if (typeof b.out_trade_no !== 'string' && typeof b.transaction_id !== 'string')
        return bodyParamError('/out_trade_no', b.out_trade_no, missing);
      if (typeof b.out_refund_no !== 'string' || !OUT_REFUND_NO.test(b.out_refund_no))
        return bodyParamError('/out_refund_no', b.out_refund_no, '应为1到64位数字、大小写字母或_-|*@');
      if (!isFen(amount.refund)) return bodyParamError('/amount/refund', amount.refund, '应为正整数（分）');
      if (!isFen(amount.total)) return bodyParamError('/amount/total', amount.total, '应为正整数（分）');
      const reach = v3Scope(caller, b.sub_mchid);
      if (isReply(reach)) return reach;
      if (amount.currency !== 'CNY') return bodyParamError('/amount/currency', amount.currency, '必须为 CNY');
      if (b.reason !== undefined && (typeof b.reason !== 'string' || [...b.reason].length > 80))
        return bodyParamError('/reason', b.reason, '长度不能超过80个字符');
      const notifyRefused = b.notify_url === undefined ? undefined : notifyUrlRefusal(b.notify_url, 256);
      if (notifyRefused) return notifyRefused;
      const fields: Record<string, string> = {
        out_refund_no: b.out_refund_no,
        total_fee: String(amount.total),
        refund_fee: String(amount.refund),
        ...(typeof b.out_trade_no === 'string' ? { out_trade_no: b.out_trade_no } : {}),
        ...(typeof b.transaction_id === 'string' ? { transaction_id: b.transaction_id } : {}),
        ...(typeof b.notify_url === 'string' ? { notify_url: b.notify_url } : {}),
      };
      const outcome = state.refund(fields, ctx.defaultRefundNotifyUrl, 'v3', reach.scope);
      if (!outcome.ok) return v3Refusal(outcome.refusal, 'RESOURCE_NOT_EXISTS');
      const { order, refund, created } = outcome.value;
      if (created) ctx.refundAccepted(order, refund);
      return v3Ok(refundJson(order, refund));
    },

    refundQuery({ params, query, caller }) {
      const reach = v3Scope(caller, query('sub_mchid'));
      if (isReply(reach)) return reach;
      const found = state.findRefund(params.out_refund_no ?? '', reach.scope);
      return found ? v3Ok(refundJson(found.order, found.refund)) : v3Error(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    },

    tradeBill({ query, origin, caller }) {
      // A provider's bill without sub_mchid covers every sub-merchant's trades; with one, that sub-merchant's.
      const reach = v3Scope(caller, query('sub_mchid'), true);
      if (isReply(reach)) return reach;
      const date = query('bill_date') ?? '';
      const billType = query('bill_type') ?? 'ALL';
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return queryParamError('bill_date', date, '格式应为 yyyy-MM-dd');
      if (billType !== 'ALL' && billType !== 'SUCCESS' && billType !== 'REFUND')
        return queryParamError('bill_type', billType, '应为 ALL、SUCCESS 或 REFUND');
      return bill(query, origin, date, (day) => writeTradeBill(state.allOrders(reach.scope), day, billType as BillKind, caller));
    },

    /** The fund-flow bill: every payment and refund lands in the basic account; the others stay empty. */
    fundFlowBill({ query, origin, caller }) {
      const date = query('bill_date') ?? '';
      const accountType = query('account_type') ?? 'BASIC';
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return queryParamError('bill_date', date, '格式应为 yyyy-MM-dd');
      if (!['BASIC', 'OPERATION', 'FEES'].includes(accountType))
        return queryParamError('account_type', accountType, '应为 BASIC、OPERATION 或 FEES');
      return bill(query, origin, date, (day) =>
        accountType === 'BASIC' ? writeFundFlowBill(state.allOrders(scopeOf(caller)), day, caller.mchId, 'v3') : undefined,
      );
    },

    billDownload({ query }) {
      const bill = bills.get(query('token') ?? '');
      if (!bill || bill.expiresAt <= ctx.clock.now().getTime()) return v3Error(400, 'INVALID_REQUEST', '下载链接已失效');
      return { kind: 'file', text: bill.text, gzip: bill.gzip };
    },
  };
}
