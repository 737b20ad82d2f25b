import type { Order } from '../../domain/order.js';
import type { Alerts } from '../ports/alerts.js';
import type { Clock } from '../ports/clock.js';
import type { OrderRepository } from '../ports/order-repository.js';
import type { MerchantId } from '../../domain/merchant.js';
import type { FundFlowLine } from '../ports/payment-gateway.js';
import type { PaymentGateways } from '../ports/payment-gateways.js';
import { forEveryMerchantBill } from './every-merchant-bill.js';
import type { PaymentRecorder } from '../orders/payment-recorder.js';
import { previousBillDate } from './reconcile-bill.js';

/** A line of the fund-flow bill that is not one of our payments or refunds as we hold them. */
export interface UnmatchedLine {
  readonly flowId: string;
  readonly kind: FundFlowLine['kind'];
  readonly income: boolean;
  readonly amountFen: number;
  readonly businessNo: string;
  readonly voucherNo: string;
  readonly description: string;
  readonly reason: string;
}

export interface FundFlowReport {
  readonly billDate: string;
  /** false when WeChat has no fund-flow bill for the day (nothing moved, or not generated yet). */
  readonly available: boolean;
  readonly lines: number;
  /** Lines that are one of our payments, refunds, or the fee on one of our payments. */
  readonly matched: number;
  readonly incomeFen: number;
  readonly expenseFen: number;
  /** WeChat's service fee (手续费) taken that day, net of fees returned on refunds. */
  readonly feesFen: number;
  /** Payouts to the merchant's bank account (提现): the merchant's own money, no order's. */
  readonly payoutsFen: number;
  /** For a person: money that moved for nothing we hold, or for another amount than we hold. */
  readonly unmatched: UnmatchedLine[];
  /** Orders flagged for review because a line names them with another amount (out_trade_no). */
  readonly flagged: string[];
  readonly discrepancies: string[];
}

/** Our refund numbers are `<out_trade_no>R<seq>` (domain/refund.ts), which names the order a refund line belongs to. */
const orderNumberOfRefund = (outRefundNo: string): string | undefined => /^(.+)R[0-9]+$/.exec(outRefundNo)?.[1];

/**
 * T+1 reconciliation of the merchant account's fund flow (资金账单): every fen that moved must be one of our
 * payments (the cash the user paid), the service fee on one of them, or one of our refunds, for the amount we hold.
 * What is not — a refund made outside the service, a movement of another system, an amount that differs — is listed
 * for a person, and an order a line names with another amount is flagged for review.
 */
export class ReconcileFundFlow {
  constructor(
    private readonly orders: OrderRepository,
    private readonly gateways: PaymentGateways,
    private readonly recorder: PaymentRecorder,
    private readonly alerts: Alerts,
    private readonly clock: Clock,
  ) {}

  async execute(billDate: string = previousBillDate(this.clock.now())): Promise<FundFlowReport> {
    if (!/^\d{8}$/.test(billDate)) throw new RangeError('billDate must be yyyyMMdd');
    // Each merchant account has its own fund flow; a line is matched only against that merchant's orders.
    const billed: { readonly merchantId: MerchantId; readonly line: FundFlowLine }[] = [];
    const { available, discrepancies } = await forEveryMerchantBill(
      this.gateways,
      (gateway) => gateway.fundFlowBill(billDate),
      (merchantId, bill) => {
        for (const line of bill.lines) billed.push({ merchantId, line });
      },
    );
    const lines = billed.map((b) => b.line);
    const sum = (list: readonly FundFlowLine[]): number => list.reduce((total, l) => total + l.amount.fen, 0);
    const signed = (l: FundFlowLine): number => (l.income ? l.amount.fen : -l.amount.fen);
    const report = {
      billDate,
      available,
      lines: lines.length,
      matched: 0,
      incomeFen: sum(lines.filter((l) => l.income)),
      expenseFen: sum(lines.filter((l) => !l.income)),
      feesFen: -lines.filter((l) => l.kind === 'fee' || l.kind === 'feeReturn').reduce((total, l) => total + signed(l), 0),
      payoutsFen: sum(lines.filter((l) => l.kind === 'payout')),
      unmatched: [] as UnmatchedLine[],
      flagged: [] as string[],
      discrepancies,
    };
    if (report.discrepancies.length > 0) {
      this.alerts.raise({ kind: 'BillInconsistent', detail: { billDate, bill: 'fundflow', discrepancies: report.discrepancies } });
    }
    for (const { merchantId, line } of billed) {
      const verdict = await this.match(merchantId, line);
      if (verdict === 'matched') {
        report.matched++;
        continue;
      }
      report.unmatched.push({
        flowId: line.flowId,
        kind: line.kind,
        income: line.income,
        amountFen: line.amount.fen,
        businessNo: line.businessNo,
        voucherNo: line.voucherNo,
        description: line.description,
        reason: verdict.reason,
      });
      if (verdict.order) {
        await this.recorder.flagForReview(verdict.order, `WeChat's fund-flow bill: ${verdict.reason}`, this.clock.now(), {
          billDate,
          flowId: line.flowId,
        });
        const no = verdict.order.state.outTradeNo.value;
        if (!report.flagged.includes(no)) report.flagged.push(no);
      }
    }
    if (report.unmatched.length > 0) {
      this.alerts.raise({ kind: 'FundFlowUnmatched', detail: { billDate, unmatched: report.unmatched.map((u) => u.flowId) } });
    }
    return report;
  }

  /** 'matched', or why not (with the order to flag when the line names one of ours with another amount). */
  private async match(
    merchantId: MerchantId,
    line: FundFlowLine,
  ): Promise<'matched' | { readonly reason: string; readonly order?: Order }> {
    const fen = `${line.amount.fen} fen`;
    switch (line.kind) {
      case 'payout':
        return 'matched';
      case 'payment':
      case 'fee':
      case 'feeReturn': {
        const order = await this.paidOrder(merchantId, line);
        if (!order) return { reason: `${line.kind} of ${fen} for transaction ${line.businessNo}, which no order of ours has` };
        if (line.kind !== 'payment') return 'matched';
        const paid = order.state.cashPaid ?? order.state.cash;
        if (paid.equals(line.amount) || (await this.couponPaidTheRest(order, line))) return 'matched';
        return { reason: `payment of ${fen}; the order was paid ${paid.fen} fen`, order };
      }
      case 'refund': {
        const no = orderNumberOfRefund(line.voucherNo);
        const order = no === undefined ? undefined : await this.orders.findByOutTradeNo(no, { merchantId });
        const refund = order?.state.refunds.find((r) => r.outRefundNo === line.voucherNo);
        if (!order || !refund) return { reason: `refund ${line.voucherNo || line.businessNo} of ${fen}, which no order of ours holds` };
        if (refund.refundId !== undefined && refund.refundId !== line.businessNo) {
          return { reason: `refund ${line.voucherNo} paid as ${line.businessNo}; the order holds it as ${refund.refundId}`, order };
        }
        return refund.amount.equals(line.amount)
          ? 'matched'
          : { reason: `refund ${line.voucherNo} of ${fen}; the order holds it as ${refund.amount.fen} fen`, order };
      }
      case 'other':
        return { reason: `${line.income ? 'income' : 'expense'} of ${fen} that is neither a payment, a fee nor a refund` };
    }
  }

  /**
   * A payment notice does not say what a coupon paid, so an order recorded from one knows only its amount, while the
   * fund flow has the cash that came in. orderquery's cash_fee says whether the difference is a coupon's.
   */
  private async couponPaidTheRest(order: Order, line: FundFlowLine): Promise<boolean> {
    if (order.state.cashPaid !== undefined) return false;
    const trade = await this.gateways.forMerchant(order.state.merchantId).queryOrder(order.state.outTradeNo.value);
    return trade.kind === 'paid' && trade.transactionId === line.businessNo && trade.cashPaid?.equals(line.amount) === true;
  }

  /** The paid order of a payment or fee line: by out_trade_no where the bill prints it, with the same transaction. */
  private async paidOrder(merchantId: MerchantId, line: FundFlowLine): Promise<Order | undefined> {
    const ours = (order: Order | undefined): order is Order =>
      order?.state.merchantId === merchantId && order.state.transactionId === line.businessNo;
    const byNumber = line.voucherNo === '' ? undefined : await this.orders.findByOutTradeNo(line.voucherNo, { merchantId });
    if (ours(byNumber)) return byNumber;
    const [byTransaction] = await this.orders.list({ merchantId, transactionId: line.businessNo, limit: 1, offset: 0 });
    return ours(byTransaction) ? byTransaction : undefined;
  }
}
