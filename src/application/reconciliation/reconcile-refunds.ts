import type { Order } from '../../domain/order.js';
import type { Refund } from '../../domain/refund.js';
import type { OrderRepository } from '../ports/order-repository.js';
import { GatewayUnavailableError } from '../ports/payment-gateway.js';
import { noteProblem, type ReconcileProblem } from './reconcile-problems.js';
import type { SettleRefund } from '../refunds/settle-refund.js';
import type { SubmitRefund } from '../refunds/submit-refund.js';

/** Orders looked at per run; the next run continues. */
const BATCH_SIZE = 100;

export interface RefundsReport {
  /** Refunds WeChat has since settled (SUCCESS, closed or abnormal), now recorded. */
  refundsSettled: number;
  /** Refunds WeChat never received (a timeout, a crash, a rate limit), sent again under their own numbers. */
  refundsResubmitted: number;
  refundErrors: number;
  refundProblems: ReconcileProblem[];
}

/**
 * Asks WeChat about every refund it has not settled yet and records the answers (refund notices can be lost too).
 * A refund WeChat has never heard of was committed here but never reached it: it is sent again, under the same
 * out_refund_no, so the refund the operator asked for happens once and only once.
 */
export class ReconcileRefunds {
  constructor(
    private readonly orders: OrderRepository,
    private readonly settle: SettleRefund,
    private readonly submit: SubmitRefund,
  ) {}

  async execute(signal?: AbortSignal): Promise<RefundsReport> {
    const report: RefundsReport = { refundsSettled: 0, refundsResubmitted: 0, refundErrors: 0, refundProblems: [] };
    for (const order of await this.orders.listRefundsUnsettled(BATCH_SIZE)) {
      for (const refund of order.state.refunds.filter((r) => r.status === 'PROCESSING' || r.status === 'ABNORMAL')) {
        if (signal?.aborted) return report;
        try {
          const problem = await this.reconcile(order, refund, report);
          if (problem !== undefined) this.fail(report, refund, problem);
        } catch (error) {
          if (!(error instanceof GatewayUnavailableError)) throw error;
          this.fail(report, refund, error);
        }
      }
    }
    return report;
  }

  /** Settles or resubmits one refund; returns why it could not, when it could not. */
  private async reconcile(order: Order, refund: Refund, report: RefundsReport): Promise<string | undefined> {
    // A stale copy is fine: the recorder's compare-and-set re-reads the order when an earlier refund moved it.
    const settlement = await this.settle.execute(order, refund.outRefundNo);
    if (settlement.kind === 'recorded' && settlement.status !== 'PROCESSING') report.refundsSettled++;
    if (settlement.kind !== 'notFound') return undefined;
    // WeChat accepted it once (it named a refund_id) and now knows none: never send it again blindly.
    if (refund.refundId !== undefined) return `WeChat knows no refund by this number, though it accepted it as ${refund.refundId}`;
    const submitted = await this.submit.execute(order, refund);
    switch (submitted.kind) {
      case 'accepted':
        report.refundsResubmitted++;
        return undefined;
      case 'refused':
        return `sent again, WeChat refused it: ${submitted.refusal.code} ${submitted.refusal.message}`;
      case 'mismatch': // flagged for review, like a contradicting refundquery: a person decides, not the next run
      case 'vanished':
        return undefined;
    }
  }

  private fail(report: RefundsReport, refund: Refund, cause: unknown): void {
    report.refundErrors++;
    noteProblem(report.refundProblems, 'refunds', refund.outRefundNo, cause);
  }
}
