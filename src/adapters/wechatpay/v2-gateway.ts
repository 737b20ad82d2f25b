import type { Clock } from '../../application/ports/clock.js';
import type {
  ClientPaymentParams,
  CloseOutcome,
  PaymentGateway,
  PrepayOutcome,
  PrepayRequest,
  BilledPayment,
  RefundQuery,
  SessionInfo,
  TradeQuery,
} from '../../application/ports/payment-gateway.js';
import { parseBeijingCompact } from '../../domain/beijing-time.js';
import { Money } from '../../domain/money.js';
import type { FailureReason, Prepay } from '../../domain/order.js';
import { PREPAY_LIFETIME_MS } from '../../domain/order-reuse.js';
import { parseTradeBill, type TradeBill } from './bill.js';
import { UntrustedResponseError, WechatAnswerError } from './errors.js';
import { nodeHttpTransport, type HttpTransport } from './http-transport.js';
import { codeToSession } from './mini-program-login.js';
import { randomNonce, type NonceSource } from './nonce.js';
import { parsePaymentNotify, type MerchantKeys, type PaymentNotifyResult } from './notify.js';
import { decryptRefundNotify, parseBeijingDateTime, type RefundNotifyResult } from './refund-notify.js';
import { isSignType, signFields, type WechatFields } from './sign.js';
import { assertValidConfig, type WechatPayV2Config } from './v2-config.js';
import { WechatV2Client, type V2Answer } from './v2-client.js';

export type { WechatPayV2Config } from './v2-config.js';

export interface WechatPayV2Deps {
  readonly clock: Clock;
  readonly nonce?: NonceSource;
  readonly transport?: HttpTransport;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RefundRequest {
  readonly outTradeNo: string;
  /** Reuse the same number when retrying a refund: WeChat refunds a number once (digest §8.1). */
  readonly outRefundNo: string;
  /** The order amount. */
  readonly totalFee: Money;
  readonly refundFee: Money;
  /** refund_desc, ≤ 80 characters. */
  readonly reason?: string;
}

export type RefundOutcome =
  /** Accepted for processing only; the result arrives by refund notify or refundquery. */
  | {
      readonly kind: 'accepted';
      readonly refundId: string;
      readonly outRefundNo: string;
      readonly transactionId: string;
      readonly refundFee: Money;
      readonly fields: WechatFields;
    }
  /** ORDERNOTEXIST: unknown or unpaid order, nothing to refund. */
  | { readonly kind: 'notFound' }
  | { readonly kind: 'rejected'; readonly code: string; readonly message: string };

/** One of the identifiers refundquery accepts; WeChat's priority is refund_id > out_refund_no > transaction_id > out_trade_no. */
export type RefundQueryKey =
  | { readonly refundId: string }
  | { readonly outRefundNo: string }
  | { readonly transactionId: string }
  | { readonly outTradeNo: string };

export interface RefundRecord {
  readonly outRefundNo: string;
  readonly refundId: string;
  readonly refundFee: Money;
  /** SUCCESS, REFUNDCLOSE, PROCESSING or CHANGE. */
  readonly status: string;
  /** refund_success_time_$n as printed (`yyyy-MM-dd HH:mm:ss`, Beijing). */
  readonly successTime?: string;
}

export type RefundQueryResult =
  | {
      readonly kind: 'found';
      readonly outTradeNo: string;
      readonly transactionId: string;
      readonly totalFee: Money;
      readonly refunds: readonly RefundRecord[];
      readonly fields: WechatFields;
    }
  | { readonly kind: 'notFound' };

export type BillType = 'ALL' | 'SUCCESS' | 'REFUND';

export type BillDownload =
  | { readonly kind: 'bill'; readonly bill: TradeBill; readonly text: string }
  /** No trades that day (or the bill is not generated yet: bills exist from 10:00 the next day). */
  | { readonly kind: 'noBill'; readonly message: string };

const PAID_STATES: readonly string[] = ['SUCCESS', 'REFUND']; // REFUND: the money was taken, then (partly) returned
const UNPAID_STATES: readonly string[] = ['NOTPAY', 'USERPAYING', 'ACCEPT'];
const FAILED_STATES: readonly string[] = ['CLOSED', 'PAYERROR', 'REVOKED'];

/**
 * WeChat Pay API v2 for a Mini Program merchant. Every signed answer is verified before it is read; refusals the
 * port can express are returned, everything else (timeouts after retries, unverifiable or unexpected answers) is a
 * GatewayUnavailableError, so a use case never acts on something WeChat did not say.
 */
export class WechatPayV2Gateway implements PaymentGateway {
  private readonly client: WechatV2Client;
  private readonly merchant: MerchantKeys;
  private readonly nonce: NonceSource;
  private readonly transport: HttpTransport;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBackoffMs: number;

  constructor(
    private readonly config: WechatPayV2Config,
    private readonly deps: WechatPayV2Deps,
  ) {
    assertValidConfig(config);
    this.merchant = { appId: config.appId, mchId: config.mchId, apiKey: config.apiKey, signType: config.signType };
    this.nonce = deps.nonce ?? randomNonce;
    this.transport = deps.transport ?? nodeHttpTransport;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.timeoutMs = config.timeoutMs ?? 5_000;
    this.retries = config.retries ?? 2;
    this.retryBackoffMs = config.retryBackoffMs ?? 200;
    this.client = new WechatV2Client(
      {
        ...this.merchant,
        baseUrl: config.baseUrl ?? 'https://api.mch.weixin.qq.com',
        timeoutMs: this.timeoutMs,
        retries: this.retries,
        retryBackoffMs: this.retryBackoffMs,
        ...(config.tls ? { tls: config.tls } : {}),
      },
      { nonce: this.nonce, transport: this.transport, sleep: this.sleep },
    );
  }

  async createPrepay(request: PrepayRequest): Promise<PrepayOutcome> {
    const issuedAt = this.deps.clock.now(); // before the call: the prepay_id can only be younger than this
    const answer = await this.client.call('/pay/unifiedorder', {
      body: truncateUtf8(request.description, 127),
      out_trade_no: request.outTradeNo,
      total_fee: String(request.amount.fen),
      spbill_create_ip: this.config.spbillCreateIp ?? unmapIpv4(request.clientIp),
      notify_url: this.config.notifyUrl,
      trade_type: 'JSAPI',
      openid: request.openid,
    });
    if (answer.kind === 'returnFail') return { kind: 'rejected', code: 'FAIL', message: answer.message };
    if (answer.kind === 'resultFail') return prepayRefusal(answer.code, answer.message);
    const prepayId = answer.fields.prepay_id;
    if (!prepayId) throw new UntrustedResponseError('unifiedorder: SUCCESS without prepay_id');
    if (answer.fields.trade_type !== undefined && answer.fields.trade_type !== 'JSAPI') {
      throw new UntrustedResponseError('unifiedorder: answer is not for a JSAPI trade');
    }
    const prepay: Prepay = {
      prepayId,
      issuedAt,
      expiresAt: new Date(issuedAt.getTime() + PREPAY_LIFETIME_MS),
      signType: this.config.signType,
    };
    return { kind: 'created', prepay };
  }

  /** paySign over appId, nonceStr, package, signType, timeStamp with the prepay's own sign type (digest §4.1). */
  clientPaymentParams(prepay: Prepay): ClientPaymentParams {
    const signType = prepay.signType;
    if (!isSignType(signType)) throw new RangeError(`prepay ${prepay.prepayId} has no usable sign type`);
    const params = {
      appId: this.config.appId,
      timeStamp: String(Math.floor(this.deps.clock.now().getTime() / 1000)),
      nonceStr: this.nonce(),
      package: `prepay_id=${prepay.prepayId}`,
      signType,
    };
    return { ...params, paySign: signFields(params, this.config.apiKey, signType) };
  }

  async queryOrder(outTradeNo: string): Promise<TradeQuery> {
    const answer = await this.client.call('/pay/orderquery', { out_trade_no: outTradeNo });
    if (answer.kind === 'resultFail' && answer.code === 'ORDERNOTEXIST') return { kind: 'notFound' };
    const f = requireOk(answer, 'orderquery');
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
      return { kind: 'paid', transactionId: f.transaction_id, amount, paidAt };
    }
    if (UNPAID_STATES.includes(state)) return { kind: 'notPaid', state };
    if (FAILED_STATES.includes(state)) return { kind: 'failed', reason: state as FailureReason };
    throw new UntrustedResponseError(`orderquery: unknown trade_state "${state}"`);
  }

  /**
   * ORDERPAID means paid (confirm with queryOrder); other refusals — including closing within 5 minutes of
   * creation, or ORDERNOTEXIST — are thrown as WechatAnswerError: the order stays as it is.
   */
  async closeOrder(outTradeNo: string): Promise<CloseOutcome> {
    const answer = await this.client.call('/pay/closeorder', { out_trade_no: outTradeNo });
    if (answer.kind === 'resultFail' && answer.code === 'ORDERPAID') return 'alreadyPaid';
    if (answer.kind === 'resultFail' && answer.code === 'ORDERCLOSED') return 'alreadyClosed';
    requireOk(answer, 'closeorder');
    return 'closed';
  }

  codeToSession(code: string): Promise<SessionInfo | undefined> {
    return codeToSession(
      {
        appId: this.config.appId,
        appSecret: this.config.appSecret,
        loginBaseUrl: this.config.loginBaseUrl ?? 'https://api.weixin.qq.com',
        timeoutMs: this.timeoutMs,
        retries: this.retries,
        retryBackoffMs: this.retryBackoffMs,
      },
      this.transport,
      this.sleep,
      code,
    );
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    const answer = await this.client.call(
      '/secapi/pay/refund',
      {
        out_trade_no: request.outTradeNo,
        out_refund_no: request.outRefundNo,
        total_fee: String(request.totalFee.fen),
        refund_fee: String(request.refundFee.fen),
        refund_desc: request.reason,
        notify_url: this.config.refundNotifyUrl,
      },
      { mutualTls: true },
    );
    if (answer.kind === 'returnFail') return { kind: 'rejected', code: 'FAIL', message: answer.message };
    if (answer.kind === 'resultFail') {
      return answer.code === 'ORDERNOTEXIST'
        ? { kind: 'notFound' }
        : { kind: 'rejected', code: answer.code, message: answer.message };
    }
    const f = answer.fields;
    const refundFee = Money.parseFen(f.refund_fee ?? '');
    if (!f.refund_id || f.out_refund_no !== request.outRefundNo || !refundFee || !refundFee.equals(request.refundFee)) {
      throw new UntrustedResponseError('refund: answer does not match the request');
    }
    return {
      kind: 'accepted',
      refundId: f.refund_id,
      outRefundNo: f.out_refund_no,
      transactionId: f.transaction_id ?? '',
      refundFee,
      fields: f,
    };
  }

  async refundQuery(key: RefundQueryKey): Promise<RefundQueryResult> {
    const answer = await this.client.call('/pay/refundquery', {
      refund_id: 'refundId' in key ? key.refundId : undefined,
      out_refund_no: 'outRefundNo' in key ? key.outRefundNo : undefined,
      transaction_id: 'transactionId' in key ? key.transactionId : undefined,
      out_trade_no: 'outTradeNo' in key ? key.outTradeNo : undefined,
    });
    // REFUNDNOTEXIST is refundquery's own code (UNCONFIRMED: not in the digest); ORDERNOTEXIST for unknown orders.
    if (answer.kind === 'resultFail' && (answer.code === 'REFUNDNOTEXIST' || answer.code === 'ORDERNOTEXIST')) {
      return { kind: 'notFound' };
    }
    const f = requireOk(answer, 'refundquery');
    const count = f.refund_count ?? '';
    const totalFee = Money.parseFen(f.total_fee ?? '');
    if (!/^[0-9]{1,3}$/.test(count) || !totalFee || !f.out_trade_no) {
      throw new UntrustedResponseError('refundquery: answer lacks refund_count, total_fee or out_trade_no');
    }
    const refunds: RefundRecord[] = [];
    for (let n = 0; n < Number(count); n++) {
      const refundFee = Money.parseFen(f[`refund_fee_${n}`] ?? '');
      const outRefundNo = f[`out_refund_no_${n}`];
      const refundId = f[`refund_id_${n}`];
      const status = f[`refund_status_${n}`];
      if (!refundFee || !outRefundNo || !refundId || !status) {
        throw new UntrustedResponseError(`refundquery: refund ${n} is incomplete`);
      }
      const successTime = f[`refund_success_time_${n}`];
      refunds.push(successTime ? { outRefundNo, refundId, refundFee, status, successTime } : { outRefundNo, refundId, refundFee, status });
    }
    return { kind: 'found', outTradeNo: f.out_trade_no, transactionId: f.transaction_id ?? '', totalFee, refunds, fields: f };
  }

  /** The port's view of one refund number: WeChat's refund_status_$n for it, with SUCCESS's amount and time. */
  async queryRefund(outRefundNo: string): Promise<RefundQuery> {
    const result = await this.refundQuery({ outRefundNo });
    if (result.kind === 'notFound') return { kind: 'notFound' };
    const record = result.refunds.find((r) => r.outRefundNo === outRefundNo);
    if (!record) return { kind: 'notFound' };
    switch (record.status) {
      case 'SUCCESS': {
        const at = parseBeijingDateTime(record.successTime ?? '') ?? this.deps.clock.now();
        return { kind: 'succeeded', amount: record.refundFee, at };
      }
      case 'PROCESSING':
        return { kind: 'processing' };
      case 'REFUNDCLOSE':
        return { kind: 'closed' };
      case 'CHANGE':
        return { kind: 'abnormal' };
      default:
        throw new UntrustedResponseError(`refundquery: unknown refund_status ${record.status}`);
    }
  }

  /** The port's view of a day's bill: its payment rows (SUCCESS bill), or undefined while WeChat has none. */
  async billedPayments(billDate: string): Promise<BilledPayment[] | undefined> {
    const download = await this.downloadBill(billDate, 'SUCCESS');
    if (download.kind === 'noBill') return undefined;
    return download.bill.rows.map((row) => ({ outTradeNo: row.outTradeNo, transactionId: row.transactionId, totalFee: row.totalFee }));
  }

  /** billDate is `yyyyMMdd` (Beijing). The table is unsigned; only TLS vouches for it. */
  async downloadBill(billDate: string, billType: BillType = 'ALL'): Promise<BillDownload> {
    if (!/^[0-9]{8}$/.test(billDate)) throw new RangeError('billDate must be yyyyMMdd');
    const answer = await this.client.callForText(
      '/pay/downloadbill',
      { bill_date: billDate, bill_type: billType },
      { maxBytes: 64 * 1024 * 1024 },
    );
    if (answer.kind === 'text') return { kind: 'bill', bill: parseTradeBill(answer.body), text: answer.body };
    // "No Bill Exist" (error_code 20002) is UNCONFIRMED wording; anything else is a real error.
    if (answer.kind === 'returnFail' && (answer.fields.error_code === '20002' || /no bill exist/i.test(answer.message))) {
      return { kind: 'noBill', message: answer.message };
    }
    requireOk(answer, 'downloadbill');
    throw new UntrustedResponseError('downloadbill: XML SUCCESS instead of a bill');
  }

  /** Verifies a payment notify body (see notify.ts); the use case then checks the amount and asks orderquery. */
  parsePaymentNotify(rawBody: string): PaymentNotifyResult {
    return parsePaymentNotify(rawBody, this.merchant);
  }

  decryptRefundNotify(rawBody: string): RefundNotifyResult {
    return decryptRefundNotify(rawBody, this.merchant);
  }

  /** For graceful shutdown: closes the mutual-TLS connection pool. */
  close(): void {
    this.client.close();
  }
}

function prepayRefusal(code: string, message: string): PrepayOutcome {
  switch (code) {
    case 'ORDERPAID':
      return { kind: 'alreadyPaid' };
    case 'ORDERCLOSED':
      return { kind: 'closed' };
    case 'OUT_TRADE_NO_USED': // its trigger vs INVALID_REQUEST/201 is UNCONFIRMED; both mean "use another number"
      return { kind: 'parametersChanged' };
    case 'INVALID_REQUEST':
      return message.includes('201') ? { kind: 'parametersChanged' } : { kind: 'rejected', code, message };
    default:
      return { kind: 'rejected', code, message };
  }
}

function requireOk(answer: V2Answer | { readonly kind: 'text' }, context: string): WechatFields {
  if (answer.kind === 'ok') return answer.fields;
  if (answer.kind === 'returnFail') throw new WechatAnswerError('FAIL', answer.message, context);
  if (answer.kind === 'resultFail') throw new WechatAnswerError(answer.code, answer.message, context);
  throw new UntrustedResponseError(`${context}: unexpected answer`);
}

/** Cuts at a code point boundary. UNCONFIRMED whether `body`'s 127 counts characters or bytes; bytes is safer. */
export function truncateUtf8(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return out;
}

const unmapIpv4 = (ip: string): string => (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip) ? ip.slice(7) : ip);
