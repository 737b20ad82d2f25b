import type { GatewayRefusal, PrepayOutcome, RefundQuery, TradeQuery } from '../../../application/ports/payment-gateway.js';
import { parseBeijingCompact } from '../../../domain/beijing-time.js';
import { Money } from '../../../domain/money.js';
import { refundPartsOf, type RefundParts } from '../../../domain/refund-parts.js';
import type { RefundReport, ReportedStatus } from '../../../domain/refund.js';
import { storedAnswerField } from '../shared/answer-fields.js';
import { UntrustedResponseError } from '../shared/errors.js';
import { parseBeijingDateTime } from './refund-notify.js';
import type { WechatFields } from './sign.js';

/** Turning verified v2 answers into the port's types: every amount parsed exactly, every identifier required. */

const PAID_STATES: readonly string[] = ['SUCCESS', 'REFUND']; // REFUND: the money was taken, then (partly) returned
const UNPAID_STATES: readonly string[] = ['NOTPAY', 'USERPAYING', 'ACCEPT'];
const FAILED_STATES = ['CLOSED', 'PAYERROR', 'REVOKED'] as const;

/** WeChat's refund statuses (refundquery refund_status_$n, refund notify refund_status) in the domain's words. */
export const REFUND_STATUS_OF: Readonly<Record<string, ReportedStatus>> = {
  PROCESSING: 'PROCESSING',
  SUCCESS: 'SUCCESS',
  REFUNDCLOSE: 'CLOSED',
  CHANGE: 'ABNORMAL',
};

export function tradeQueryOf(f: WechatFields, outTradeNo: string): TradeQuery {
  if (f.out_trade_no !== undefined && f.out_trade_no !== outTradeNo) {
    throw new UntrustedResponseError('orderquery: answer is about another out_trade_no');
  }
  const state = f.trade_state ?? '';
  if (PAID_STATES.includes(state)) {
    const amount = Money.parseFen(f.total_fee ?? '');
    const paidAt = parseBeijingCompact(f.time_end ?? '');
    if (!f.transaction_id || !amount || amount.isZero() || !paidAt || f.out_trade_no !== outTradeNo) {
      throw new UntrustedResponseError('orderquery: paid answer lacks transaction_id, total_fee, time_end or out_trade_no');
    }
    const cashPaid = f.cash_fee === undefined ? undefined : Money.parseFen(f.cash_fee);
    if (cashPaid !== undefined && cashPaid.fen > amount.fen) throw new UntrustedResponseError('orderquery: cash_fee exceeds total_fee');
    const transactionId = storedAnswerField('orderquery', 'transaction_id', f.transaction_id);
    return { kind: 'paid', transactionId, amount, paidAt, ...(cashPaid ? { cashPaid } : {}) };
  }
  if (UNPAID_STATES.includes(state)) return { kind: 'notPaid', state };
  const failed = FAILED_STATES.find((s) => s === state);
  if (failed) return { kind: 'failed', reason: failed };
  throw new UntrustedResponseError(`orderquery: unknown trade_state "${state}"`);
}

/** err_codes that mean the merchant's setup is wrong (digest §3.3, §8.1): an operator must act, retrying will not help. */
const CONFIGURATION_CODES: readonly string[] = [
  'SIGNERROR',
  'NOAUTH',
  'APPID_NOT_EXIST',
  'MCHID_NOT_EXIST',
  'APPID_MCHID_NOT_MATCH',
  'REQUIRE_POST_METHOD',
  'FAIL',
];
const RATE_LIMIT_CODES: readonly string[] = ['FREQUENCY_LIMITED', 'INVALID_REQ_TOO_MUCH'];

/** A refusal of WeChat's, classified for the merchant. `FAIL` stands for return_code FAIL: the request was not even read as ours. */
export function refusal(code: string, message: string): GatewayRefusal {
  const category = CONFIGURATION_CODES.includes(code) ? 'configuration' : RATE_LIMIT_CODES.includes(code) ? 'rateLimited' : 'request';
  return { kind: 'rejected', code, message, category };
}

export function prepayRefusal(code: string, message: string): PrepayOutcome {
  switch (code) {
    case 'ORDERPAID':
      return { kind: 'alreadyPaid' };
    case 'ORDERCLOSED':
      return { kind: 'closed' };
    case 'OUT_TRADE_NO_USED': // its trigger vs INVALID_REQUEST/201 is UNCONFIRMED; both mean "use another number"
      return { kind: 'parametersChanged' };
    case 'INVALID_REQUEST':
      return message.includes('201') ? { kind: 'parametersChanged' } : refusal(code, message);
    default:
      return refusal(code, message);
  }
}

/**
 * total_fee as a refund or refundquery answer carries it: optional (WeChat's own examples of both answers omit it, and
 * deciding needs only the refund's identifiers and amount), but an amount when present, checked against the order.
 */
function optionalTotalFee(f: WechatFields, api: string): Money | undefined {
  if (f.total_fee === undefined) return undefined;
  const totalFee = Money.parseFen(f.total_fee);
  if (!totalFee) throw new UntrustedResponseError(`${api}: total_fee is not an amount`);
  return totalFee;
}

/** The refund API's acceptance: the refund as WeChat now holds it (PROCESSING), identifiers and amounts checked. */
export function acceptedRefundOf(f: WechatFields, at: Date): RefundReport {
  const amount = Money.parseFen(f.refund_fee ?? '');
  if (!f.refund_id || !f.out_refund_no || !f.out_trade_no || !f.transaction_id || !amount) {
    throw new UntrustedResponseError('refund: answer lacks refund_id, out_refund_no, out_trade_no, transaction_id or refund_fee');
  }
  const totalFee = optionalTotalFee(f, 'refund');
  const parts = refundPartsIn(f, amount);
  return {
    outTradeNo: f.out_trade_no,
    transactionId: storedAnswerField('refund', 'transaction_id', f.transaction_id),
    outRefundNo: f.out_refund_no,
    refundId: storedAnswerField('refund', 'refund_id', f.refund_id),
    amount,
    ...(totalFee ? { totalFee } : {}),
    status: 'PROCESSING',
    at,
    ...(parts ? { parts } : {}),
  };
}

/**
 * cash_refund_fee (back to the user) and coupon_refund_fee (back to a coupon, absent when none paid): they must add
 * up to refund_fee. Undefined when the answer leaves cash_refund_fee out.
 */
function refundPartsIn(f: WechatFields, amount: Money): RefundParts | undefined {
  if (f.cash_refund_fee === undefined) return undefined;
  const cash = Money.parseFen(f.cash_refund_fee);
  const coupon = f.coupon_refund_fee === undefined ? Money.ofFen(0) : Money.parseFen(f.coupon_refund_fee);
  const parts = cash && coupon ? refundPartsOf(amount, cash, coupon) : undefined;
  if (!parts) throw new UntrustedResponseError('refund: cash_refund_fee and coupon_refund_fee do not add up to refund_fee');
  return parts;
}

/** One refund out of a refundquery answer (indexed `_$n` fields); total_fee as for the refund API's answer. */
export function queriedRefundOf(f: WechatFields, outRefundNo: string, now: Date): RefundQuery {
  const count = f.refund_count ?? '';
  if (!/^[0-9]{1,3}$/.test(count) || !f.out_trade_no || !f.transaction_id) {
    throw new UntrustedResponseError('refundquery: answer lacks refund_count, out_trade_no or transaction_id');
  }
  const totalFee = optionalTotalFee(f, 'refundquery');
  for (let n = 0; n < Number(count); n++) {
    if (f[`out_refund_no_${n}`] !== outRefundNo) continue;
    const amount = Money.parseFen(f[`refund_fee_${n}`] ?? '');
    const refundId = f[`refund_id_${n}`];
    const status = REFUND_STATUS_OF[f[`refund_status_${n}`] ?? ''];
    if (!amount || !refundId || !status)
      throw new UntrustedResponseError(`refundquery: refund ${n} is incomplete or has an unknown status`);
    const at = parseBeijingDateTime(f[`refund_success_time_${n}`] ?? '') ?? now;
    const report: RefundReport = {
      outTradeNo: f.out_trade_no,
      transactionId: storedAnswerField('refundquery', 'transaction_id', f.transaction_id),
      outRefundNo,
      refundId: storedAnswerField('refundquery', 'refund_id', refundId),
      amount,
      status,
      at,
    };
    return { kind: 'found', report: totalFee ? { ...report, totalFee } : report };
  }
  return { kind: 'notFound' };
}
