import { createHash } from 'node:crypto';
import { formatBeijingCompact } from '../../domain/beijing-time.js';
import {
  beijingDateTime as formatBeijingDateTime,
  simAesEcbEncryptWithKey,
  simRefundAesKey,
  simSign,
  simXml,
  type WechatFields,
} from './codec/index.js';
import { simulatorIds } from './ids.js';
import type { SimOrder, SimRefund } from './state.js';

export interface MerchantSecrets {
  readonly appId: string;
  readonly mchId: string;
  readonly apiKey: string;
}

/**
 * The user's openid under the provider's sp_appid, for a partner order whose payer was named by sub_openid only:
 * WeChat knows both; the simulator derives a stable one (same user and appid, same openid).
 */
export function spOpenidOf(spAppId: string, subOpenid: string): string {
  return `o${createHash('sha256').update(`${spAppId}:${subOpenid}`).digest('base64url').slice(0, 27)}`;
}

/** A partner unifiedorder's payer as the order keeps it: openid (of sp_appid) always, sub_openid when named. */
export function partnerPayerFields(request: WechatFields, spAppId: string): Record<string, string> {
  const sub = request.sub_openid;
  return { openid: request.openid || spOpenidOf(spAppId, sub ?? '') };
}

/** The partner fields of a notify about this order (none for a direct merchant's). */
function partnerFields(order: SimOrder): Record<string, string | undefined> {
  const subMchId = order.scope?.subMchId;
  if (subMchId === undefined) return {};
  return { sub_appid: order.params.sub_appid, sub_mch_id: subMchId };
}

/** Renders one notify; `tampered` gives the same message with a broken signature (or ciphertext). */
export type NotifyRenderer = (tampered: boolean) => string;

/** One character changed, length kept: what a corrupted or forged value looks like. */
export function tamper(value: string): string {
  const i = Math.floor(value.length / 2);
  return value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
}

/**
 * The payment notify of digest §5.1, signed with the order's own sign type. The nonce is drawn once, so every retry
 * of one notify is the same document, as WeChat's are.
 */
export function paymentNotify(order: SimOrder, merchant: MerchantSecrets, includeSignType: boolean): NotifyRenderer {
  const signType = order.signType;
  if (signType === 'RSA') throw new RangeError('an API v3 order is notified in JSON (v3-messages.ts)');
  const failed = order.state === 'PAYERROR';
  const fields: Record<string, string | undefined> = {
    appid: order.params.appid ?? merchant.appId,
    attach: order.params.attach,
    device_info: order.params.device_info,
    mch_id: merchant.mchId,
    nonce_str: simulatorIds.nonce(),
    openid: order.openid,
    out_trade_no: order.outTradeNo,
    return_code: 'SUCCESS',
    ...partnerFields(order),
    ...(order.params.sub_openid ? { sub_openid: order.params.sub_openid, sub_is_subscribe: 'N' } : {}),
    // WeChat often leaves sign_type out even for HMAC orders (digest §2.3, T16).
    sign_type: order.signType === 'HMAC-SHA256' && includeSignType ? 'HMAC-SHA256' : undefined,
    trade_type: 'JSAPI',
    total_fee: String(order.totalFee),
    ...(failed
      ? { result_code: 'FAIL', err_code: 'PAYERROR', err_code_des: '支付失败' }
      : {
          result_code: 'SUCCESS',
          bank_type: 'OTHERS',
          fee_type: 'CNY',
          is_subscribe: 'N',
          time_end: formatBeijingCompact(order.paidAt as Date),
          transaction_id: order.transactionId,
          ...paidAmounts(order),
        }),
  };
  const sign = simSign(fields, merchant.apiKey, signType);
  return (tampered) => simXml({ ...fields, sign: tampered ? tamper(sign) : sign });
}

/**
 * cash_fee and, when a coupon paid part of the order, its fields (digest §5.1: coupon_fee, coupon_count and the
 * indexed coupon_type_$n / coupon_id_$n / coupon_fee_$n), as notifies and orderquery carry them.
 */
export function paidAmounts(order: SimOrder): Record<string, string> {
  const cash = { cash_fee: String(order.totalFee - order.couponFee) };
  if (order.couponFee === 0) return cash;
  return {
    ...cash,
    coupon_fee: String(order.couponFee),
    coupon_count: '1',
    coupon_type_0: 'CASH',
    coupon_id_0: `1${order.outTradeNo.slice(-9)}`,
    coupon_fee_0: String(order.couponFee),
  };
}

/** The refund notify of digest §8.3: no sign, `req_info` = AES-256-ECB(md5(key) lowercase hex) of a `<root>`. */
export function refundNotify(order: SimOrder, refund: SimRefund, merchant: MerchantSecrets): NotifyRenderer {
  const reqInfo = simXml(
    {
      out_refund_no: refund.outRefundNo,
      out_trade_no: order.outTradeNo,
      refund_account: 'REFUND_SOURCE_UNSETTLED_FUNDS',
      refund_fee: String(refund.refundFee),
      refund_id: refund.refundId,
      refund_recv_accout: '支付用户零钱',
      refund_request_source: 'API',
      refund_status: refund.status === 'PROCESSING' ? 'SUCCESS' : refund.status,
      settlement_refund_fee: String(refund.refundFee),
      settlement_total_fee: String(order.totalFee),
      success_time: refund.successAt ? formatBeijingDateTime(refund.successAt) : undefined,
      total_fee: String(order.totalFee),
      transaction_id: order.transactionId,
    },
    'root',
  );
  const key = simRefundAesKey(merchant.apiKey);
  const cipher = simAesEcbEncryptWithKey(reqInfo, key);
  // The forgery is a req_info under another key — the uppercase-MD5 key other SDKs shipped by mistake. Flipping
  // one base64 character would not do: ECB garbles a single block and may still yield well-formed XML.
  const forged = simAesEcbEncryptWithKey(reqInfo, Buffer.from(key.toString('ascii').toUpperCase(), 'ascii'));
  const nonce = simulatorIds.nonce();
  return (tampered) =>
    simXml({
      return_code: 'SUCCESS',
      appid: order.params.appid ?? merchant.appId,
      mch_id: merchant.mchId,
      ...partnerFields(order),
      nonce_str: nonce,
      req_info: tampered ? forged : cipher,
    });
}
