import type { Order } from '../../domain/order.js';
import { err, ok, type Result } from '../../domain/result.js';
import { coversMerchant, PLATFORM, type ShopScope } from '../../domain/shop-scope.js';
import { changeOrder } from './compare-and-set.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { Clock } from '../ports/clock.js';
import type { OrderRepository } from '../ports/order-repository.js';

export type ResolveReviewError = { readonly kind: 'OrderNotFound' } | { readonly kind: 'NoOpenReview' };

/**
 * A person looked at an order flagged for review (money after closing, an answer of WeChat's that contradicted the
 * order, ...) and settled it outside the service (refunded by hand, fulfilled, ...): the flag is cleared and the note
 * goes to the audit log with the reason it was raised.
 */
export class ResolveReview {
  constructor(
    private readonly orders: OrderRepository,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** `scope`: the shops the actor answers for; another shop's order is not found. */
  async execute(outTradeNo: string, note: string, actor: string, scope: ShopScope = PLATFORM): Promise<Result<Order, ResolveReviewError>> {
    const order = await this.orders.findByOutTradeNo(outTradeNo);
    if (!order || !coversMerchant(scope, order.state.merchantId)) return err({ kind: 'OrderNotFound' });
    const reason = order.state.review?.reason;
    if (reason === undefined) return err({ kind: 'NoOpenReview' });
    const at = this.clock.now();
    const outcome = await changeOrder(this.orders, order, (o) => ok(o.resolveReview(at)));
    if (outcome.kind === 'vanished') return err({ kind: 'OrderNotFound' });
    if (outcome.kind !== 'changed') return err({ kind: 'NoOpenReview' });
    const merchantId = order.state.merchantId;
    await this.audit.record({ at, actor, action: 'review.resolved', subject: outTradeNo, before: { reason }, note, merchantId });
    return ok(outcome.order);
  }
}
