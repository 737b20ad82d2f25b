import type { PaymentNotice } from '../../../application/ports/notify-verifier.js';
import { fitsAnswerField } from '../shared/answer-fields.js';
import { parseBeijingCompact } from '../../../domain/beijing-time.js';
import { Money } from '../../../domain/money.js';
import { err, ok, type Result } from '../../../domain/result.js';
import { miniProgramAppsOf, type MerchantApps } from '../shared/partner.js';
import { foreignMerchantIn, identityIn, type V2Merchant } from './merchant-fields.js';
import { verifyFields, type SignType, type WechatFields } from './sign.js';
import { NOTIFY_MAX_BYTES, WechatXmlError, buildWechatXml, parseWechatXml } from './xml.js';

/**
 * Who we are and how we sign: everything needed to decide whether a message is WeChat's answer to us. Partner mode
 * (`partner`): appId, mchId and apiKey are the provider's; `appIds` the other mini-programs besides the default.
 */
export interface MerchantKeys extends MerchantApps {
  readonly appId: string;
  readonly mchId: string;
  readonly apiKey: string;
  readonly signType: SignType;
}

/** The merchant a message must name, from its keys. */
export const v2MerchantOf = (keys: MerchantKeys): V2Merchant => ({
  appId: keys.appId,
  mchId: keys.mchId,
  apps: miniProgramAppsOf(keys),
  ...(keys.partner ? { subMchId: keys.partner.subMchId } : {}),
});

export type PaymentNotifyRejection =
  | 'oversize'
  | 'malformedXml'
  | 'returnCodeFail'
  | 'missingSign'
  | 'signTypeMismatch'
  | 'badSign'
  | 'foreignMerchant'
  | 'missingField'
  | 'badTotalFee'
  | 'badFeeType';

export interface RejectedNotify {
  readonly reason: PaymentNotifyRejection;
  /** Safe to log: never echoes the body. */
  readonly detail: string;
}

export interface VerifiedPaymentNotify {
  readonly notice: PaymentNotice;
  /** time_end, when present and a real Beijing instant. */
  readonly paidAt?: Date;
  /** Every field exactly as received (signature already verified), for the notify log. */
  readonly fields: WechatFields;
}

export type PaymentNotifyResult = Result<VerifiedPaymentNotify, RejectedNotify>;

/** The only reply WeChat takes as "stop retrying" (digest §5.2). */
export const NOTIFY_ACK_SUCCESS = '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>';

/** Any non-SUCCESS reply makes WeChat retry on its schedule; the message must not leak internals. */
export const notifyFailReply = (message: string): string => buildWechatXml({ return_code: 'FAIL', return_msg: message });

const reject = (reason: PaymentNotifyRejection, detail: string): PaymentNotifyResult => err({ reason, detail });

/** The algorithm a v2 sign was made with, told by its length: MD5 gives 32 hex characters, HMAC-SHA256 64. */
export const signTypeOfSignature = (sign: string): SignType | undefined =>
  sign.length === 32 ? 'MD5' : sign.length === 64 ? 'HMAC-SHA256' : undefined;

/**
 * The mch_id a v2 callback (a payment notify, or a refund notify's outer XML) names, read before anything is verified:
 * only to choose whose keys to verify it with (a merchant of another mch_id refuses it anyway). Undefined when the
 * body does not read as WeChat's XML or names none.
 */
export function claimedMchId(rawBody: string): string | undefined {
  try {
    return parseWechatXml(rawBody, { maxBytes: NOTIFY_MAX_BYTES }).mch_id || undefined;
  } catch (e) {
    if (e instanceof WechatXmlError) return undefined;
    throw e;
  }
}

/**
 * The payment-notify pipeline of digest §5.4, up to (not including) the order lookup: bounded hardened parse,
 * return_code, signature, our appid/mch_id, then strict fields. Nothing from the body is trusted before the
 * signature verified. WeChat signs a notify with the sign type of the order's unifiedorder and often leaves sign_type
 * out (digest §2.3, T16), so the algorithm is told by the signature's length; the notice says which it was, so that
 * the use case can check it is the one the order's prepay was made with. Changing WECHAT_SIGN_TYPE therefore keeps
 * the notifies of orders already open verifiable.
 */
export function parsePaymentNotify(rawBody: string, merchant: MerchantKeys): PaymentNotifyResult {
  let fields: WechatFields;
  try {
    fields = parseWechatXml(rawBody, { maxBytes: NOTIFY_MAX_BYTES });
  } catch (e) {
    if (e instanceof WechatXmlError) return reject(e.reason === 'oversize' ? 'oversize' : 'malformedXml', e.message);
    throw e;
  }
  if (fields.return_code !== 'SUCCESS') return reject('returnCodeFail', 'return_code is not SUCCESS');
  if (!fields.sign) return reject('missingSign', 'no sign');
  const signType = signTypeOfSignature(fields.sign);
  if (!signType) return reject('badSign', 'sign is neither 32 nor 64 characters');
  if (fields.sign_type !== undefined && fields.sign_type !== '' && fields.sign_type !== signType) {
    return reject('signTypeMismatch', `sign_type in the body differs from the signature's ${signType}`);
  }
  if (!verifyFields(fields, merchant.apiKey, signType)) return reject('badSign', 'signature does not verify');
  // A provider's key signs for every one of its sub-merchants: the signature says WeChat, the fields say whose.
  const us = v2MerchantOf(merchant);
  const foreign = foreignMerchantIn(fields, us);
  if (foreign) return reject('foreignMerchant', `${foreign} is not ours`);
  const outTradeNo = fields.out_trade_no;
  if (!outTradeNo) return reject('missingField', 'out_trade_no missing');
  const base = { ...identityIn(fields, us), outTradeNo, signedWith: signType };

  if (fields.result_code === 'FAIL') {
    // A failure report changes nothing downstream; its amount and transaction are informational only.
    const notice: PaymentNotice = {
      ...base,
      transactionId: fields.transaction_id ?? '',
      totalFee: Money.parseFen(fields.total_fee ?? '') ?? Money.ZERO,
      succeeded: false,
    };
    return ok({ notice, fields });
  }
  if (fields.result_code !== 'SUCCESS') return reject('missingField', 'result_code missing or unknown');
  const transactionId = fields.transaction_id;
  if (!transactionId) return reject('missingField', 'transaction_id missing');
  if (!fitsAnswerField('transaction_id', transactionId)) return reject('missingField', 'transaction_id is not a WeChat identifier');
  const totalFee = Money.parseFen(fields.total_fee ?? '');
  if (!totalFee || totalFee.isZero()) return reject('badTotalFee', 'total_fee is not a positive integer of fen');
  if (fields.fee_type !== undefined && fields.fee_type !== '' && fields.fee_type !== 'CNY') {
    return reject('badFeeType', 'fee_type is not CNY');
  }
  const paidAt = parseBeijingCompact(fields.time_end ?? '');
  const notice: PaymentNotice = { ...base, transactionId, totalFee, succeeded: true };
  return ok(paidAt ? { notice, paidAt, fields } : { notice, fields });
}
