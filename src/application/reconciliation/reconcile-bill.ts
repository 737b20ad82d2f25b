import { formatBeijingCompact } from '../../domain/beijing-time.js';
import type { ConfirmOrder } from '../payments/confirm-order.js';
import type { Alerts } from '../ports/alerts.js';
import type { Clock } from '../ports/clock.js';
import type { OrderRepository } from '../ports/order-repository.js';
import type { MerchantId } from '../../domain/merchant.js';
import type { BilledPayment } from '../ports/payment-gateway.js';
import type { PaymentGateways } from '../ports/payment-gateways.js';
import { forEveryMerchantBill } from './every-merchant-bill.js';

export interface BillReport {
  readonly billDate: string;
  /** false when WeChat has no bill for the day yet. */
  readonly available: boolean;
  readonly payments: number;
  /** Already recorded exactly as billed. */
  readonly matched: number;
  /** Paid at WeChat but not SUCC here: confirmed with orderquery and recorded now. */
  readonly repaired: string[];
  /** Billed but unknown here (another system on the same merchant account?): for a person to look at. */
  readonly unknown: string[];
  /**
   * The same payments, each with the merchant whose bill it came from: an out_trade_no is unique per merchant only,
   * and the person who looks at it must know in which merchant account (商户平台) to look.
   */
  readonly unknownPayments: UnknownPayment[];
  /** Still not SUCC after asking WeChat, or recorded with another transaction: for a person to look at. */
  readonly mismatched: string[];
  /** Where the bill's own summary disagrees with its rows: the day cannot be called clean (alerted). */
  readonly discrepancies: string[];
}

/** A payment WeChat billed to one of our merchants that matches no order of that merchant here. */
export interface UnknownPayment {
  readonly merchantId: MerchantId;
  readonly outTradeNo: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The Beijing date before `now`, as WeChat names bills. */
export const previousBillDate = (now: Date): string => formatBeijingCompact(new Date(now.getTime() - DAY_MS)).slice(0, 8);

/**
 * T+1 reconciliation against WeChat's trade bill (对账单): every payment WeChat billed must be SUCC here with the same
 * transaction. A billed payment we missed is confirmed with orderquery and recorded through the usual path, so a
 * payment WeChat took is never lost even if every notify and every earlier query failed.
 */
export class ReconcileBill {
  constructor(
    private readonly orders: OrderRepository,
    private readonly gateways: PaymentGateways,
    private readonly confirm: ConfirmOrder,
    private readonly alerts: Alerts,
    private readonly clock: Clock,
  ) {}

  async execute(billDate: string = previousBillDate(this.clock.now())): Promise<BillReport> {
    if (!/^\d{8}$/.test(billDate)) throw new RangeError('billDate must be yyyyMMdd');
    const report = {
      billDate,
      available: true,
      payments: 0,
      matched: 0,
      repaired: [] as string[],
      unknown: [] as string[],
      unknownPayments: [] as UnknownPayment[],
      mismatched: [] as string[],
      discrepancies: [] as string[],
    };
    const day = await forEveryMerchantBill(
      this.gateways,
      (gateway) => gateway.billedPayments(billDate),
      async (merchantId, bill) => {
        report.payments += bill.payments.length;
        for (const payment of bill.payments) await this.check(merchantId, payment, report);
      },
    );
    report.available = day.available;
    report.discrepancies.push(...day.discrepancies);
    if (report.discrepancies.length > 0) {
      this.alerts.raise({ kind: 'BillInconsistent', detail: { billDate, discrepancies: report.discrepancies } });
    }
    return report;
  }

  private async check(merchantId: MerchantId, payment: BilledPayment, report: Mutable<BillReport>): Promise<void> {
    // Only this merchant's orders: another merchant's order under the same number is not the one its bill is about.
    const order = await this.orders.findByOutTradeNo(payment.outTradeNo, { merchantId });
    if (!order) {
      report.unknown.push(payment.outTradeNo);
      report.unknownPayments.push({ merchantId, outTradeNo: payment.outTradeNo });
    } else if (order.isPaid && order.state.transactionId === payment.transactionId) {
      report.matched++;
    } else {
      const confirmation = await this.confirm.execute(order);
      const repaired = confirmation.kind === 'recorded' && confirmation.transactionId === payment.transactionId;
      (repaired ? report.repaired : report.mismatched).push(payment.outTradeNo);
    }
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
