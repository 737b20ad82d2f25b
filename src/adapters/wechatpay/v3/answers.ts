import type { PaymentNotice, RefundNotice } from '../../../application/ports/notify-verifier.js';
import type { PrepayOutcome, TradeQuery } from '../../../application/ports/payment-gateway.js';
import { MAX_FEN, Money } from '../../../domain/money.js';
import { refundPartsOf, type RefundParts } from '../../../domain/refund-parts.js';
import { isRefundStatus, type RefundReport } from '../../../domain/refund.js';
import { fitsAnswerField, storedAnswerField } from '../shared/answer-fields.js';
import { UntrustedResponseError } from '../shared/errors.js';
import { miniProgramAppsOf, type MerchantApps } from '../shared/partner.js';
import { gatewayRefusalOf, type V3ErrorAnswer } from './error-answer.js';

/** Turning verified v3 JSON into the port's types: every amount an exact integer of fen, every identifier required. */

export type Json = Readonly<Record<string, unknown>>;

/**
 * Who a v3 message must name to be ours. Partner mode (`partner`): appId and mchId are the provider's (sp_appid,
 * sp_mchid) and partner.subMchId the merchant's (sub_mchid); `appIds` are the mini-programs besides the default.
 */
export interface MerchantIds extends MerchantApps {
  readonly appId: string;
  readonly mchId: string;
}

/**
 * What a transaction (query answer, payment resource) names that is not this merchant, or undefined when all of it
 * is. Direct: mchid and an appid among its mini-programs. Partner: the provider's sp_mchid, this merchant's
 * sub_mchid, and sp_appid/sub_appid, where given, the provider's and one of its mini-programs. `strict`: the
 * merchant fields must be there (a notice), rather than only agree where present (an answer, as before partners).
 */
function foreignIn(json: Json, merchant: MerchantIds, strict: boolean): string | undefined {
  const apps = miniProgramAppsOf(merchant);
  const agrees = (value: unknown, ok: (v: unknown) => boolean): boolean => (value === undefined ? !strict : ok(value));
  if (!merchant.partner) {
    if (!agrees(json.mchid, (v) => v === merchant.mchId)) return 'mchid';
    if (!agrees(json.appid, (v) => apps.has(v))) return 'appid';
    return undefined;
  }
  // The sub-merchant and the provider are named whatever the mode of checking: one provider key serves many merchants.
  if (json.sp_mchid !== merchant.mchId) return 'sp_mchid';
  if (json.sub_mchid !== merchant.partner.subMchId) return 'sub_mchid';
  if (json.sp_appid !== undefined && json.sp_appid !== merchant.appId) return 'sp_appid';
  if (json.sub_appid !== undefined && !apps.has(json.sub_appid)) return 'sub_appid';
  return undefined;
}

/** The mini-program a transaction of this merchant was paid in: its appid (partner: sub_appid), else the default. */
function appIdIn(json: Json, merchant: MerchantIds): string {
  const named = merchant.partner ? json.sub_appid : json.appid;
  return typeof named === 'string' ? named : miniProgramAppsOf(merchant).defaultAppId;
}

const subMchIdOf = (merchant: MerchantIds): { subMchId?: string } => (merchant.partner ? { subMchId: merchant.partner.subMchId } : {});

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseJsonObject(text: string, context: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UntrustedResponseError(`${context}: answer is not JSON`);
  }
  if (!isRecord(value)) throw new UntrustedResponseError(`${context}: answer is not a JSON object`);
  return value;
}

const text = (json: Json, name: string): string | undefined => {
  const value = json[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const objectAt = (json: Json, name: string): Json => (isRecord(json[name]) ? json[name] : {});

/** JSON integers of fen; a float, a string, a negative or an out-of-range number is not an amount. */
export function fenOf(value: unknown): Money | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_FEN ? Money.ofFen(value) : undefined;
}

/** RFC 3339 with seconds and an explicit offset (`2026-01-15T12:01:02+08:00`), WeChat's v3 time format. */
export function parseRfc3339(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at);
}

/** `yyyy-MM-ddTHH:mm:ss+08:00`: time_expire as WeChat's examples write it, in Beijing time, whole seconds. */
export function formatRfc3339Beijing(at: Date): string {
  const b = new Date(Math.floor(at.getTime() / 1000) * 1000 + 8 * 3600_000).toISOString();
  return `${b.slice(0, 19)}+08:00`;
}

const PAID_STATES: readonly string[] = ['SUCCESS', 'REFUND']; // REFUND: the money was taken, then (partly) returned
const UNPAID_STATES: readonly string[] = ['NOTPAY', 'USERPAYING', 'ACCEPT'];
const FAILED_STATES = ['CLOSED', 'PAYERROR', 'REVOKED'] as const;

function checkMerchant(json: Json, merchant: MerchantIds, context: string): void {
  const foreign = foreignIn(json, merchant, false);
  if (foreign) throw new UntrustedResponseError(`${context}: answer names another ${foreign}`);
}

/** `GET /v3/pay/transactions/out-trade-no/{no}`: amount.total is the order amount, payer_total what was paid in cash. */
export function tradeQueryOf(json: Json, outTradeNo: string, merchant: MerchantIds): TradeQuery {
  if (json.out_trade_no !== outTradeNo) throw new UntrustedResponseError('orderquery: answer is about another out_trade_no');
  checkMerchant(json, merchant, 'orderquery');
  const state = text(json, 'trade_state') ?? '';
  if (PAID_STATES.includes(state)) {
    const amount = objectAt(json, 'amount');
    const total = fenOf(amount.total);
    const paidAt = parseRfc3339(json.success_time);
    const transactionId = text(json, 'transaction_id');
    if (!transactionId || !total || total.isZero() || !paidAt) {
      throw new UntrustedResponseError('orderquery: paid answer lacks transaction_id, amount.total or success_time');
    }
    storedAnswerField('orderquery', 'transaction_id', transactionId);
    if (amount.currency !== undefined && amount.currency !== 'CNY') throw new UntrustedResponseError('orderquery: currency is not CNY');
    const cashPaid = amount.payer_total === undefined ? undefined : fenOf(amount.payer_total);
    if (amount.payer_total !== undefined && (!cashPaid || cashPaid.fen > total.fen)) {
      throw new UntrustedResponseError('orderquery: amount.payer_total is not an amount up to amount.total');
    }
    return { kind: 'paid', transactionId, amount: total, paidAt, ...(cashPaid ? { cashPaid } : {}) };
  }
  if (UNPAID_STATES.includes(state)) return { kind: 'notPaid', state };
  const failed = FAILED_STATES.find((s) => s === state);
  if (failed) return { kind: 'failed', reason: failed };
  throw new UntrustedResponseError(`orderquery: unknown trade_state "${state.slice(0, 32)}"`);
}

/** A decrypted `transaction` resource of TRANSACTION.SUCCESS, as a protocol-neutral notice. */
export function paymentNoticeOf(resource: Json, merchant: MerchantIds): PaymentNotice | string {
  if (foreignIn(resource, merchant, true)) return 'foreignMerchant';
  const outTradeNo = text(resource, 'out_trade_no');
  const transactionId = text(resource, 'transaction_id');
  const amount = objectAt(resource, 'amount');
  const totalFee = fenOf(amount.total);
  if (!outTradeNo || !transactionId) return 'missingField';
  if (!fitsAnswerField('transaction_id', transactionId)) return 'badField';
  if (!totalFee || totalFee.isZero()) return 'badTotalFee';
  if (amount.currency !== undefined && amount.currency !== 'CNY') return 'badFeeType';
  const succeeded = resource.trade_state === 'SUCCESS';
  const account = { appId: appIdIn(resource, merchant), mchId: merchant.mchId, ...subMchIdOf(merchant) };
  return { ...account, outTradeNo, transactionId, totalFee, succeeded, signedWith: 'RSA' };
}

/**
 * A refund as the refund API, the refund query and the refund notify describe it (`status`, or `refund_status` in
 * the notify). Every identifier and both amounts are required: the domain matches them against the refund we asked
 * for and refuses any report that disagrees.
 */
export function refundReportOf(json: Json, context: string, now: Date): RefundReport {
  const amount = objectAt(json, 'amount');
  const refund = fenOf(amount.refund);
  const totalFee = fenOf(amount.total);
  const status = json.status ?? json.refund_status;
  const ids = ['out_trade_no', 'transaction_id', 'out_refund_no', 'refund_id'].map((name) => text(json, name));
  const [outTradeNo, transactionId, outRefundNo, refundId] = ids;
  if (!outTradeNo || !transactionId || !outRefundNo || !refundId || !refund || refund.isZero() || !totalFee) {
    throw new UntrustedResponseError(`${context}: answer lacks an identifier, amount.refund or amount.total`);
  }
  storedAnswerField(context, 'transaction_id', transactionId);
  storedAnswerField(context, 'refund_id', refundId);
  // REFUSED is our record of a refusal, never a status WeChat reports.
  if (!isRefundStatus(status) || status === 'REFUSED') throw new UntrustedResponseError(`${context}: unknown refund status`);
  const at = parseRfc3339(json.success_time) ?? parseRfc3339(json.create_time) ?? now;
  const parts = refundPartsIn(amount, refund, context);
  return { outTradeNo, transactionId, outRefundNo, refundId, amount: refund, totalFee, status, at, ...(parts ? { parts } : {}) };
}

/**
 * amount.payer_refund (back to the user) and the rest of amount.refund (amount.discount_refund: back to a coupon):
 * they must add up. Undefined when the message leaves payer_refund out.
 */
function refundPartsIn(amount: Json, refund: Money, context: string): RefundParts | undefined {
  if (amount.payer_refund === undefined) return undefined;
  const cash = fenOf(amount.payer_refund);
  const coupon = amount.discount_refund === undefined ? (cash ? fenOf(refund.fen - cash.fen) : undefined) : fenOf(amount.discount_refund);
  const parts = cash && coupon ? refundPartsOf(refund, cash, coupon) : undefined;
  if (!parts) throw new UntrustedResponseError(`${context}: amount.payer_refund and discount_refund do not add up to amount.refund`);
  return parts;
}

export function refundNoticeOf(resource: Json, merchant: MerchantIds, now: Date): RefundNotice | string {
  const named = merchant.partner
    ? resource.sp_mchid === merchant.mchId && resource.sub_mchid === merchant.partner.subMchId
    : resource.mchid === merchant.mchId;
  if (!named) return 'foreignMerchant';
  let report: RefundReport;
  try {
    report = refundReportOf(resource, 'refund notify', now);
  } catch {
    return 'badField';
  }
  if (report.status === 'PROCESSING' || report.totalFee === undefined) return 'badField';
  const { outTradeNo, transactionId, outRefundNo, refundId, amount, totalFee, status } = report;
  if (amount.fen > totalFee.fen) return 'badField';
  const at = parseRfc3339(resource.success_time);
  // The refund notify carries no appid (it is per merchant): the notice is ours because it decrypted under our key
  // and names our mchid (partner: the provider's sp_mchid and our sub_mchid, the key being the provider's).
  const account = { appId: miniProgramAppsOf(merchant).defaultAppId, mchId: merchant.mchId, ...subMchIdOf(merchant) };
  const ids = { ...account, outTradeNo, transactionId, outRefundNo, refundId };
  return { ...ids, status, refundFee: amount, totalFee, ...(at ? { at } : {}) };
}

/** JSAPI prepay refusals in the port's terms; the same meanings as v2's err_codes. */
export function prepayRefusalOf(error: V3ErrorAnswer): PrepayOutcome {
  switch (error.kind) {
    case 'orderPaid':
      return { kind: 'alreadyPaid' };
    case 'orderClosed':
      return { kind: 'closed' };
    case 'duplicateOutTradeNo':
      return { kind: 'parametersChanged' };
    default:
      return gatewayRefusalOf(error);
  }
}
