import type { Money } from '../domain/money.js';
import type { Order, OrderError } from '../domain/order.js';
import { err, ok, type Result } from '../domain/result.js';
import type { Clock } from './ports/clock.js';
import type { OrderRepository } from './ports/order-repository.js';
import type { PaymentRecorder } from './payment-recorder.js';
import type { PaymentGateway } from './ports/payment-gateway.js';

export type RefundError =
  | { readonly kind: 'OrderNotFound' }
  | { readonly kind: 'Rejected'; readonly error: OrderError }
  | { readonly kind: 'GatewayRejected'; readonly code: string; readonly message: string }
  /** Another writer changed the order meanwhile; nothing was sent; ask again. */
  | { readonly kind: 'Conflict' };

export interface RefundAccepted {
  readonly outRefundNo: string;
  readonly amountFen: number;
  /** WeChat has already confirmed it and the order is REFUND. */
  readonly completed: boolean;
}

const MAX_ROUNDS = 3;

/**
 * Refunds a paid order (all of it unless an amount is given). The refund request is committed before WeChat hears of
 * it, and a retry sends the very same out_refund_no, so no sequence of timeouts and retries can refund twice. The
 * order moves SUCC → REFUND only when WeChat confirms (refund notice or refundquery), never on acceptance.
 */
export class RefundOrder {
  constructor(
    private readonly orders: OrderRepository,
    private readonly gateway: PaymentGateway,
    private readonly recorder: PaymentRecorder,
    private readonly clock: Clock,
  ) {}

  async execute(outTradeNo: string, amount?: Money): Promise<Result<RefundAccepted, RefundError>> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const order = await this.orders.findByOutTradeNo(outTradeNo);
      if (!order) return err({ kind: 'OrderNotFound' });
      if (order.status === 'REFUND' && order.state.refund) return ok(accepted(order, true));
      if (order.state.cash.isZero()) return this.refundCoinsOnly(order);
      const requested = order.requestRefund(amount ?? order.state.cash, this.clock.now());
      if (!requested.ok) return err({ kind: 'Rejected', error: requested.error });
      if (requested.value === 'changed' && (await this.orders.update(order)) === 'stale') continue;
      const refund = order.state.refund;
      if (!refund) throw new Error(`order ${outTradeNo}: refund requested but not recorded`);

      const outcome = await this.gateway.refund({
        outTradeNo,
        outRefundNo: refund.outRefundNo,
        totalFee: order.state.cash,
        refundFee: refund.amount,
      });
      if (outcome.kind === 'accepted') return ok(accepted(order, false));
      // The request stays PROCESSING: reconciliation's refundquery settles what WeChat did with it.
      if (outcome.kind === 'notFound') return err({ kind: 'GatewayRejected', code: 'ORDERNOTEXIST', message: 'WeChat knows no paid order by this number' });
      return err({ kind: 'GatewayRejected', code: outcome.code, message: outcome.message });
    }
    return err({ kind: 'Conflict' });
  }

  /** Nothing was paid in cash: the coins go back and the order is refunded without WeChat. */
  private async refundCoinsOnly(order: Order): Promise<Result<RefundAccepted, RefundError>> {
    const outcome = await this.recorder.recordCashless(order, 'refunded', this.clock.now());
    if (outcome.kind === 'rejected') return err({ kind: 'Rejected', error: outcome.error });
    if (outcome.kind === 'orderVanished') return err({ kind: 'OrderNotFound' });
    return ok({ outRefundNo: '', amountFen: 0, completed: true });
  }
}

const accepted = (order: Order, completed: boolean): RefundAccepted => ({
  outRefundNo: order.state.refund?.outRefundNo ?? '',
  amountFen: order.state.refund?.amount.fen ?? 0,
  completed,
});
