import type { GatewayRefusal, PaymentGateway } from '../../application/ports/payment-gateway.js';
import { decorate } from '../port-decorator.js';

const DISABLED: GatewayRefusal = {
  kind: 'rejected',
  code: 'REFUNDS_DISABLED',
  message: 'refunds are disabled on this server (WECHAT_REFUNDS=disabled: no merchant API certificate is configured)',
  category: 'configuration',
};

/**
 * WECHAT_REFUNDS=disabled: a v2 merchant running without its API certificate. A refund is refused here, at once and
 * as a configuration problem, rather than sent without the certificate WeChat requires.
 */
export function withRefundsDisabled(gateway: PaymentGateway): PaymentGateway {
  return decorate(gateway, { refund: () => Promise.resolve(DISABLED) });
}
