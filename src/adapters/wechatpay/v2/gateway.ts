import type { Clock } from '../../../application/ports/clock.js';
import type {
  BilledDay,
  ClientPayment,
  CloseOutcome,
  FundFlowDay,
  PaymentGateway,
  PrepayOutcome,
  PrepayRequest,
  RefundBillDay,
  RefundQuery,
  RefundSubmission,
  RefundSubmitOutcome,
  TradeQuery,
} from '../../../application/ports/payment-gateway.js';
import { formatBeijingCompact } from '../../../domain/beijing-time.js';
import { prepayFor, type Prepay } from '../../../domain/prepay.js';
import { PrepayOfAnotherApiError, UntrustedResponseError, WechatAnswerError } from '../shared/errors.js';
import { nodeHttpTransport, type HttpTransport } from '../shared/http-transport.js';
import { payerDescription, refundReason } from '../shared/payer-text.js';
import { requestPayment } from '../shared/request-payment.js';
import { randomNonce, type NonceSource } from '../shared/nonce.js';
import { miniProgramAppsOf, type MiniProgramApps } from '../shared/partner.js';
import { acceptedRefundOf, prepayRefusal, queriedRefundOf, refusal, tradeQueryOf } from './answers.js';
import { billedDay, parseTradeBill, refundBillDay } from './bill.js';
import { fundFlowDay, parseFundFlowBill } from './fund-flow-bill.js';
import { WechatV2Client, type CallOptions, type V2Answer } from './client.js';
import { assertValidConfig, type WechatPayV2Config } from './config.js';
import { isSignType, signFields, type WechatFields } from './sign.js';

export type { WechatPayV2Config } from './config.js';

export interface WechatPayV2Deps {
  readonly clock: Clock;
  readonly nonce?: NonceSource;
  readonly transport?: HttpTransport;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * WeChat Pay API v2 for a Mini Program merchant, as the PaymentGateway port. Every signed answer is verified before
 * it is read (client.ts); refusals the port can express are returned, everything else (timeouts after retries,
 * unverifiable or unexpected answers) is a GatewayUnavailableError, so a use case never acts on something WeChat did
 * not say. In partner mode (config.partner) every call is the provider's (its appid, mch_id, key and certificate)
 * and names the sub-merchant (sub_mch_id); a prepay names the mini-program as sub_appid and the payer by sub_openid.
 */
export class WechatPayV2Gateway implements PaymentGateway {
  private readonly client: WechatV2Client;
  private readonly nonce: NonceSource;
  private readonly transport: HttpTransport;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly apps: MiniProgramApps;

  constructor(
    private readonly config: WechatPayV2Config,
    private readonly deps: WechatPayV2Deps,
  ) {
    assertValidConfig(config);
    this.nonce = deps.nonce ?? randomNonce;
    this.transport = deps.transport ?? nodeHttpTransport;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.apps = miniProgramAppsOf(config);
    this.client = new WechatV2Client(
      {
        appId: config.appId,
        mchId: config.mchId,
        apiKey: config.apiKey,
        signType: config.signType,
        baseUrl: config.baseUrl ?? 'https://api.mch.weixin.qq.com',
        timeoutMs: config.timeoutMs ?? 5_000,
        retries: config.retries ?? 2,
        retryBackoffMs: config.retryBackoffMs ?? 200,
        ...(config.tls ? { tls: config.tls } : {}),
        ...(config.partner ? { subMchId: config.partner.subMchId } : {}),
        apps: this.apps,
      },
      { nonce: this.nonce, transport: this.transport, sleep: this.sleep },
    );
  }

  async createPrepay(request: PrepayRequest): Promise<PrepayOutcome> {
    const issuedAt = this.deps.clock.now(); // before the call: the prepay_id can only be younger than this
    const appId = this.apps.of(request.appId);
    // Partner: the openid is the mini-program's own (sub_openid), which WeChat takes only with its sub_appid.
    const payer = this.config.partner ? { sub_appid: appId, sub_openid: request.openid } : { openid: request.openid };
    const answer = await this.client.call(
      '/pay/unifiedorder',
      {
        body: payerDescription(request.description),
        out_trade_no: request.outTradeNo,
        total_fee: String(request.amount.fen),
        spbill_create_ip: this.config.spbillCreateIp ?? unmapIpv4(request.clientIp),
        time_expire: formatBeijingCompact(request.payableUntil),
        notify_url: this.config.notifyUrl,
        trade_type: 'JSAPI',
        ...payer,
      },
      this.config.partner ? {} : { appId },
    );
    if (answer.kind === 'returnFail') return refusal('FAIL', answer.message);
    if (answer.kind === 'resultFail') return prepayRefusal(answer.code, answer.message);
    const prepayId = answer.fields.prepay_id;
    if (!prepayId) throw new UntrustedResponseError('unifiedorder: SUCCESS without prepay_id');
    if (answer.fields.trade_type !== undefined && answer.fields.trade_type !== 'JSAPI') {
      throw new UntrustedResponseError('unifiedorder: answer is not for a JSAPI trade');
    }
    return { kind: 'created', prepay: prepayFor(prepayId, issuedAt, this.config.signType) };
  }

  /**
   * paySign over appId, nonceStr, package, signType, timeStamp with the prepay's own sign type (digest §4.1). The
   * appId is the mini-program's (partner: the sub_appid), the key ours (partner: the provider's).
   */
  clientPayment(prepay: Prepay, appId?: string): ClientPayment {
    const signType = prepay.signType;
    if (!isSignType(signType)) throw new PrepayOfAnotherApiError(`prepay ${prepay.prepayId} was made with ${signType}, not API v2`);
    const params = {
      appId: this.apps.of(appId),
      timeStamp: String(Math.floor(this.deps.clock.now().getTime() / 1000)),
      nonceStr: this.nonce(),
      package: `prepay_id=${prepay.prepayId}`,
      signType,
    };
    return requestPayment({ ...params, paySign: signFields(params, this.config.apiKey, signType) });
  }

  async queryOrder(outTradeNo: string): Promise<TradeQuery> {
    const answer = await this.client.call('/pay/orderquery', { out_trade_no: outTradeNo });
    if (answer.kind === 'resultFail' && answer.code === 'ORDERNOTEXIST') return { kind: 'notFound' };
    return tradeQueryOf(requireOk(answer, 'orderquery'), outTradeNo);
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

  async refund(submission: RefundSubmission): Promise<RefundSubmitOutcome> {
    const answer = await this.client.call(
      '/secapi/pay/refund',
      {
        out_trade_no: submission.outTradeNo,
        out_refund_no: submission.outRefundNo,
        total_fee: String(submission.totalFee.fen),
        refund_fee: String(submission.refundFee.fen),
        refund_desc: refundReason(submission.reason),
        notify_url: this.config.refundNotifyUrl,
      },
      { mutualTls: true },
    );
    if (answer.kind === 'returnFail') return refusal('FAIL', answer.message);
    if (answer.kind === 'resultFail') return answer.code === 'ORDERNOTEXIST' ? { kind: 'notFound' } : refusal(answer.code, answer.message);
    const report = acceptedRefundOf(answer.fields, this.deps.clock.now());
    if (report.outRefundNo !== submission.outRefundNo || !report.amount.equals(submission.refundFee)) {
      throw new UntrustedResponseError('refund: answer does not match the request');
    }
    return { kind: 'accepted', report };
  }

  async queryRefund(outRefundNo: string): Promise<RefundQuery> {
    const answer = await this.client.call('/pay/refundquery', { out_refund_no: outRefundNo });
    // REFUNDNOTEXIST is refundquery's own code (UNCONFIRMED: not in the digest); ORDERNOTEXIST for unknown orders.
    if (answer.kind === 'resultFail' && (answer.code === 'REFUNDNOTEXIST' || answer.code === 'ORDERNOTEXIST')) return { kind: 'notFound' };
    return queriedRefundOf(requireOk(answer, 'refundquery'), outRefundNo, this.deps.clock.now());
  }

  /** The payments of a day's SUCCESS bill, or undefined while WeChat has none. The table is unsigned: TLS vouches. */
  async billedPayments(billDate: string): Promise<BilledDay | undefined> {
    const text = await this.tradeBill(billDate, 'SUCCESS');
    return text === undefined ? undefined : billedDay(parseTradeBill(text));
  }

  /** The refunds of a day's REFUND bill (the refunds made that day), or undefined while WeChat has none. */
  async refundBill(billDate: string): Promise<RefundBillDay | undefined> {
    const text = await this.tradeBill(billDate, 'REFUND');
    return text === undefined ? undefined : refundBillDay(parseTradeBill(text));
  }

  /**
   * The basic account's fund-flow bill (downloadfundflow). Unlike downloadbill it needs the merchant API certificate
   * and an HMAC-SHA256 signature whatever the merchant signs with otherwise (WeChat's downloadfundflow page; WxJava's
   * WxPayDownloadFundFlowRequest).
   *
   * Partner mode: undefined (as a bill not out yet). A sub-merchant's money sits in its own account, whose flow
   * WeChat gives a provider only through API v3's encrypted sub-merchant-fundflowbill (a permission of its own);
   * whether v2's downloadfundflow takes sub_mch_id is UNCONFIRMED, and the provider's own flow is not the merchant's.
   */
  async fundFlowBill(billDate: string): Promise<FundFlowDay | undefined> {
    if (this.config.partner) {
      if (!/^[0-9]{8}$/.test(billDate)) throw new RangeError('billDate must be yyyyMMdd');
      return undefined;
    }
    const text = await this.billText(
      '/pay/downloadfundflow',
      { bill_date: billDate, account_type: 'Basic', tar_type: 'GZIP' },
      { mutualTls: true, signType: 'HMAC-SHA256' },
    );
    return text === undefined ? undefined : fundFlowDay(parseFundFlowBill(text));
  }

  private tradeBill(billDate: string, billType: 'SUCCESS' | 'REFUND'): Promise<string | undefined> {
    // Bills are large (a row per payment); compressed they are a tenth of the size.
    return this.billText('/pay/downloadbill', { bill_date: billDate, bill_type: billType, tar_type: 'GZIP' });
  }

  /** A bill's text, or undefined while WeChat has none for the day ("No Bill Exist"). */
  private async billText(path: string, fields: Record<string, string>, options: CallOptions = {}): Promise<string | undefined> {
    if (!/^[0-9]{8}$/.test(fields.bill_date ?? '')) throw new RangeError('billDate must be yyyyMMdd');
    const answer = await this.client.callForText(path, fields, { ...options, maxBytes: 64 * 1024 * 1024 });
    if (answer.kind === 'text') return answer.body;
    // "No Bill Exist" (error_code 20002) is UNCONFIRMED wording; anything else is a real error.
    if (answer.kind === 'returnFail' && (answer.fields.error_code === '20002' || /no bill exist/i.test(answer.message))) return undefined;
    const name = path.slice(path.lastIndexOf('/') + 1);
    requireOk(answer, name);
    throw new UntrustedResponseError(`${name}: XML SUCCESS instead of a bill`);
  }

  /** For graceful shutdown: closes the mutual-TLS connection pool. */
  close(): void {
    this.client.close();
  }
}

function requireOk(answer: V2Answer | { readonly kind: 'text' }, context: string): WechatFields {
  if (answer.kind === 'ok') return answer.fields;
  if (answer.kind === 'returnFail') throw new WechatAnswerError('FAIL', answer.message, context);
  if (answer.kind === 'resultFail') throw new WechatAnswerError(answer.code, answer.message, context);
  throw new UntrustedResponseError(`${context}: unexpected answer`);
}

const unmapIpv4 = (ip: string): string => (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip) ? ip.slice(7) : ip);
