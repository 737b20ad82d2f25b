import type { Clock } from '../../../src/application/ports/clock.js';
import type { MerchantIdentity } from '../../../src/application/ports/merchant.js';
import type { PaymentNotice, RefundNotice } from '../../../src/application/ports/notify-verifier.js';
import {
  GatewayUnavailableError,
  type BilledDay,
  type FundFlowDay,
  type FundFlowLine,
  type RefundBillDay,
  type ClientPayment,
  type CloseOutcome,
  type GatewayRefusal,
  type PaymentGateway,
  type PrepayOutcome,
  type PrepayRequest,
  type RefundQuery,
  type RefundSubmission,
  type RefundSubmitOutcome,
  type TradeQuery,
} from '../../../src/application/ports/payment-gateway.js';
import { requestPayment } from '../../../src/adapters/wechatpay/shared/request-payment.js';
import { billReadyAt, formatBeijingCompact } from '../../../src/domain/beijing-time.js';
import { Money } from '../../../src/domain/money.js';
import { prepayFor, type Prepay } from '../../../src/domain/prepay.js';
import type { RefundReport, ReportedStatus } from '../../../src/domain/refund.js';

/** The trade states orderquery reports, as WeChat names them. */
export type FakeTradeState = 'NOTPAY' | 'USERPAYING' | 'SUCCESS' | 'CLOSED' | 'PAYERROR' | 'REVOKED';

interface Trade {
  readonly request: PrepayRequest;
  readonly prepays: Prepay[];
  state: FakeTradeState;
  paid?: { transactionId: string; amount: Money; paidAt: Date; cashPaid: Money };
  readonly refunds: Map<
    string,
    { readonly refundId: string; readonly amount: Money; status: ReportedStatus; readonly requestedAt: Date; at?: Date }
  >;
}

/**
 * WeChat Pay reduced to its rules, in memory: for use-case tests, where the wire protocol is beside the point (the
 * wire-faithful simulator covers that; both are held to the PaymentGateway contract suite). It keeps trade state,
 * answers a live prepay_id again rather than a new one, refuses changed parameters for a number, and can be told to
 * fail like an unreachable WeChat.
 */
export class FakePaymentGateway implements PaymentGateway {
  readonly trades = new Map<string, Trade>();
  readonly calls: string[] = [];
  private unavailableCalls = 0;
  private readonly refundRefusals: GatewayRefusal[] = [];
  /** What the bill's summary line disagrees with, as the real adapter would report it. */
  billDiscrepancies: string[] = [];
  private nextTransaction = 4200000000;
  private nextRefund = 5000000000;

  constructor(
    private readonly clock: Clock,
    readonly merchant: MerchantIdentity = { appId: 'wxd930ea5d5a258f4f', mchId: '10000100' },
  ) {}

  async createPrepay(request: PrepayRequest): Promise<PrepayOutcome> {
    await this.enter('createPrepay');
    const trade = this.trades.get(request.outTradeNo);
    if (trade?.paid) return { kind: 'alreadyPaid' };
    if (trade?.state === 'CLOSED') return { kind: 'closed' };
    if (trade && !sameRequest(trade.request, request, this.merchant.appId)) return { kind: 'parametersChanged' };
    const current: Trade = trade ?? { request, prepays: [], state: 'NOTPAY', refunds: new Map() };
    this.trades.set(request.outTradeNo, current);
    const now = this.clock.now();
    const live = current.prepays.find((p) => p.expiresAt.getTime() > now.getTime());
    // Like the real adapter, which cannot tell a re-issued id from a new one: a fresh 2 h from now (the domain keeps the first).
    if (live) return { kind: 'created', prepay: prepayFor(live.prepayId, now, live.signType) };
    const prepay = prepayFor(`wx${request.outTradeNo}${current.prepays.length + 1}`, now, 'MD5');
    current.prepays.push(prepay);
    return { kind: 'created', prepay };
  }

  /** Signed over the mini-program the payer pays in (`appId`, as WeChat's paySign is), else the merchant's. */
  clientPayment(prepay: Prepay, appId?: string): ClientPayment {
    return requestPayment({
      appId: appId ?? this.merchant.appId,
      timeStamp: String(Math.floor(this.clock.now().getTime() / 1000)),
      nonceStr: 'fakenonce',
      package: `prepay_id=${prepay.prepayId}`,
      signType: prepay.signType,
      paySign: `FAKE-${prepay.prepayId}`,
    });
  }

  async queryOrder(outTradeNo: string): Promise<TradeQuery> {
    await this.enter('queryOrder');
    const trade = this.trades.get(outTradeNo);
    if (!trade) return { kind: 'notFound' };
    if (trade.paid) return { kind: 'paid', ...trade.paid };
    if (trade.state === 'CLOSED' || trade.state === 'PAYERROR' || trade.state === 'REVOKED') return { kind: 'failed', reason: trade.state };
    return { kind: 'notPaid', state: trade.state };
  }

  async closeOrder(outTradeNo: string): Promise<CloseOutcome> {
    await this.enter('closeOrder');
    const trade = this.trades.get(outTradeNo);
    if (!trade) throw new GatewayUnavailableError('closeorder: ORDERNOTEXIST');
    if (trade.paid) return 'alreadyPaid';
    if (trade.state === 'CLOSED') return 'alreadyClosed';
    if (this.clock.now().getTime() - Number(trade.prepays[0]?.issuedAt.getTime() ?? 0) < 5 * 60_000) {
      throw new GatewayUnavailableError('closeorder: refused within 5 minutes of creation');
    }
    trade.state = 'CLOSED';
    return 'closed';
  }

  async refund(submission: RefundSubmission): Promise<RefundSubmitOutcome> {
    await this.enter('refund');
    const refusal = this.refundRefusals.shift();
    if (refusal) return refusal;
    const trade = this.trades.get(submission.outTradeNo);
    if (!trade?.paid) return { kind: 'notFound' };
    const existing = trade.refunds.get(submission.outRefundNo);
    if (existing) {
      if (!existing.amount.equals(submission.refundFee))
        return { kind: 'rejected', code: 'INVALID_REQUEST', message: '退款金额与原退款单不一致', category: 'request' };
      return { kind: 'accepted', report: this.report(submission.outTradeNo, trade, submission.outRefundNo) };
    }
    const committed = [...trade.refunds.values()].filter((r) => r.status !== 'CLOSED').reduce((sum, r) => sum + r.amount.fen, 0);
    if (committed + submission.refundFee.fen > trade.paid.amount.fen)
      return { kind: 'rejected', code: 'INVALID_REQUEST', message: '退款金额大于支付金额', category: 'request' };
    trade.refunds.set(submission.outRefundNo, {
      refundId: String(this.nextRefund++),
      amount: submission.refundFee,
      status: 'PROCESSING',
      requestedAt: this.clock.now(),
    });
    return { kind: 'accepted', report: this.report(submission.outTradeNo, trade, submission.outRefundNo) };
  }

  async queryRefund(outRefundNo: string): Promise<RefundQuery> {
    await this.enter('queryRefund');
    for (const [outTradeNo, trade] of this.trades) {
      if (trade.refunds.has(outRefundNo)) return { kind: 'found', report: this.report(outTradeNo, trade, outRefundNo) };
    }
    return { kind: 'notFound' };
  }

  async billedPayments(billDate: string): Promise<BilledDay | undefined> {
    await this.enter('billedPayments');
    const readyAt = billReadyAt(billDate);
    if (!readyAt || this.clock.now() < readyAt) return undefined;
    const payments = [...this.trades.entries()].flatMap(([outTradeNo, t]) =>
      t.paid && formatBeijingCompact(t.paid.paidAt).slice(0, 8) === billDate
        ? [{ outTradeNo, transactionId: t.paid.transactionId, totalFee: t.paid.amount }]
        : [],
    );
    return { payments, discrepancies: this.billDiscrepancies };
  }

  async refundBill(billDate: string): Promise<RefundBillDay | undefined> {
    await this.enter('refundBill');
    if (!this.billReady(billDate)) return undefined;
    const refunds = [...this.trades.entries()].flatMap(([outTradeNo, t]) =>
      [...t.refunds.entries()].flatMap(([outRefundNo, r]) =>
        t.paid && dayOf(r.at ?? r.requestedAt) === billDate
          ? [{ outTradeNo, transactionId: t.paid.transactionId, outRefundNo, refundId: r.refundId, amount: r.amount, status: r.status }]
          : [],
      ),
    );
    return { refunds, discrepancies: [] };
  }

  /** Payments in (cash paid), a 0.6 % fee out per payment, refunds out once paid back. */
  async fundFlowBill(billDate: string): Promise<FundFlowDay | undefined> {
    await this.enter('fundFlowBill');
    if (!this.billReady(billDate)) return undefined;
    const lines: FundFlowLine[] = [];
    const line = (kind: FundFlowLine['kind'], income: boolean, fen: number, businessNo: string, voucherNo: string): void =>
      void lines.push({
        flowId: `F${lines.length}-${businessNo}`,
        kind,
        income,
        amount: Money.ofFen(fen),
        businessNo,
        voucherNo,
        bookedAt: billDate,
        description: kind,
      });
    for (const [outTradeNo, t] of this.trades) {
      if (!t.paid) continue;
      if (dayOf(t.paid.paidAt) === billDate) {
        line('payment', true, t.paid.cashPaid.fen, t.paid.transactionId, outTradeNo);
        const fee = Math.floor((t.paid.cashPaid.fen * 6 + 500) / 1000);
        if (fee > 0) line('fee', false, fee, t.paid.transactionId, outTradeNo);
      }
      for (const [outRefundNo, r] of t.refunds) {
        if (r.status === 'SUCCESS' && r.at && dayOf(r.at) === billDate) line('refund', false, r.amount.fen, r.refundId, outRefundNo);
      }
    }
    return { lines, discrepancies: [] };
  }

  /** A refund made at WeChat only (the merchant platform), paid back at once: the service never hears of it. */
  refundAtWechat(outTradeNo: string, fen: number, outRefundNo = `MP${this.nextRefund}`): string {
    const trade = this.trades.get(outTradeNo);
    if (!trade?.paid) throw new Error(`${outTradeNo} is not paid`);
    const now = this.clock.now();
    trade.refunds.set(outRefundNo, {
      refundId: String(this.nextRefund++),
      amount: Money.ofFen(fen),
      status: 'SUCCESS',
      requestedAt: now,
      at: now,
    });
    return outRefundNo;
  }

  private billReady(billDate: string): boolean {
    const readyAt = billReadyAt(billDate);
    return readyAt !== undefined && this.clock.now() >= readyAt;
  }

  /** The user pays in the cashier (with `coupon` fen paid by a coupon): returns the notice WeChat would send. */
  pay(outTradeNo: string, coupon = 0): PaymentNotice {
    const trade = this.trades.get(outTradeNo);
    if (!trade) throw new Error(`no prepay was requested for ${outTradeNo}`);
    if (trade.state === 'CLOSED') throw new Error(`${outTradeNo} is closed`);
    const amount = trade.request.amount;
    trade.paid ??= {
      transactionId: String(this.nextTransaction++),
      amount,
      paidAt: this.clock.now(),
      cashPaid: Money.ofFen(amount.fen - coupon),
    };
    trade.state = 'SUCCESS';
    const { appId, mchId, subMchId } = this.merchant;
    return {
      appId,
      mchId,
      ...(subMchId === undefined ? {} : { subMchId }),
      outTradeNo,
      transactionId: trade.paid.transactionId,
      totalFee: trade.paid.amount,
      succeeded: true,
      signedWith: 'MD5',
    };
  }

  /** WeChat's view of an unpaid order changes (the user is paying, the bank refused, ...). */
  setTradeState(outTradeNo: string, state: Exclude<FakeTradeState, 'SUCCESS'>): void {
    const trade = this.trades.get(outTradeNo);
    if (!trade || trade.paid) throw new Error(`${outTradeNo}: no unpaid trade`);
    trade.state = state;
  }

  /** WeChat finishes processing a refund: returns the (decrypted) notice it would send. */
  settleRefund(outRefundNo: string, status: Exclude<ReportedStatus, 'PROCESSING'> = 'SUCCESS'): RefundNotice {
    for (const [outTradeNo, trade] of this.trades) {
      const refund = trade.refunds.get(outRefundNo);
      if (!refund || !trade.paid) continue;
      refund.status = status;
      refund.at = this.clock.now();
      const { appId, mchId, subMchId } = this.merchant;
      const { refundId, amount } = refund;
      return {
        appId,
        mchId,
        ...(subMchId === undefined ? {} : { subMchId }),
        outTradeNo,
        transactionId: trade.paid.transactionId,
        outRefundNo,
        refundId,
        status,
        refundFee: amount,
        totalFee: trade.paid.amount,
        at: refund.at,
      };
    }
    throw new Error(`no refund ${outRefundNo} was requested`);
  }

  /** The next `count` refund requests are refused as WeChat would (NOTENOUGH, FREQUENCY_LIMITED, ...), before any check. */
  refuseRefunds(code: string, category: GatewayRefusal['category'], count = 1): void {
    for (let i = 0; i < count; i++) this.refundRefusals.push({ kind: 'rejected', code, message: `${code} (fake)`, category });
  }

  /** The next `count` calls throw as if WeChat timed out. */
  beUnavailable(count: number): void {
    this.unavailableCalls = count;
  }

  private report(outTradeNo: string, trade: Trade, outRefundNo: string): RefundReport {
    const refund = trade.refunds.get(outRefundNo);
    if (!refund || !trade.paid) throw new Error(`no refund ${outRefundNo}`);
    return {
      outTradeNo,
      transactionId: trade.paid.transactionId,
      outRefundNo,
      refundId: refund.refundId,
      amount: refund.amount,
      totalFee: trade.paid.amount,
      status: refund.status,
      at: refund.at ?? this.clock.now(),
      parts: this.partsOf(trade.paid, refund.amount),
    };
  }

  /** WeChat's split of a refund when a coupon paid part: in proportion, rounded down for the coupon (as the simulator). */
  private partsOf(paid: { amount: Money; cashPaid: Money }, refund: Money) {
    const couponPaid = paid.amount.fen - paid.cashPaid.fen;
    const coupon = Math.floor((refund.fen * couponPaid) / paid.amount.fen);
    return { cash: Money.ofFen(refund.fen - coupon), coupon: Money.ofFen(coupon) };
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

const dayOf = (at: Date): string => formatBeijingCompact(at).slice(0, 8);

/** As WeChat compares a re-sent prepay: the mini-program (appid, or sub_appid) is one of its parameters. */
const sameRequest = (a: PrepayRequest, b: PrepayRequest, defaultAppId: string): boolean =>
  (a.appId ?? defaultAppId) === (b.appId ?? defaultAppId) &&
  a.amount.equals(b.amount) &&
  a.openid === b.openid &&
  a.description === b.description &&
  a.payableUntil.getTime() === b.payableUntil.getTime();
