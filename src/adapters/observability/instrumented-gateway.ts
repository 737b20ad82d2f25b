import type { PaymentGateway } from '../../application/ports/payment-gateway.js';
import { GatewayUnavailableError } from '../../application/ports/payment-gateway.js';
import type { Metrics } from './metrics.js';

/** Times every WeChat call without the gateway or the use cases knowing: a decorator on the port. */
export function instrumentGateway(gateway: PaymentGateway, metrics: Metrics): PaymentGateway {
  const timed =
    <A extends unknown[], R>(operation: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const stop = metrics.gatewayCalls.startTimer({ operation });
      try {
        const result = await call(...args);
        stop({ outcome: 'ok' });
        return result;
      } catch (error) {
        stop({ outcome: error instanceof GatewayUnavailableError ? 'unavailable' : 'error' });
        throw error;
      }
    };
  return {
    createPrepay: timed('unifiedorder', (r) => gateway.createPrepay(r)),
    queryOrder: timed('orderquery', (no) => gateway.queryOrder(no)),
    closeOrder: timed('closeorder', (no) => gateway.closeOrder(no)),
    refund: timed('refund', (r) => gateway.refund(r)),
    queryRefund: timed('refundquery', (no) => gateway.queryRefund(no)),
    billedPayments: timed('downloadbill', (date) => gateway.billedPayments(date)),
    codeToSession: timed('jscode2session', (code) => gateway.codeToSession(code)),
    clientPaymentParams: (prepay) => gateway.clientPaymentParams(prepay),
  };
}
