import type { MerchantId } from '../../domain/merchant.js';
import type { Order } from '../../domain/order.js';
import { payableUntil } from '../../domain/order-reuse.js';
import type { Goods } from '../../domain/goods.js';
import { isPrepayUsable } from '../../domain/prepay.js';
import { changeOrder } from '../orders/compare-and-set.js';
import type { ConfirmOrder } from './confirm-order.js';
import type { Clock } from '../ports/clock.js';
import type { OrderRepository } from '../ports/order-repository.js';
import type { ClientPayment, GatewayRefusal } from '../ports/payment-gateway.js';
import type { PaymentGateways } from '../ports/payment-gateways.js';
import type { User } from '../ports/user-repository.js';
import type { SupersedeOrder } from './supersede-order.js';

export type Issued =
  | { readonly kind: 'clientPayment'; readonly clientPayment: ClientPayment }
  /** WeChat says the order is paid (now recorded). */
  | { readonly kind: 'alreadyPaid' }
  /**
   * This order cannot give the user a usable prepay_id (closed, parameters refused, too little life left): it gave
   * up the key's open slot, so the next attempt opens a new order.
   */
  | { readonly kind: 'replaced' }
  | GatewayRefusal;

/**
 * How the payer's client pays an open order: its prepay_id while it has a payment window of life left,
 * else a fresh unifiedorder with the same parameters. WeChat answers a still-living prepay_id with the same id,
 * which keeps its first expiry; when that is too short, the order is replaced rather than handed out to die in the
 * cashier.
 */
export class IssuePrepay {
  constructor(
    private readonly gateways: PaymentGateways,
    private readonly orders: OrderRepository,
    private readonly confirm: ConfirmOrder,
    private readonly supersede: SupersedeOrder,
    private readonly clock: Clock,
  ) {}

  /** Throws when the merchant takes no new order (see PaymentGateways.assertSells): asked before an order is opened. */
  assertSells(merchantId: MerchantId): void {
    this.gateways.assertSells?.(merchantId);
  }

  async execute(order: Order, goods: Goods, user: User, clientIp: string): Promise<Issued> {
    if (isPrepayUsable(order.state.prepay, this.clock.now())) return this.paramsFor(order);
    const outcome = await this.gateways.forMerchant(order.state.merchantId).createPrepay({
      outTradeNo: order.state.outTradeNo.value,
      description: goods.name,
      amount: order.state.cash,
      openid: user.openid,
      appId: order.state.appId,
      clientIp,
      payableUntil: payableUntil(order, goods),
    });
    switch (outcome.kind) {
      case 'created': {
        const attached = await changeOrder(this.orders, order, (o) => o.attachPrepay(outcome.prepay, this.clock.now()));
        if (attached.kind === 'changed' || attached.kind === 'unchanged') return this.paramsFor(attached.order);
        // Paid or closed meanwhile (a notify, the reconciler), or gone.
        if (attached.kind === 'rejected' && attached.order.isPaid) return { kind: 'alreadyPaid' };
        return attached.kind === 'vanished' ? { kind: 'replaced' } : this.replace(attached.order);
      }
      case 'alreadyPaid': {
        const confirmation = await this.confirm.execute(order);
        return confirmation.kind === 'recorded' || confirmation.kind === 'duplicate' ? { kind: 'alreadyPaid' } : this.replace(order);
      }
      case 'closed':
        await this.confirm.execute(order);
        return this.replace(order);
      case 'parametersChanged':
        return this.replace(order);
      case 'rejected':
        return outcome;
    }
  }

  private async paramsFor(order: Order): Promise<Issued> {
    const prepay = order.state.prepay;
    if (!isPrepayUsable(prepay, this.clock.now())) return this.replace(order);
    // Signed over the order's mini-program: the payer pays in it.
    const clientPayment = this.gateways.forMerchant(order.state.merchantId).clientPayment(prepay, order.state.appId);
    return { kind: 'clientPayment', clientPayment };
  }

  private async replace(order: Order): Promise<Issued> {
    return (await this.supersede.execute(order)) === 'paid' ? { kind: 'alreadyPaid' } : { kind: 'replaced' };
  }
}
