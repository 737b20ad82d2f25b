import type { PaymentGateway } from '../../application/ports/payment-gateway.js';
import { GatewayUnavailableError } from '../../application/ports/payment-gateway.js';
import { intercept, type MethodOf } from '../port-decorator.js';
import type { Metrics } from './metrics.js';

/** The WeChat call behind each timed method, as the metric's `operation` label names it. */
const OPERATIONS = {
  createPrepay: 'unifiedorder',
  queryOrder: 'orderquery',
  closeOrder: 'closeorder',
  refund: 'refund',
  queryRefund: 'refundquery',
  billedPayments: 'downloadbill',
  codeToSession: 'jscode2session',
} as const satisfies Partial<Record<MethodOf<PaymentGateway>, string>>;

/** Times every WeChat call without the gateway or the use cases knowing: a decorator on the port. */
export function instrumentGateway(gateway: PaymentGateway, metrics: Metrics): PaymentGateway {
  const methods = Object.keys(OPERATIONS) as (keyof typeof OPERATIONS)[];
  return intercept(gateway, methods, (method, call) => async (...args) => {
    const stop = metrics.gatewayCalls.startTimer({ operation: OPERATIONS[method] });
    try {
      const result = await call(...args);
      stop({ outcome: 'ok' });
      return result;
    } catch (error) {
      stop({ outcome: error instanceof GatewayUnavailableError ? 'unavailable' : 'error' });
      throw error;
    }
  });
}
