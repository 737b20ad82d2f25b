import { EVERY_SHOP, type OrderRepository, type PaymentFacts } from '../../application/ports/order-repository.js';
import { decorate } from '../port-decorator.js';
import { TtlCache } from './ttl-cache.js';

/**
 * The payment facts of paid orders, kept in memory: what a duplicate notify is checked against (merchant, amount,
 * the prepay's sign type, the recorded transaction), none of which changes once an order is paid (Order.confirmPaid
 * sets the transaction once; a paid order gets no new prepay). WeChat's retries of a recorded payment are then
 * answered without a database round trip, with exactly the checks a read would make. Facts of an unpaid order are
 * never kept: they change when it is paid, and the first notice must read them. Entries live 10 minutes (an order
 * deleted by hand, or a database restored from a backup, is seen again within that), at most 10,000 of them.
 */
export function cachedPaymentFacts(orders: OrderRepository, ttlMs = 600_000, nowMs?: () => number): OrderRepository {
  const paid = new TtlCache<string, PaymentFacts | undefined>(ttlMs, 10_000, nowMs);
  return decorate(orders, {
    findPaymentFacts: (outTradeNo, scope) =>
      // Kept for lookups across every shop (the notify's); a lookup within one shop asks the repository.
      scope !== undefined && scope !== EVERY_SHOP
        ? orders.findPaymentFacts(outTradeNo, scope)
        : paid.get(
            outTradeNo,
            () => orders.findPaymentFacts(outTradeNo),
            (facts) => facts?.transactionId !== undefined,
          ),
  });
}
