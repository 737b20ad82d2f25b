import { randomUUID } from 'node:crypto';
import type { Clock } from '../../application/ports/clock.js';
import { simGcmSeal } from './codec/index.js';
import { simulatorIds } from './ids.js';
import type { SimOrder, SimRefund, SimRefundStatus } from './state.js';
import type { SimulatorV3Keys } from './v3-keys.js';
import { signedHeaders } from './v3-wire.js';
import { refundSplit } from './refund-split.js';

/** WeChat's v3 time format in Beijing time: `2026-01-15T12:01:02+08:00`. */
export function rfc3339(at: Date): string {
  return `${new Date(Math.floor(at.getTime() / 1000) * 1000 + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

const TRADE_STATE_DESC: Readonly<Record<string, string>> = {
  NOTPAY: '未支付',
  USERPAYING: '用户支付中',
  REVOKED: '已撤销',
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  CLOSED: '已关闭',
  PAYERROR: '支付失败',
};

/** v2's refund_status in v3's words. */
const REFUND_STATUS: Readonly<Record<SimRefundStatus, string>> = {
  PROCESSING: 'PROCESSING',
  SUCCESS: 'SUCCESS',
  REFUNDCLOSE: 'CLOSED',
  CHANGE: 'ABNORMAL',
};

/** The order as `GET /v3/pay/transactions/out-trade-no/{no}` and the TRANSACTION.SUCCESS resource describe it. */
export function transactionJson(order: SimOrder, merchant: { readonly appId: string; readonly mchId: string }): Record<string, unknown> {
  const paid = order.state === 'SUCCESS' || order.state === 'REFUND';
  const subMchId = order.scope?.subMchId;
  // Partner mode (wechatpay-go partnerpayments.Transaction): sp_/sub_ appid and mchid, payer.sp_openid/sub_openid.
  const who =
    subMchId === undefined
      ? { appid: order.params.appid ?? merchant.appId, mchid: merchant.mchId }
      : {
          sp_appid: order.params.appid ?? merchant.appId,
          sp_mchid: merchant.mchId,
          ...(order.params.sub_appid ? { sub_appid: order.params.sub_appid } : {}),
          sub_mchid: subMchId,
        };
  const payer =
    subMchId === undefined
      ? { openid: order.openid }
      : { sp_openid: order.openid, ...(order.params.sub_openid ? { sub_openid: order.params.sub_openid } : {}) };
  return {
    ...who,
    out_trade_no: order.outTradeNo,
    ...(paid ? { transaction_id: order.transactionId } : {}),
    trade_type: 'JSAPI',
    trade_state: order.state,
    trade_state_desc: TRADE_STATE_DESC[order.state],
    ...(paid ? { bank_type: 'OTHERS', success_time: rfc3339(order.paidAt as Date) } : {}),
    attach: order.params.attach ?? '',
    payer,
    amount: paid
      ? { total: order.totalFee, payer_total: order.totalFee - order.couponFee, currency: 'CNY', payer_currency: 'CNY' }
      : { total: order.totalFee, currency: 'CNY' },
    ...(paid && order.couponFee > 0
      ? { promotion_detail: [{ coupon_id: `1${order.outTradeNo.slice(-9)}`, type: 'CASH', amount: order.couponFee, currency: 'CNY' }] }
      : {}),
  };
}

/** A refund as the refund API and the refund query answer it. */
export function refundJson(order: SimOrder, refund: SimRefund): Record<string, unknown> {
  return {
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: order.transactionId,
    out_trade_no: order.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(refund.successAt ? { success_time: rfc3339(refund.successAt) } : {}),
    create_time: rfc3339(refund.createdAt),
    status: REFUND_STATUS[refund.status],
    funds_account: 'AVAILABLE',
    amount: {
      total: order.totalFee,
      refund: refund.refundFee,
      payer_total: order.totalFee - order.couponFee,
      payer_refund: refundSplit(order, refund.refundFee).cash,
      settlement_total: order.totalFee,
      settlement_refund: refund.refundFee,
      discount_refund: refundSplit(order, refund.refundFee).coupon,
      currency: 'CNY',
    },
  };
}

/** A v3 notify as the notifier posts it: body, and headers signed at the moment of each attempt. */
export interface V3NotifyMessage {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

export type V3NotifyRenderer = (tampered: boolean) => V3NotifyMessage;

interface NotifySpec {
  readonly eventType: string;
  readonly summary: string;
  readonly originalType: 'transaction' | 'refund';
  readonly resource: unknown;
}

/**
 * The envelope of digest §12.4 with the resource sealed under the APIv3 key. The body (id, ciphertext, nonce) is
 * fixed once, as WeChat's retries repeat one notify; the signature is made per attempt with the current key and
 * time, so a retry a day later still falls within the merchant's ±300 s window.
 */
function v3Notify(spec: NotifySpec, keys: SimulatorV3Keys, signatureClock: Clock): V3NotifyRenderer {
  const nonce = simulatorIds.nonce().slice(0, 12);
  const body = JSON.stringify({
    id: randomUUID(),
    create_time: rfc3339(signatureClock.now()),
    resource_type: 'encrypt-resource',
    event_type: spec.eventType,
    summary: spec.summary,
    resource: {
      original_type: spec.originalType,
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: simGcmSeal(JSON.stringify(spec.resource), keys.apiV3Key, nonce, spec.originalType),
      associated_data: spec.originalType,
      nonce,
    },
  });
  return (tampered) => {
    const signer = keys.defaultSigner();
    if (!signer) throw new RangeError('no v3 signer');
    return { body, headers: { 'content-type': 'application/json', ...signedHeaders(signer, body, signatureClock.now(), tampered) } };
  };
}

export function v3PaymentNotify(
  order: SimOrder,
  merchant: { readonly appId: string; readonly mchId: string },
  keys: SimulatorV3Keys,
  signatureClock: Clock,
): V3NotifyRenderer {
  const resource = transactionJson(order, merchant);
  return v3Notify({ eventType: 'TRANSACTION.SUCCESS', summary: '支付成功', originalType: 'transaction', resource }, keys, signatureClock);
}

const REFUND_EVENT: Readonly<Record<string, [string, string]>> = {
  SUCCESS: ['REFUND.SUCCESS', '退款成功'],
  CLOSED: ['REFUND.CLOSED', '退款关闭'],
  ABNORMAL: ['REFUND.ABNORMAL', '退款异常'],
};

export function v3RefundNotify(
  order: SimOrder,
  refund: SimRefund,
  mchId: string,
  keys: SimulatorV3Keys,
  signatureClock: Clock,
): V3NotifyRenderer {
  const status = REFUND_STATUS[refund.status === 'PROCESSING' ? 'SUCCESS' : refund.status];
  const [eventType, summary] = REFUND_EVENT[status] ?? ['REFUND.SUCCESS', '退款成功'];
  const subMchId = order.scope?.subMchId;
  const resource = {
    // Partner mode names both merchants (服务商退款结果通知: sp_mchid, sub_mchid).
    ...(subMchId === undefined ? { mchid: mchId } : { sp_mchid: mchId, sub_mchid: subMchId }),
    out_trade_no: order.outTradeNo,
    transaction_id: order.transactionId,
    out_refund_no: refund.outRefundNo,
    refund_id: refund.refundId,
    refund_status: status,
    ...(refund.successAt ? { success_time: rfc3339(refund.successAt) } : {}),
    user_received_account: '支付用户零钱',
    amount: {
      total: order.totalFee,
      refund: refund.refundFee,
      payer_total: order.totalFee - order.couponFee,
      payer_refund: refundSplit(order, refund.refundFee).cash,
    },
  };
  return v3Notify({ eventType, summary, originalType: 'refund', resource }, keys, signatureClock);
}

/** `GET /v3/certificates`: every platform certificate, sealed under the APIv3 key (digest §12.3). */
export function certificatesJson(keys: SimulatorV3Keys): Record<string, unknown> {
  return {
    data: keys.platform.map((p) => {
      const nonce = simulatorIds.nonce().slice(0, 12);
      return {
        serial_no: p.serial,
        effective_time: rfc3339(new Date(Date.parse(p.certificate.validFrom))),
        expire_time: rfc3339(new Date(Date.parse(p.certificate.validTo))),
        encrypt_certificate: {
          algorithm: 'AEAD_AES_256_GCM',
          nonce,
          associated_data: 'certificate',
          ciphertext: simGcmSeal(p.pem, keys.apiV3Key, nonce, 'certificate'),
        },
      };
    }),
  };
}
