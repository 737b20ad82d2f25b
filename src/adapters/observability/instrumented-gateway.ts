import type { MiniProgramLogin } from '../../application/ports/mini-program-login.js';
import type { PaymentGateway } from '../../application/ports/payment-gateway.js';
import { GatewayUnavailableError } from '../../application/ports/payment-gateway.js';
import { intercept, type MethodOf } from '../port-decorator.js';
import type { Metrics } from './metrics.js';

/** The WeChat call behind each timed method, as the metric's `operation` label names it. */
const GATEWAY_OPERATIONS = {
  createPrepay: 'unifiedorder',
  queryOrder: 'orderquery',
  closeOrder: 'closeorder',
  refund: 'refund',
  queryRefund: 'refundquery',
  billedPayments: 'downloadbill',
  refundBill: 'downloadbill',
  fundFlowBill: 'downloadfundflow',
} as const satisfies Partial<Record<MethodOf<PaymentGateway>, string>>;

const LOGIN_OPERATIONS = { codeToSession: 'jscode2session' } as const satisfies Record<MethodOf<MiniProgramLogin>, string>;

/** Times every WeChat Pay call without the gateway or the use cases knowing: a decorator on the port. */
export function instrumentGateway(gateway: PaymentGateway, metrics: Metrics): PaymentGateway {
  return timeCalls(gateway, GATEWAY_OPERATIONS, metrics);
}

/** Times the login's WeChat call under the same metric. */
export function instrumentLogin(login: MiniProgramLogin, metrics: Metrics): MiniProgramLogin {
  return timeCalls(login, LOGIN_OPERATIONS, metrics);
}

function timeCalls<T extends object, K extends MethodOf<T>>(port: T, operations: Readonly<Record<K, string>>, metrics: Metrics): T {
  return intercept(port, Object.keys(operations) as K[], (method, call) => async (...args) => {
    const stop = metrics.gatewayCalls.startTimer({ operation: operations[method] });
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
