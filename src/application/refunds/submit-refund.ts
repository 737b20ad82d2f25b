import type { RefundReportError } from '../../domain/order-errors.js';
import type { Order } from '../../domain/order.js';
import type { Refund, RefundReport } from '../../domain/refund.js';
import type { Clock } from '../ports/clock.js';
import { GatewayUnavailableError, type GatewayRefusal, type PaymentGateway } from '../ports/payment-gateway.js';
import type { PaymentGateways } from '../ports/payment-gateways.js';
import { ConcurrentChangeError } from '../orders/compare-and-set.js';
import type { PaymentRecorder } from '../orders/payment-recorder.js';
import { describeRejection } from './settle-refund.js';

export type Submission =
  /** WeChat took the request (or answered for the refund it already holds); its answer is recorded. */
  | { readonly kind: 'accepted'; readonly order: Order }
  /**
   * WeChat refused the request. A rate limit leaves the refund PROCESSING for reconciliation to send again; any other
   * refusal, once refundquery confirms WeChat holds nothing under the number, records it REFUSED (nothing refunded,
   * its amount free) until someone asks for it again.
   */
  | { readonly kind: 'refused'; readonly order: Order; readonly refusal: GatewayRefusal }
  /** WeChat's answer contradicts the refund we asked for: nothing was recorded, the order is flagged for review. */
  | { readonly kind: 'mismatch'; readonly order: Order; readonly error: RefundReportError }
  | { readonly kind: 'vanished' };

const NO_PAID_ORDER: GatewayRefusal = {
  kind: 'rejected',
  code: 'ORDERNOTEXIST',
  message: 'WeChat knows no paid order by this number',
  category: 'request',
};

/**
 * Sends one committed refund to WeChat under its own out_refund_no and records what WeChat said. Shared by the
 * refund request and by reconciliation, which sends again what WeChat never received: the number is the same on
 * every attempt, so no sequence of timeouts, crashes and retries can refund twice. Transport failures are thrown
 * (GatewayUnavailableError) and leave the refund PROCESSING.
 */
export class SubmitRefund {
  constructor(
    private readonly gateways: PaymentGateways,
    private readonly recorder: PaymentRecorder,
    private readonly clock: Clock,
  ) {}

  /** The gateway of the order's merchant: throws UnknownMerchantError (before anything is recorded, when asked first). */
  gatewayFor(order: Order): PaymentGateway {
    return this.gateways.forMerchant(order.state.merchantId);
  }

  async execute(order: Order, refund: Refund, reason?: string): Promise<Submission> {
    const no = order.state.outTradeNo.value;
    const outcome = await this.gatewayFor(order).refund({
      outTradeNo: no,
      outRefundNo: refund.outRefundNo,
      totalFee: order.state.cash,
      refundFee: refund.amount,
      ...(reason ? { reason } : {}),
    });
    switch (outcome.kind) {
      case 'accepted':
        return this.recordAnswer(order, refund, outcome.report);
      case 'notFound':
        // We hold this order as paid; WeChat does not: a person must look at it.
        await this.recorder.flagForReview(order, `WeChat knows no paid order ${no} to refund (${refund.outRefundNo})`, this.clock.now());
        return this.recordRefusal(order, refund, NO_PAID_ORDER);
      case 'rejected':
        if (outcome.category === 'rateLimited') return { kind: 'refused', order, refusal: outcome };
        return this.recordRefusal(order, refund, outcome);
    }
  }

  private async recordAnswer(order: Order, refund: Refund, report: RefundReport): Promise<Submission> {
    let recorded;
    try {
      recorded = await this.recorder.recordRefundReport(order, report, refund.outRefundNo);
    } catch (error) {
      // WeChat took the refund: that is the answer, whatever happened to our record of it. The refund stays
      // PROCESSING, committed before WeChat was asked, and reconciliation's refundquery records it.
      if (!(error instanceof ConcurrentChangeError)) throw error;
      return { kind: 'accepted', order };
    }
    switch (recorded.kind) {
      case 'vanished':
        return recorded;
      case 'rejected':
        await this.recorder.flagForReview(
          recorded.order,
          `WeChat's refund answer contradicts refund ${refund.outRefundNo}: ${describeRejection(recorded.error)}`,
          this.clock.now(),
        );
        return { kind: 'mismatch', order: recorded.order, error: recorded.error };
      case 'changed':
      case 'unchanged':
        return { kind: 'accepted', order: recorded.order };
    }
  }

  /**
   * A refusal is taken to mean "nothing was refunded" only once refundquery confirms WeChat holds no refund under the
   * number: a retry of a refund whose first answer was lost can be refused (a rotated key, a rate limit) while WeChat
   * pays the first attempt. Unconfirmed, the refund stays PROCESSING for reconciliation.
   */
  private async recordRefusal(order: Order, refund: Refund, refusal: GatewayRefusal): Promise<Submission> {
    let held;
    try {
      held = await this.gatewayFor(order).queryRefund(refund.outRefundNo);
    } catch (error) {
      if (!(error instanceof GatewayUnavailableError)) throw error;
      return { kind: 'refused', order, refusal };
    }
    if (held.kind === 'found') return this.recordAnswer(order, refund, held.report);
    let recorded;
    try {
      recorded = await this.recorder.recordRefundRefused(order, refund.outRefundNo, this.clock.now());
    } catch (error) {
      // Unrecorded, the refund stays PROCESSING and reconciliation sends it again: the refusal is still the answer.
      if (!(error instanceof ConcurrentChangeError)) throw error;
      return { kind: 'refused', order, refusal };
    }
    if (recorded.kind === 'vanished') return recorded;
    // 'rejected' (the refund is gone from the order) cannot happen for a refund read from it; the refusal stands either way.
    return { kind: 'refused', order: recorded.order, refusal };
  }
}
