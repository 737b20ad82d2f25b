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
import { miniProgramAppsOf, type MiniProgramApps } from '../shared/partner.js';
import { formatRfc3339Beijing, parseJsonObject, prepayRefusalOf, refundReportOf, tradeQueryOf, type MerchantIds } from './answers.js';
import { V3AnswerError, WechatV3Client, type V3Answer, type V3Failure } from './client.js';
import { gatewayRefusalOf } from './error-answer.js';
import { assertValidV3Config, type WechatPayV3Config } from './config.js';
import { paymentParams } from './pay-sign.js';
import { billedPaymentsV3, fundFlowBillV3, refundBillV3, v3Date } from './trade-bill.js';
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
 * port can express are returned, anything else is a GatewayUnavailableError carrying WeChat's Request-ID. In partner
 * mode (config.partner) it speaks the provider's API (/v3/pay/partner/transactions, sp_mchid and sub_mchid, signed
 * with the provider's key), as wechatpay-go's services/partnerpayments/jsapi does.
 */
export class WechatPayV3Gateway implements PaymentGateway {
  private readonly client: WechatV3Client;
  private readonly nonce: NonceSource;
  private readonly transport: HttpTransport;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly merchant: MerchantIds;
  private readonly apps: MiniProgramApps;

  constructor(
    private readonly config: WechatPayV3Config,
    private readonly deps: WechatPayV3Deps,
  ) {
    assertValidV3Config(config);
    this.nonce = deps.nonce ?? randomNonce;
    this.transport = deps.transport ?? nodeHttpTransport;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.merchant = {
      appId: config.appId,
      mchId: config.mchId,
      ...(config.partner ? { partner: config.partner } : {}),
      ...(config.appIds ? { appIds: config.appIds } : {}),
    };
    this.apps = miniProgramAppsOf(config);
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
    const appId = this.apps.of(request.appId);
    const { partner } = this.config;
    // Partner: the provider's ids, the sub-merchant's, and the payer's openid under the mini-program (sub_openid).
    const parties = partner
      ? { sp_appid: this.config.appId, sp_mchid: this.config.mchId, sub_appid: appId, sub_mchid: partner.subMchId }
      : { appid: appId, mchid: this.config.mchId };
    // Fixed key order and no client-dependent field (unless a server IP is configured): a re-sent prepay is identical.
    const body = JSON.stringify({
      ...parties,
      description: payerDescription(request.description),
      out_trade_no: request.outTradeNo,
      time_expire: formatRfc3339Beijing(request.payableUntil),
      notify_url: this.config.notifyUrl,
      amount: { total: request.amount.fen, currency: 'CNY' },
      payer: partner ? { sub_openid: request.openid } : { openid: request.openid },
      ...(this.config.serverIp ? { scene_info: { payer_client_ip: this.config.serverIp } } : {}),
    });
    const path = partner ? '/v3/pay/partner/transactions/jsapi' : '/v3/pay/transactions/jsapi';
    const answer = await this.client.call('jsapi', { method: 'POST', pathAndQuery: path, body });
    if (answer.kind === 'refused') return prepayRefusalOf(answer.error);
    const prepayId = parseJsonObject(answer.body, 'jsapi').prepay_id;
    if (typeof prepayId !== 'string' || !/^[0-9A-Za-z_-]{1,64}$/.test(prepayId))
      throw new UntrustedResponseError('jsapi: answer has no prepay_id');
    return { kind: 'created', prepay: prepayFor(prepayId, issuedAt, V3_SIGN_TYPE) };
  }

  /**
   * `appId\ntimeStamp\nnonceStr\npackage\n` signed with the merchant key, signType "RSA" (digest §4.2). The appId is
   * the mini-program's (partner: the sub_appid), the key ours (partner: the provider's), as wechatpay-go's
   * PrepayWithRequestPayment(req, requestPaymentAppid) signs it.
   */
  clientPayment(prepay: Prepay, appId?: string): ClientPayment {
    if (prepay.signType !== V3_SIGN_TYPE)
      throw new PrepayOfAnotherApiError(`prepay ${prepay.prepayId} was made with ${prepay.signType}, not API v3`);
    return requestPayment(
      paymentParams(
        this.apps.of(appId),
        prepay.prepayId,
        this.config.privateKey,
        unixSeconds((this.deps.signatureClock ?? this.deps.clock).now()),
        this.nonce(),
      ),
    );
  }

  async queryOrder(outTradeNo: string): Promise<TradeQuery> {
    const no = encodeURIComponent(outTradeNo);
    const { partner, mchId } = this.config;
    const path = partner
      ? `/v3/pay/partner/transactions/out-trade-no/${no}?sp_mchid=${mchId}&sub_mchid=${partner.subMchId}`
      : `/v3/pay/transactions/out-trade-no/${no}?mchid=${mchId}`;
    const answer = await this.client.call('orderquery', { method: 'GET', pathAndQuery: path });
    if (answer.kind === 'refused' && answer.error.kind === 'orderNotFound') return { kind: 'notFound' };
    return tradeQueryOf(parseJsonObject(okBody(answer, 'orderquery'), 'orderquery'), outTradeNo, this.merchant);
  }

  /** 204 is the only success; ORDERPAID means paid (confirm with queryOrder); other refusals are thrown. */
  async closeOrder(outTradeNo: string): Promise<CloseOutcome> {
    const no = encodeURIComponent(outTradeNo);
    const { partner, mchId } = this.config;
    const answer = await this.client.call('closeorder', {
      method: 'POST',
      pathAndQuery: partner ? `/v3/pay/partner/transactions/out-trade-no/${no}/close` : `/v3/pay/transactions/out-trade-no/${no}/close`,
      body: JSON.stringify(partner ? { sp_mchid: mchId, sub_mchid: partner.subMchId } : { mchid: mchId }),
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
      ...this.subMchid(),
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
    const { partner } = this.config;
    const query = partner ? `?sub_mchid=${partner.subMchId}` : '';
    const path = `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}${query}`;
    const answer = await this.client.call('refundquery', { method: 'GET', pathAndQuery: path });
    if (answer.kind === 'refused' && answer.error.kind === 'orderNotFound') return { kind: 'notFound' };
    const report = refundReportOf(parseJsonObject(okBody(answer, 'refundquery'), 'refundquery'), 'refundquery', this.deps.clock.now());
    if (report.outRefundNo !== outRefundNo) throw new UntrustedResponseError('refundquery: answer is about another out_refund_no');
    return { kind: 'found', report };
  }

  /** Partner mode: the sub-merchant's bill (sub_mchid), not the provider's of all its merchants. */
  billedPayments(billDate: string): Promise<BilledDay | undefined> {
    return billedPaymentsV3(this.client, billDate, this.config.partner?.subMchId);
  }

  refundBill(billDate: string): Promise<RefundBillDay | undefined> {
    return refundBillV3(this.client, billDate, this.config.partner?.subMchId);
  }

  /**
   * Partner mode: undefined (as a bill not out yet). The sub-merchant's account is not the provider's: WeChat gives
   * its flow only through GET /v3/bill/sub-merchant-fundflowbill, whose files are encrypted for the provider and which
   * needs a permission of its own; not implemented here.
   */
  fundFlowBill(billDate: string): Promise<FundFlowDay | undefined> {
    if (!this.config.partner) return fundFlowBillV3(this.client, billDate);
    v3Date(billDate); // a malformed date is still refused
    return Promise.resolve(undefined);
  }

  /** Partner mode: `{ sub_mchid }`, first in a refund request as wechatpay-go's CreateRequest orders it. */
  private subMchid(): { sub_mchid?: string } {
    return this.config.partner ? { sub_mchid: this.config.partner.subMchId } : {};
  }
}

function okBody(answer: V3Answer, operation: string): string {
  if (answer.kind === 'refused') throw new V3AnswerError(answer.error, operation);
  return answer.body;
}
