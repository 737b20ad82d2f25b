import type { Order } from '../../domain/order.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { ConfirmOrder } from './confirm-order.js';
import type { Clock } from '../ports/clock.js';
import { EVERY_SHOP, type OrderRepository } from '../ports/order-repository.js';
import { GatewayUnavailableError } from '../ports/payment-gateway.js';

export type OrderStatusError = { readonly kind: 'OrderNotFound' } | { readonly kind: 'NotOwner' };

/** One orderquery per order per this interval, however often a client polls. */
const QUERY_INTERVAL_MS = 3_000;
/** Bounds the rate limiter's memory: polls are short-lived, old entries are useless. */
const MAX_TRACKED = 10_000;

/**
 * What the mini-program polls after wx.requestPayment. The client's "success" proves nothing, so an unpaid order with
 * a prepay is checked with WeChat (rate-limited) before answering: the user sees SUCC as soon as WeChat has it, even
 * if the notify is late or lost.
 */
export class GetOrderStatus {
  private readonly lastQueried = new Map<string, number>();

  constructor(
    private readonly orders: OrderRepository,
    private readonly confirm: ConfirmOrder,
    private readonly clock: Clock,
  ) {}

  /** `appId`: the mini-program asking (absent: any); another mini-program's order is not found. */
  async execute(uid: number, outTradeNo: string, appId?: string): Promise<Result<Order, OrderStatusError>> {
    const scope = appId === undefined ? EVERY_SHOP : { appId };
    const order = await this.orders.findByOutTradeNo(outTradeNo, scope);
    if (!order) return err({ kind: 'OrderNotFound' });
    if (order.state.uid !== uid) return err({ kind: 'NotOwner' });
    if (order.status !== 'CHECKED' || !order.state.prepay || !this.mayQuery(outTradeNo)) return ok(order);
    try {
      await this.confirm.execute(order);
    } catch (error) {
      // WeChat unreachable: the stored status is still the truth we have; the notify or the reconciler will catch up.
      if (!(error instanceof GatewayUnavailableError)) throw error;
    }
    return ok((await this.orders.findByOutTradeNo(outTradeNo, scope)) ?? order);
  }

  private mayQuery(outTradeNo: string): boolean {
    const now = this.clock.now().getTime();
    const last = this.lastQueried.get(outTradeNo);
    if (last !== undefined && now - last < QUERY_INTERVAL_MS) return false;
    if (this.lastQueried.size >= MAX_TRACKED) this.lastQueried.clear();
    this.lastQueried.set(outTradeNo, now);
    return true;
  }
}
