import type { PaymentGateway } from '../../../application/ports/payment-gateway.js';
import { decorate } from '../../port-decorator.js';
import { PrepayOfAnotherApiError } from '../shared/errors.js';

export type WechatPayApi = 'v2' | 'v3';

/**
 * A merchant's gateway: the one of the API version the merchant is configured for, which makes new prepays and
 * answers every query, close and refund (v3's serve v2-opened orders too, and the other way round: same merchant).
 * While the merchant moves between versions, an order may still hold a live prepay_id of the other API, which the
 * mini-program must pay with that API's paySign: a prepay the chosen API refuses as not its own
 * (PrepayOfAnotherApiError) is signed by the other API, when it is configured too. Each API knows its own prepays;
 * nothing here reads how one was signed.
 */
export function merchantGateway(apis: Readonly<Partial<Record<WechatPayApi, PaymentGateway>>>, apiVersion: WechatPayApi): PaymentGateway {
  const chosen = apis[apiVersion];
  if (!chosen) throw new Error(`WeChat Pay API ${apiVersion} is not configured`);
  const other = apis[apiVersion === 'v3' ? 'v2' : 'v3'];
  if (!other) return chosen;
  return decorate(chosen, {
    clientPayment: (prepay, appId) => {
      try {
        return chosen.clientPayment(prepay, appId);
      } catch (error) {
        if (error instanceof PrepayOfAnotherApiError) return other.clientPayment(prepay, appId);
        throw error;
      }
    },
  });
}
