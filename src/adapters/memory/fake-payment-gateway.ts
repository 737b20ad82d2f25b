import type { Clock } from '../../application/ports/clock.js';
import type { MerchantIdentity } from '../../application/ports/merchant.js';
import {
  GatewayUnavailableError,
  type ClientPaymentParams,
  type CloseOutcome,
  type PaymentGateway,
  type PrepayOutcome,
  type PrepayRequest,
  type SessionInfo,
  type TradeQuery,
} from '../../application/ports/payment-gateway.js';
import type { PaymentNotice } from '../../application/handle-notify.js';
import type { Money } from '../../domain/money.js';
import type { Prepay } from '../../domain/order.js';
import { PREPAY_LIFETIME_MS } from '../../domain/order-reuse.js';

interface Trade {
  readonly request: PrepayRequest;
  prepayCount: number;
  paid?: { transactionId: string; amount: Money; paidAt: Date };
  closed: boolean;
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
    const current = trade ?? { request, prepayCount: 0, closed: false };
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
