import { GatewayUnavailableError } from '../../../application/ports/payment-gateway.js';

/**
 * WeChat answered (a signed business refusal, or a return_code FAIL) with something the calling operation cannot
 * turn into an outcome, e.g. closeorder refused within 5 minutes. Nothing is known about the order, so it is a
 * GatewayUnavailableError for the use cases; `code` is WeChat's err_code ('FAIL' for return_code FAIL).
 */
export class WechatAnswerError extends GatewayUnavailableError {
  constructor(
    readonly code: string,
    readonly wechatMessage: string,
    context: string,
  ) {
    super(`${context}: WeChat answered ${code} ${wechatMessage}`.trim());
  }
}

/** A response that fails verification (signature, merchant, shape): never trusted, never retried into trust. */
export class UntrustedResponseError extends GatewayUnavailableError {}

/**
 * A prepay this API did not make (the other API's, while a merchant moves between versions): only the API that made a
 * prepay_id can sign the mini-program's payment for it, so this API refuses rather than sign something WeChat rejects.
 */
export class PrepayOfAnotherApiError extends RangeError {
  override readonly name = 'PrepayOfAnotherApiError';
}
