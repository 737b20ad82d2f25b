import type { Order } from '../../domain/order.js';
import { isPrepayAlive } from '../../domain/prepay.js';
import { ok } from '../../domain/result.js';
import { changeOrder } from '../orders/compare-and-set.js';
import type { ConfirmOrder } from './confirm-order.js';
import type { Clock } from '../ports/clock.js';
import type { OrderRepository } from '../ports/order-repository.js';
import { GatewayUnavailableError } from '../ports/payment-gateway.js';
import type { PaymentGateways } from '../ports/payment-gateways.js';

export type Superseded =
  /** The key's open slot is free for a new order. */
  | 'superseded'
  /** WeChat says the order is paid (now recorded): it must not be replaced. */
  | 'paid'
  /** Another writer changed the order first; look again. */
  | 'lost';

/**
 * Frees the key's open slot held by an order that can no longer be reused (price changed, too old, parameters
 * refused), so a new order can take it. While its prepay_id is alive the old order could still be paid at its old
 * price, so it is closed at WeChat first; when WeChat will not close it yet (within 5 minutes of creation, or
 * unreachable), it is superseded anyway and a payment that still arrives is recorded and flagged for review.
 */
export class SupersedeOrder {
  constructor(
    private readonly orders: OrderRepository,
    private readonly gateways: PaymentGateways,
    private readonly confirm: ConfirmOrder,
    private readonly clock: Clock,
  ) {}

  async execute(order: Order): Promise<Superseded> {
    if (order.status === 'CHECKED' && isPrepayAlive(order.state.prepay, this.clock.now())) {
      const closed = await this.closeAtWechat(order);
      if (closed !== 'open') return closed;
    }
    const outcome = await changeOrder(this.orders, order, (o) => ok(o.supersede(this.clock.now())));
    return outcome.kind === 'vanished' || outcome.kind === 'rejected' ? 'lost' : 'superseded';
  }

  private async closeAtWechat(order: Order): Promise<Superseded | 'open'> {
    let answer;
    try {
      answer = await this.gateways.forMerchant(order.state.merchantId).closeOrder(order.state.outTradeNo.value);
    } catch (error) {
      if (error instanceof GatewayUnavailableError) return 'open';
      throw error;
    }
    const confirmation = answer === 'alreadyPaid' ? await this.confirm.execute(order) : await this.confirm.recordFailure(order, 'CLOSED');
    if (confirmation.kind === 'recorded' || confirmation.kind === 'duplicate') return 'paid';
    return confirmation.kind === 'failed' ? 'superseded' : 'open';
  }
}
