import type { MerchantIdentity } from '../../../application/ports/merchant.js';
import { fitsAnswerField } from '../shared/answer-fields.js';
import { Money } from '../../../domain/money.js';
import { err, ok, type Result } from '../../../domain/result.js';
import { aes256EcbDecrypt, refundNotifyKey } from './aes-ecb.js';
import { foreignMerchantIn, identityIn } from './merchant-fields.js';
import { v2MerchantOf, type MerchantKeys } from './notify.js';
import type { WechatFields } from './sign.js';
import { NOTIFY_MAX_BYTES, WechatXmlError, parseWechatXml } from './xml.js';

export type RefundNotifyRejection =
  'oversize' | 'malformedXml' | 'returnCodeFail' | 'foreignMerchant' | 'missingReqInfo' | 'undecryptable' | 'malformedReqInfo' | 'badField';

export interface RejectedRefundNotify {
  readonly reason: RefundNotifyRejection;
  readonly detail: string;
}

export type WireRefundStatus = 'SUCCESS' | 'CHANGE' | 'REFUNDCLOSE';

/** The decrypted req_info as v2 sends it (the application reads `RefundNotice`); `fields` keeps every value exactly as WeChat sent it. */
export interface V2RefundNotice {
  readonly appId: string;
  readonly mchId: string;
  /** Partner mode: the sub-merchant (outer sub_mch_id). */
  readonly subMchId?: string;
  readonly outTradeNo: string;
  readonly transactionId: string;
  readonly outRefundNo: string;
  readonly refundId: string;
  readonly refundStatus: WireRefundStatus;
  readonly totalFee: Money;
  readonly refundFee: Money;
  /** success_time (`yyyy-MM-dd HH:mm:ss`, Beijing), present for SUCCESS. */
  readonly successAt?: Date;
  readonly fields: WechatFields;
}

export type RefundNotifyResult = Result<V2RefundNotice, RejectedRefundNotify>;

const reject = (reason: RefundNotifyRejection, detail: string): RefundNotifyResult => err({ reason, detail });
const REFUND_STATUSES: readonly string[] = ['SUCCESS', 'CHANGE', 'REFUNDCLOSE'];

/**
 * Refund notifies carry no `sign`: authenticity is the AES-256-ECB decryption of `req_info` with the key derived
 * from our API key (digest §8.3), so a body that does not decrypt to a well-formed `<root>` is refused, and so is
 * one naming another merchant. Confirm with refundquery before acting on money, as for payments.
 */
export function decryptRefundNotify(rawBody: string, merchant: MerchantKeys): RefundNotifyResult {
  let outer: WechatFields;
  try {
    outer = parseWechatXml(rawBody, { maxBytes: NOTIFY_MAX_BYTES });
  } catch (e) {
    if (e instanceof WechatXmlError) return reject(e.reason === 'oversize' ? 'oversize' : 'malformedXml', e.message);
    throw e;
  }
  if (outer.return_code !== 'SUCCESS') return reject('returnCodeFail', 'return_code is not SUCCESS');
  // Unsigned, and one provider key decrypts for all its sub-merchants: the outer fields must name this merchant.
  const us = v2MerchantOf(merchant);
  const foreign = foreignMerchantIn(outer, us);
  if (foreign) return reject('foreignMerchant', `${foreign} is not ours`);
  if (!outer.req_info) return reject('missingReqInfo', 'req_info missing');
  const plain = aes256EcbDecrypt(outer.req_info, refundNotifyKey(merchant.apiKey));
  if (!plain) return reject('undecryptable', 'req_info does not decrypt with our key');

  let fields: WechatFields;
  try {
    fields = parseWechatXml(plain.toString('utf8'), { maxBytes: NOTIFY_MAX_BYTES, root: 'root' });
  } catch (e) {
    if (e instanceof WechatXmlError) return reject('malformedReqInfo', e.message);
    throw e;
  }
  return typedRefundNotice(fields, identityIn(outer, us));
}

function typedRefundNotice(fields: WechatFields, merchant: MerchantIdentity): RefundNotifyResult {
  const { out_trade_no, transaction_id, out_refund_no, refund_id, refund_status } = fields;
  if (!out_trade_no || !transaction_id || !out_refund_no || !refund_id) {
    return reject('badField', 'out_trade_no, transaction_id, out_refund_no and refund_id are required');
  }
  if (!fitsAnswerField('transaction_id', transaction_id) || !fitsAnswerField('refund_id', refund_id)) {
    return reject('badField', 'transaction_id or refund_id is not a WeChat identifier');
  }
  if (!refund_status || !REFUND_STATUSES.includes(refund_status)) return reject('badField', 'unknown refund_status');
  const totalFee = Money.parseFen(fields.total_fee ?? '');
  const refundFee = Money.parseFen(fields.refund_fee ?? '');
  if (!totalFee || !refundFee || refundFee.isZero() || refundFee.fen > totalFee.fen) {
    return reject('badField', 'total_fee/refund_fee are not valid amounts');
  }
  const successAt = parseBeijingDateTime(fields.success_time ?? '');
  const notice: V2RefundNotice = {
    ...merchant,
    outTradeNo: out_trade_no,
    transactionId: transaction_id,
    outRefundNo: out_refund_no,
    refundId: refund_id,
    refundStatus: refund_status as WireRefundStatus,
    totalFee,
    refundFee,
    fields,
  };
  return ok(successAt ? { ...notice, successAt } : notice);
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time (refund success_time); undefined unless it is a real instant. */
export function parseBeijingDateTime(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s) - 8 * 3600_000);
  return formatBeijingDateTime(at) === text ? at : undefined;
}

export function formatBeijingDateTime(at: Date): string {
  const b = new Date(at.getTime() + 8 * 3600_000).toISOString();
  return `${b.slice(0, 10)} ${b.slice(11, 19)}`;
}
