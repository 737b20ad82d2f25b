import type { Clock } from '../../../application/ports/clock.js';
import type {
  BilledDay,
  FundFlowDay,
  RefundBillDay,
  ClientPayment,
  CloseOutcome,
  PaymentGateway,
  PrepayOutcome,
  PrepayRequest,
  RefundQuery,
  RefundSubmission,
  RefundSubmitOutcome,
  TradeQuery,
} from '../../../application/ports/payment-gateway.js';
import { prepayFor, type Prepay } from '../../../domain/prepay.js';
import { PrepayOfAnotherApiError, UntrustedResponseError } from '../shared/errors.js';
import { nodeHttpTransport, type HttpTransport } from '../shared/http-transport.js';
import { requestPayment } from '../shared/request-payment.js';
import { payerDescription, refundReason } from '../shared/payer-text.js';
import { randomNonce, type NonceSource } from '../shared/nonce.js';
import { formatRfc3339Beijing, parseJsonObject, prepayRefusalOf, refundReportOf, tradeQueryOf } from './answers.js';
import { V3AnswerError, WechatV3Client, type V3Answer, type V3Failure } from './client.js';
import { gatewayRefusalOf } from './error-answer.js';
import { assertValidV3Config, type WechatPayV3Config } from './config.js';
import { paymentParams } from './pay-sign.js';
import { billedPaymentsV3, fundFlowBillV3, refundBillV3 } from './trade-bill.js';
import type { V3Trust } from './trust.js';
import { unixSeconds } from './timestamp.js';

export type { WechatPayV3Config } from './config.js';

export interface WechatPayV3Deps {
  /** Business time: when a prepay was issued, when a refund was reported. */
  readonly clock: Clock;
  /**
   * Signature time: request timestamps, the ±300 s check of answers, paySign's timeStamp. Default: `clock`. The
   * sandbox moves its business clock forward (`/control/clock`); signatures stay on real time, as WeChat's do.
   */
  readonly signatureClock?: Clock;
  /** The keys answers are verified with; shared with the notify verifier so one refresh serves both. */
  readonly trust: V3Trust;
  readonly nonce?: NonceSource;
  readonly transport?: HttpTransport;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Every failed attempt, with WeChat's Request-ID, for the operator's log. */
  readonly onFailure?: (failure: V3Failure) => void;
}

/** The sign type of v3 prepays: paySign and every signature are SHA256-RSA (digest §4.2). */
export const V3_SIGN_TYPE = 'RSA';

/**
 * WeChat Pay API v3 for a Mini Program merchant, as the PaymentGateway port: the same outcomes as the v2 gateway
 * from JSON, RSA signatures and HTTP statuses. Every answer is verified before it is read (client.ts); refusals the
 * port can express are returned, anything else is a GatewayUnavailableError carrying WeChat's Request-ID.
 */
export class WechatPayV3Gateway implements PaymentGateway {
  private readonly client: WechatV3Client;
  private readonly nonce: NonceSource;
  private readonly transport: HttpTransport;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly merchant: { readonly appId: string; readonly mchId: string };

  constructor(
    private readonly config: WechatPayV3Config,
    private readonly deps: WechatPayV3Deps,
  ) {
    assertValidV3Config(config);
    this.nonce = deps.nonce ?? randomNonce;
    this.transport = deps.transport ?? nodeHttpTransport;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.merchant = { appId: config.appId, mchId: config.mchId };
    this.client = new WechatV3Client(
      {
        signer: { mchId: config.mchId, serialNo: config.merchantSerialNo, privateKey: config.privateKey },
        baseUrl: config.baseUrl ?? 'https://api.mch.weixin.qq.com',
        timeoutMs: config.timeoutMs ?? 5_000,
        retries: config.retries ?? 2,
        retryBackoffMs: config.retryBackoffMs ?? 200,
      },
      {
        clock: deps.signatureClock ?? deps.clock,
        nonce: this.nonce,
        transport: this.transport,
        sleep: this.sleep,
        trust: deps.trust,
        ...(deps.onFailure ? { onFailure: deps.onFailure } : {}),
      },
    );
  }

  async createPrepay(request: PrepayRequest): Promise<PrepayOutcome> {
    const issuedAt = this.deps.clock.now(); // before the call: the prepay_id can only be younger than this
    // Fixed key order and no client-dependent field (unless a server IP is configured): a re-sent prepay is identical.
    const body = JSON.stringify({
      appid: this.config.appId,
      mchid: this.config.mchId,
      description: payerDescription(request.description),
      out_trade_no: request.outTradeNo,
      time_expire: formatRfc3339Beijing(request.payableUntil),
      notify_url: this.config.notifyUrl,
      amount: { total: request.amount.fen, currency: 'CNY' },
      payer: { openid: request.openid },
      ...(this.config.serverIp ? { scene_info: { payer_client_ip: this.config.serverIp } } : {}),
    });
    const answer = await this.client.call('jsapi', { method: 'POST', pathAndQuery: '/v3/pay/transactions/jsapi', body });
    if (answer.kind === 'refused') return prepayRefusalOf(answer.error);
    const prepayId = parseJsonObject(answer.body, 'jsapi').prepay_id;
    if (typeof prepayId !== 'string' || !/^[0-9A-Za-z_-]{1,64}$/.test(prepayId))
      throw new UntrustedResponseError('jsapi: answer has no prepay_id');
    return { kind: 'created', prepay: prepayFor(prepayId, issuedAt, V3_SIGN_TYPE) };
  }

  /** `appId\ntimeStamp\nnonceStr\npackage\n` signed with the merchant key, signType "RSA" (digest §4.2). */
  clientPayment(prepay: Prepay): ClientPayment {
    if (prepay.signType !== V3_SIGN_TYPE)
      throw new PrepayOfAnotherApiError(`prepay ${prepay.prepayId} was made with ${prepay.signType}, not API v3`);
    return requestPayment(
      paymentParams(
        this.config.appId,
        prepay.prepayId,
        this.config.privateKey,
        unixSeconds((this.deps.signatureClock ?? this.deps.clock).now()),
        this.nonce(),
      ),
    );
  }

  async queryOrder(outTradeNo: string): Promise<TradeQuery> {
    const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${this.config.mchId}`;
    const answer = await this.client.call('orderquery', { method: 'GET', pathAndQuery: path });
    if (answer.kind === 'refused' && answer.error.kind === 'orderNotFound') return { kind: 'notFound' };
    return tradeQueryOf(parseJsonObject(okBody(answer, 'orderquery'), 'orderquery'), outTradeNo, this.merchant);
  }

  /** 204 is the only success; ORDERPAID means paid (confirm with queryOrder); other refusals are thrown. */
  async closeOrder(outTradeNo: string): Promise<CloseOutcome> {
    const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`;
    const answer = await this.client.call('closeorder', {
      method: 'POST',
      pathAndQuery: path,
      body: JSON.stringify({ mchid: this.config.mchId }),
    });
    if (answer.kind === 'refused' && answer.error.kind === 'orderPaid') return 'alreadyPaid';
    if (answer.kind === 'refused' && answer.error.kind === 'orderClosed') return 'alreadyClosed';
    if (okBody(answer, 'closeorder') !== '' || (answer.kind === 'ok' && answer.status !== 204)) {
      throw new UntrustedResponseError('closeorder: success is 204 without a body');
    }
    return 'closed';
  }

  /** No client certificate in v3: the request signature is the merchant's proof. */
  async refund(submission: RefundSubmission): Promise<RefundSubmitOutcome> {
    const reason = refundReason(submission.reason);
    const body = JSON.stringify({
      out_trade_no: submission.outTradeNo,
      out_refund_no: submission.outRefundNo,
      ...(reason ? { reason } : {}),
      ...(this.config.refundNotifyUrl ? { notify_url: this.config.refundNotifyUrl } : {}),
      amount: { refund: submission.refundFee.fen, total: submission.totalFee.fen, currency: 'CNY' },
    });
    const answer = await this.client.call('refund', { method: 'POST', pathAndQuery: '/v3/refund/domestic/refunds', body });
    if (answer.kind === 'refused') {
      if (answer.error.kind === 'orderNotFound') return { kind: 'notFound' };
      return gatewayRefusalOf(answer.error);
    }
    const report = refundReportOf(parseJsonObject(answer.body, 'refund'), 'refund', this.deps.clock.now());
    if (
      report.outRefundNo !== submission.outRefundNo ||
      report.outTradeNo !== submission.outTradeNo ||
      !report.amount.equals(submission.refundFee)
    ) {
      throw new UntrustedResponseError('refund: answer does not match the request');
    }
    return { kind: 'accepted', report };
  }

  async queryRefund(outRefundNo: string): Promise<RefundQuery> {
    const path = `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`;
    const answer = await this.client.call('refundquery', { method: 'GET', pathAndQuery: path });
    if (answer.kind === 'refused' && answer.error.kind === 'orderNotFound') return { kind: 'notFound' };
    const report = refundReportOf(parseJsonObject(okBody(answer, 'refundquery'), 'refundquery'), 'refundquery', this.deps.clock.now());
    if (report.outRefundNo !== outRefundNo) throw new UntrustedResponseError('refundquery: answer is about another out_refund_no');
    return { kind: 'found', report };
  }

  billedPayments(billDate: string): Promise<BilledDay | undefined> {
    return billedPaymentsV3(this.client, billDate);
  }

  refundBill(billDate: string): Promise<RefundBillDay | undefined> {
    return refundBillV3(this.client, billDate);
  }

  fundFlowBill(billDate: string): Promise<FundFlowDay | undefined> {
    return fundFlowBillV3(this.client, billDate);
  }
}

function okBody(answer: V3Answer, operation: string): string {
  if (answer.kind === 'refused') throw new V3AnswerError(answer.error, operation);
  return answer.body;
}
