import type { Clock } from '../../application/ports/clock.js';
import type { MerchantIdentity } from '../../application/ports/merchant.js';
import {
  GatewayUnavailableError,
  type ClientPaymentParams,
  type CloseOutcome,
  type PaymentGateway,
  type BilledPayment,
  type PrepayOutcome,
  type PrepayRequest,
  type RefundQuery,
  type RefundSubmission,
  type RefundSubmitOutcome,
  type SessionInfo,
  type TradeQuery,
} from '../../application/ports/payment-gateway.js';
import type { PaymentNotice } from '../../application/handle-notify.js';
import type { RefundNotice } from '../../application/handle-refund-notice.js';
import { formatBeijingCompact } from '../../domain/beijing-time.js';
import type { Money } from '../../domain/money.js';
import type { Prepay } from '../../domain/order.js';
import { PREPAY_LIFETIME_MS } from '../../domain/order-reuse.js';

interface Trade {
  readonly request: PrepayRequest;
  prepayCount: number;
  paid?: { transactionId: string; amount: Money; paidAt: Date };
  closed: boolean;
  readonly refunds: Map<string, { amount: Money; status: 'PROCESSING' | 'SUCCESS' | 'REFUNDCLOSE' | 'CHANGE'; at?: Date }>;
}

/**
 * WeChat Pay reduced to its rules, in memory: for use-case tests, where the wire protocol is beside the point (the
 * wire-faithful simulator covers that). It keeps trade state, refuses changed parameters for a number, and can be
 * told to fail like an unreachable WeChat.
 */
export class FakePaymentGateway implements PaymentGateway {
  readonly trades = new Map<string, Trade>();
  readonly calls: string[] = [];
  private unavailableCalls = 0;
  private nextTransaction = 4200000000;

  constructor(
    private readonly clock: Clock,
    readonly merchant: MerchantIdentity = { appId: 'wxd930ea5d5a258f4f', mchId: '10000100' },
  ) {}

  async createPrepay(request: PrepayRequest): Promise<PrepayOutcome> {
    await this.enter('createPrepay');
    const trade = this.trades.get(request.outTradeNo);
    if (trade?.paid) return { kind: 'alreadyPaid' };
    if (trade?.closed) return { kind: 'closed' };
    if (trade && !sameRequest(trade.request, request)) return { kind: 'parametersChanged' };
    const current = trade ?? { request, prepayCount: 0, closed: false, refunds: new Map() };
    current.prepayCount++;
    this.trades.set(request.outTradeNo, current);
    const issuedAt = this.clock.now();
    const prepay: Prepay = {
      prepayId: `wx${request.outTradeNo}${current.prepayCount}`,
      issuedAt,
      expiresAt: new Date(issuedAt.getTime() + PREPAY_LIFETIME_MS),
      signType: 'MD5',
    };
    return { kind: 'created', prepay };
  }

  clientPaymentParams(prepay: Prepay): ClientPaymentParams {
    return {
      appId: this.merchant.appId,
      timeStamp: String(Math.floor(this.clock.now().getTime() / 1000)),
      nonceStr: 'fakenonce',
      package: `prepay_id=${prepay.prepayId}`,
      signType: prepay.signType,
      paySign: `FAKE-${prepay.prepayId}`,
    };
  }

  async queryOrder(outTradeNo: string): Promise<TradeQuery> {
    await this.enter('queryOrder');
    const trade = this.trades.get(outTradeNo);
    if (!trade) return { kind: 'notFound' };
    if (trade.paid) return { kind: 'paid', ...trade.paid };
    if (trade.closed) return { kind: 'failed', reason: 'CLOSED' };
    return { kind: 'notPaid', state: 'NOTPAY' };
  }

  async closeOrder(outTradeNo: string): Promise<CloseOutcome> {
    await this.enter('closeOrder');
    const trade = this.trades.get(outTradeNo);
    if (trade?.paid) return 'alreadyPaid';
    if (trade?.closed) return 'alreadyClosed';
    if (trade) trade.closed = true;
    return 'closed';
  }

  async refund(submission: RefundSubmission): Promise<RefundSubmitOutcome> {
    await this.enter('refund');
    const trade = this.trades.get(submission.outTradeNo);
    if (!trade?.paid) return { kind: 'notFound' };
    const existing = trade.refunds.get(submission.outRefundNo);
    if (existing) {
      return existing.amount.equals(submission.refundFee) ? { kind: 'accepted' } : { kind: 'rejected', code: 'INVALID_REQUEST', message: '退款金额与原退款单不一致' };
    }
    const refunded = [...trade.refunds.values()].filter((r) => r.status !== 'REFUNDCLOSE').reduce((sum, r) => sum + r.amount.fen, 0);
    if (refunded + submission.refundFee.fen > trade.paid.amount.fen) return { kind: 'rejected', code: 'INVALID_REQUEST', message: '退款金额大于支付金额' };
    trade.refunds.set(submission.outRefundNo, { amount: submission.refundFee, status: 'PROCESSING' });
    return { kind: 'accepted' };
  }

  async queryRefund(outRefundNo: string): Promise<RefundQuery> {
    await this.enter('queryRefund');
    for (const trade of this.trades.values()) {
      const refund = trade.refunds.get(outRefundNo);
      if (!refund) continue;
      switch (refund.status) {
        case 'SUCCESS':
          return { kind: 'succeeded', amount: refund.amount, at: refund.at ?? this.clock.now() };
        case 'PROCESSING':
          return { kind: 'processing' };
        case 'REFUNDCLOSE':
          return { kind: 'closed' };
        case 'CHANGE':
          return { kind: 'abnormal' };
      }
    }
    return { kind: 'notFound' };
  }

  async billedPayments(billDate: string): Promise<BilledPayment[] | undefined> {
    await this.enter('billedPayments');
    if (billDate >= formatBeijingCompact(this.clock.now()).slice(0, 8)) return undefined;
    return [...this.trades.entries()]
      .filter(([, t]) => t.paid && formatBeijingCompact(t.paid.paidAt).slice(0, 8) === billDate)
      .map(([outTradeNo, t]) => ({ outTradeNo, transactionId: t.paid!.transactionId, totalFee: t.paid!.amount }));
  }

  async codeToSession(code: string): Promise<SessionInfo | undefined> {
    await this.enter('codeToSession');
    return code.startsWith('code-') ? { openid: `openid-${code.slice(5)}` } : undefined;
  }

  /** The user pays in the cashier: returns the notice WeChat would send. */
  pay(outTradeNo: string): PaymentNotice {
    const trade = this.trades.get(outTradeNo);
    if (!trade) throw new Error(`no prepay was requested for ${outTradeNo}`);
    if (trade.closed) throw new Error(`${outTradeNo} is closed`);
    trade.paid ??= { transactionId: String(this.nextTransaction++), amount: trade.request.amount, paidAt: this.clock.now() };
    return {
      appId: this.merchant.appId,
      mchId: this.merchant.mchId,
      outTradeNo,
      transactionId: trade.paid.transactionId,
      totalFee: trade.paid.amount,
      succeeded: true,
    };
  }

  /** WeChat finishes processing a refund: returns the (decrypted) notice it would send. */
  settleRefund(outRefundNo: string, status: 'SUCCESS' | 'REFUNDCLOSE' | 'CHANGE' = 'SUCCESS'): RefundNotice {
    for (const [outTradeNo, trade] of this.trades) {
      const refund = trade.refunds.get(outRefundNo);
      if (!refund) continue;
      refund.status = status;
      refund.at = this.clock.now();
      return { appId: this.merchant.appId, mchId: this.merchant.mchId, outTradeNo, outRefundNo, status, refundFee: refund.amount };
    }
    throw new Error(`no refund ${outRefundNo} was requested`);
  }

  /** The next `count` calls throw as if WeChat timed out. */
  beUnavailable(count: number): void {
    this.unavailableCalls = count;
  }

  private async enter(call: string): Promise<void> {
    await Promise.resolve();
    this.calls.push(call);
    if (this.unavailableCalls > 0) {
      this.unavailableCalls--;
      throw new GatewayUnavailableError(`${call}: simulated timeout`);
    }
  }
}

const sameRequest = (a: PrepayRequest, b: PrepayRequest): boolean =>
  a.amount.equals(b.amount) && a.openid === b.openid && a.description === b.description;
