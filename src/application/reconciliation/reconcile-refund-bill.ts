import type { Order } from '../../domain/order.js';
import type { Alerts } from '../ports/alerts.js';
import type { Clock } from '../ports/clock.js';
import type { OrderRepository } from '../ports/order-repository.js';
import type { MerchantId } from '../../domain/merchant.js';
import type { BilledRefund } from '../ports/payment-gateway.js';
import type { PaymentGateways } from '../ports/payment-gateways.js';
import { forEveryMerchantBill } from './every-merchant-bill.js';
import type { PaymentRecorder } from '../orders/payment-recorder.js';
import type { SettleRefund } from '../refunds/settle-refund.js';
import { previousBillDate } from './reconcile-bill.js';

export interface RefundBillReport {
  readonly billDate: string;
  /** false when WeChat has no refund bill for the day (no refund that day, or not generated yet). */
  readonly available: boolean;
  readonly refunds: number;
  /** Held here with the same order, transaction and amount, and settled alike. */
  readonly matched: number;
  /**
   * Paid back at WeChat but not yet here, or held by WeChat though refused here: confirmed with refundquery and
   * recorded now (out_refund_no).
   */
  readonly repaired: string[];
  /** Refunds of orders unknown here (another system on the same merchant account?), as out_refund_no. */
  readonly unknown: string[];
  /**
   * Orders flagged for review (out_trade_no): a refund WeChat made that the order does not hold (made in the merchant
   * platform, say), one of another amount or transaction, or one refundquery would not confirm.
   */
  readonly flagged: string[];
  /** Where the bill's own summary disagrees with its rows (alerted). */
  readonly discrepancies: string[];
}

/**
 * T+1 reconciliation of refunds against WeChat's refund bill: every refund WeChat made must be one of ours, on the
 * same order and transaction, for the same amount. A refund WeChat has paid back that we still see as PROCESSING is
 * settled through refundquery (a lost notice), and so is one WeChat holds that we saw refused; anything else that disagrees is flagged on its order for a person,
 * since a refund is money that left the merchant.
 */
export class ReconcileRefundBill {
  constructor(
    private readonly orders: OrderRepository,
    private readonly gateways: PaymentGateways,
    private readonly settle: SettleRefund,
    private readonly recorder: PaymentRecorder,
    private readonly alerts: Alerts,
    private readonly clock: Clock,
  ) {}

  async execute(billDate: string = previousBillDate(this.clock.now())): Promise<RefundBillReport> {
    if (!/^\d{8}$/.test(billDate)) throw new RangeError('billDate must be yyyyMMdd');
    const report = {
      billDate,
      available: true,
      refunds: 0,
      matched: 0,
      repaired: [] as string[],
      unknown: [] as string[],
      flagged: [] as string[],
      discrepancies: [] as string[],
    };
    const day = await forEveryMerchantBill(
      this.gateways,
      (gateway) => gateway.refundBill(billDate),
      async (merchantId, bill) => {
        report.refunds += bill.refunds.length;
        for (const billed of bill.refunds) await this.check(merchantId, billed, billDate, report);
      },
    );
    report.available = day.available;
    report.discrepancies.push(...day.discrepancies);
    if (report.discrepancies.length > 0) {
      this.alerts.raise({ kind: 'BillInconsistent', detail: { billDate, bill: 'refund', discrepancies: report.discrepancies } });
    }
    return report;
  }

  private async check(merchantId: MerchantId, billed: BilledRefund, billDate: string, report: Mutable<RefundBillReport>): Promise<void> {
    // Only this merchant's orders: another merchant's order under the same number is not the one its bill is about.
    const order = await this.orders.findByOutTradeNo(billed.outTradeNo, { merchantId });
    if (!order) {
      report.unknown.push(billed.outRefundNo);
      return;
    }
    const outcome = await this.reconcile(order, billed);
    if (outcome === 'matched') report.matched++;
    else if (outcome === 'repaired') report.repaired.push(billed.outRefundNo);
    else {
      await this.recorder.flagForReview(order, outcome.reason, this.clock.now(), { billDate, ...describe(billed) });
      if (!report.flagged.includes(billed.outTradeNo)) report.flagged.push(billed.outTradeNo);
    }
  }

  private async reconcile(order: Order, billed: BilledRefund): Promise<'matched' | 'repaired' | { readonly reason: string }> {
    const ours = order.state.refunds.find((r) => r.outRefundNo === billed.outRefundNo);
    const what = `refund ${billed.outRefundNo} (${billed.refundId}) of ${billed.amount.fen} fen`;
    if (!ours) return { reason: `WeChat's refund bill has ${what}, which this order does not hold` };
    if (order.state.transactionId !== billed.transactionId) {
      return { reason: `WeChat's refund bill has ${what} on transaction ${billed.transactionId}, not on this order's` };
    }
    if (!ours.amount.equals(billed.amount))
      return { reason: `WeChat's refund bill has ${what}; this order holds it as ${ours.amount.fen} fen` };
    // Paid back at WeChat, not here: the notice was lost. Or held by WeChat though refused here: an earlier attempt got
    // through, and its amount is not free. refundquery is the evidence that settles either, under the order's money
    // rule (refund.ts, applyRefundReport): never more paid back than was paid, and flagged when beyond it in flight.
    const paidBack = billed.status === 'SUCCESS' && ours.status !== 'SUCCESS';
    if (!paidBack && ours.status !== 'REFUSED') return 'matched';
    const settlement = await this.settle.execute(order, billed.outRefundNo);
    if (settlement.kind === 'recorded' && (!paidBack || settlement.status === 'SUCCESS')) return 'repaired';
    const billedAs = paidBack ? 'paid back' : billed.status;
    return { reason: `WeChat's refund bill has ${what} ${billedAs}; here it is ${ours.status} and refundquery did not confirm it` };
  }
}

const describe = (billed: BilledRefund): Record<string, unknown> => ({
  outRefundNo: billed.outRefundNo,
  refundId: billed.refundId,
  transactionId: billed.transactionId,
  amountFen: billed.amount.fen,
  status: billed.status,
});

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
