import type { Order, OrderStatus } from '../domain/order.js';
import type { Clock } from './ports/clock.js';
import type { OrderRepository } from './ports/order-repository.js';
import type { PaymentGateway } from './ports/payment-gateway.js';
import type { PaymentRecorder } from './payment-recorder.js';

/**
 * Asks WeChat (orderquery) what became of an order and applies the answer: paid → SUCC, closed or failed → FAILED,
 * not paid yet → unchanged. An unknown answer is thrown by the gateway and changes nothing.
 */
export class ConfirmOrder {
  constructor(
    private readonly orders: OrderRepository,
    private readonly gateway: PaymentGateway,
    private readonly recorder: PaymentRecorder,
    private readonly clock: Clock,
  ) {}

  async execute(order: Order): Promise<OrderStatus> {
    const no = order.state.outTradeNo.value;
    const trade = await this.gateway.queryOrder(no);
    if (trade.kind === 'paid') await this.recorder.recordPayment(order, trade, this.clock.now());
    if (trade.kind === 'failed') await this.recorder.recordFailure(order, trade.reason, this.clock.now());
    return (await this.orders.findByOutTradeNo(no))?.status ?? order.status;
  }
}
