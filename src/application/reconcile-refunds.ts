import type { OrderRepository } from './ports/order-repository.js';
import { GatewayUnavailableError } from './ports/payment-gateway.js';
import type { SettleRefund } from './settle-refund.js';

/** Orders looked at per run; the next run continues. */
const BATCH_SIZE = 100;

export interface RefundsReport {
  /** Refunds WeChat has since settled (SUCCESS, closed or abnormal), now recorded. */
  refundsSettled: number;
  refundErrors: number;
}

/** Asks WeChat about every refund it has not settled yet and records the answers (refund notices can be lost too). */
export class ReconcileRefunds {
  constructor(
    private readonly orders: OrderRepository,
    private readonly settle: SettleRefund,
  ) {}

  async execute(signal?: AbortSignal): Promise<RefundsReport> {
    const report: RefundsReport = { refundsSettled: 0, refundErrors: 0 };
    for (const order of await this.orders.listRefundsUnsettled(BATCH_SIZE)) {
      for (const refund of order.state.refunds.filter((r) => r.status === 'PROCESSING' || r.status === 'ABNORMAL')) {
        if (signal?.aborted) return report;
        try {
          // A stale copy is fine: the recorder's compare-and-set re-reads the order when an earlier refund moved it.
          const settlement = await this.settle.execute(order, refund.outRefundNo);
          if (settlement.kind === 'recorded' && settlement.status !== 'PROCESSING') report.refundsSettled++;
        } catch (error) {
          if (!(error instanceof GatewayUnavailableError)) throw error;
          report.refundErrors++;
        }
      }
    }
    return report;
  }
}
