import type { PaymentGateway } from '../../../application/ports/payment-gateway.js';
import { decorate } from '../../port-decorator.js';

/**
 * After the switch to v3, an order opened on v2 may still hold a live v2 prepay_id, which the mini-program must pay
 * with a v2 paySign (MD5 / HMAC-SHA256 over the v2 key); new prepays are made by `primary`. Everything but
 * clientPayment goes to `primary`: v3's query, close and refund serve v2-opened orders too (same merchant).
 * The same holds the other way round for a rollback to v2 while v3 prepays are still alive.
 */
export function withLegacyPaySign(
  primary: PaymentGateway,
  legacy: PaymentGateway,
  primaryMade: (signType: string) => boolean,
): PaymentGateway {
  return decorate(primary, {
    clientPayment: (prepay) => (primaryMade(prepay.signType) ? primary : legacy).clientPayment(prepay),
  });
}
