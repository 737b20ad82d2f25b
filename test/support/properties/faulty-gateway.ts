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
} from '../../../src/application/ports/payment-gateway.js';
import { GatewayUnavailableError } from '../../../src/application/ports/payment-gateway.js';
import type { Prepay } from '../../../src/domain/prepay.js';
import type { RefundReport } from '../../../src/domain/refund.js';
import type { FakePaymentGateway } from '../doubles/fake-payment-gateway.js';

/**
 * How one unifiedorder goes wrong: WeChat answers SYSTEMERROR until the client gives up (nothing created), the answer
 * is lost after WeChat created the trade (a timeout), or WeChat refuses the request outright.
 */
export const PREPAY_FAULTS = ['systemError', 'timeoutAfterCreate', 'refused'] as const;
export type PrepayFault = (typeof PREPAY_FAULTS)[number];

/** Rewrites one answer of WeChat's about a refund (refund API or refundquery) before the service sees it. */
export type ReportTamper = (genuine: RefundReport) => RefundReport;

/**
 * The fake WeChat with faults the properties inject: a unifiedorder failure for one user's next prepay, a lost refund
 * answer, WeChat unreachable for the next calls, and refund answers rewritten (another order's identifiers, say).
 */
export class FaultyGateway implements PaymentGateway {
  private readonly prepayFaults = new Map<string, PrepayFault>();
  private refundAnswerLost = false;
  private refundTamper: ReportTamper | undefined;
  private queryTamper: ReportTamper | undefined;

  constructor(readonly fake: FakePaymentGateway) {}

  /** The next unifiedorder for this openid fails this way. */
  failNextPrepay(openid: string, fault: PrepayFault): void {
    this.prepayFaults.set(openid, fault);
  }

  /** The next refund call reaches WeChat, which accepts it, but its answer never comes back. */
  loseNextRefundAnswer(): void {
    this.refundAnswerLost = true;
  }

  /** The next `calls` calls of any kind throw as if WeChat timed out. */
  beUnavailable(calls: number): void {
    this.fake.beUnavailable(calls);
  }

  /** The next accepted refund answer (refund API) is rewritten. */
  tamperNextRefundAnswer(tamper: ReportTamper): void {
    this.refundTamper = tamper;
  }

  /** The next refundquery answer that finds a refund is rewritten. */
  tamperNextRefundQuery(tamper: ReportTamper): void {
    this.queryTamper = tamper;
  }

  /** Forgets faults that were armed but not used (so one step's fault never leaks into the next). */
  disarm(): void {
    this.prepayFaults.clear();
    this.refundAnswerLost = false;
    this.refundTamper = undefined;
    this.queryTamper = undefined;
    this.fake.beUnavailable(0);
  }

  async createPrepay(request: PrepayRequest): Promise<PrepayOutcome> {
    const fault = this.prepayFaults.get(request.openid);
    this.prepayFaults.delete(request.openid);
    switch (fault) {
      case 'systemError':
        await Promise.resolve();
        throw new GatewayUnavailableError('unifiedorder: SYSTEMERROR after every retry');
      case 'timeoutAfterCreate':
        await this.fake.createPrepay(request);
        throw new GatewayUnavailableError('unifiedorder: timed out after WeChat created the order');
      case 'refused':
        await Promise.resolve();
        return { kind: 'rejected', code: 'NOAUTH', message: '商户无此接口权限', category: 'configuration' };
      case undefined:
        return this.fake.createPrepay(request);
    }
  }

  clientPayment(prepay: Prepay): ClientPayment {
    return this.fake.clientPayment(prepay);
  }

  queryOrder(outTradeNo: string): Promise<TradeQuery> {
    return this.fake.queryOrder(outTradeNo);
  }

  closeOrder(outTradeNo: string): Promise<CloseOutcome> {
    return this.fake.closeOrder(outTradeNo);
  }

  async refund(submission: RefundSubmission): Promise<RefundSubmitOutcome> {
    const outcome = await this.fake.refund(submission);
    if (this.refundAnswerLost) {
      this.refundAnswerLost = false;
      throw new GatewayUnavailableError('refund: the answer was lost after WeChat accepted the refund');
    }
    const tamper = this.refundTamper;
    if (outcome.kind !== 'accepted' || !tamper) return outcome;
    this.refundTamper = undefined;
    return { kind: 'accepted', report: tamper(outcome.report) };
  }

  async queryRefund(outRefundNo: string): Promise<RefundQuery> {
    const query = await this.fake.queryRefund(outRefundNo);
    const tamper = this.queryTamper;
    if (query.kind !== 'found' || !tamper) return query;
    this.queryTamper = undefined;
    return { kind: 'found', report: tamper(query.report) };
  }

  billedPayments(billDate: string): Promise<BilledDay | undefined> {
    return this.fake.billedPayments(billDate);
  }

  refundBill(billDate: string): Promise<RefundBillDay | undefined> {
    return this.fake.refundBill(billDate);
  }

  fundFlowBill(billDate: string): Promise<FundFlowDay | undefined> {
    return this.fake.fundFlowBill(billDate);
  }
}
