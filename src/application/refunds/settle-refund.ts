import type { RefundReportError } from '../../domain/order-errors.js';
import type { Order } from '../../domain/order.js';
import { sameRefund, type RefundReport, type RefundStatus } from '../../domain/refund.js';
import type { Clock } from '../ports/clock.js';
import type { PaymentGateways } from '../ports/payment-gateways.js';
import type { PaymentRecorder } from '../orders/payment-recorder.js';

export type RefundSettlement =
  /** WeChat's answer moved the refund (or taught us its refund_id); `status` is the refund's status now. */
  | { readonly kind: 'recorded'; readonly status: RefundStatus }
  | { readonly kind: 'unchanged'; readonly status: RefundStatus }
  /** WeChat knows no refund by that number. */
  | { readonly kind: 'notFound' }
  /** WeChat's answer names another refund than the message that prompted the query: nothing was recorded. */
  | { readonly kind: 'contradicted' }
  /** WeChat's answer disagrees with the refund we asked for: nothing changed, the order is flagged for review. */
  | { readonly kind: 'rejected'; readonly reason: RefundReportError }
  | { readonly kind: 'vanished' };

/**
 * Asks WeChat (refundquery) about one refund of an order and records the answer, which settles the refund only when
 * every identifier in it matches ours. Shared by refund notices (a notice is only a reason to ask) and reconciliation.
 */
export class SettleRefund {
  constructor(
    private readonly gateways: PaymentGateways,
    private readonly recorder: PaymentRecorder,
    private readonly clock: Clock,
  ) {}

  /**
   * `claim`: the message that prompted the query (a refund notice). WeChat's answer is recorded only when it names the
   * very refund the claim names, every identifier included; else nothing changes.
   */
  async execute(order: Order, outRefundNo: string, claim?: RefundReport): Promise<RefundSettlement> {
    const query = await this.gateways.forMerchant(order.state.merchantId).queryRefund(outRefundNo);
    if (query.kind === 'notFound') return { kind: 'notFound' };
    // An answer that contradicts our refund is WeChat's problem for a person (below); one that agrees with our refund
    // but not with the claim shows the claim false: nothing is recorded on its account.
    if (claim && !sameRefund(claim, query.report) && order.refundMatching(query.report, outRefundNo).ok) return { kind: 'contradicted' };
    const outcome = await this.recorder.recordRefundReport(order, query.report, outRefundNo);
    switch (outcome.kind) {
      case 'changed':
      case 'unchanged': {
        const status = outcome.order.state.refunds.find((r) => r.outRefundNo === outRefundNo)?.status ?? query.report.status;
        return { kind: outcome.kind === 'changed' ? 'recorded' : 'unchanged', status };
      }
      case 'vanished':
        return { kind: 'vanished' };
      case 'rejected':
        await this.recorder.flagForReview(
          outcome.order,
          `WeChat's refundquery contradicts refund ${outRefundNo}: ${describeRejection(outcome.error)}`,
          this.clock.now(),
          {
            ...outcome.error,
          },
        );
        return { kind: 'rejected', reason: outcome.error };
    }
  }
}

/** A refund report's rejection in words, for a review reason: the kind and the field that disagreed. */
export const describeRejection = (error: RefundReportError): string => ('field' in error ? `${error.kind} (${error.field})` : error.kind);
