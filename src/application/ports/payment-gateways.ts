import type { MerchantId } from '../../domain/merchant.js';
import { GatewayUnavailableError, type PaymentGateway } from './payment-gateway.js';

/**
 * The payment gateways of the merchants this service acts for, looked up by the merchant an order records (as Medusa
 * looks a payment provider up by its id): every call about an order goes to the gateway of that order's merchant.
 */
export interface PaymentGateways {
  /** The merchants configured here, each with its own gateway and its own trade bill. */
  readonly merchantIds: readonly MerchantId[];
  /** That merchant's gateway; throws UnknownMerchantError for a merchant not configured here. */
  forMerchant(merchantId: MerchantId): PaymentGateway;
  /**
   * Throws (UnknownMerchantError, MerchantUnavailableError) when the merchant takes no new order: unknown, its
   * credentials failed, or retired. Asked before a prepay opens an order (or spends coins), so that a merchant that
   * cannot sell leaves no order behind. Absent: every known merchant sells (createPrepay alone refuses).
   */
  assertSells?(merchantId: MerchantId): void;
}

/**
 * An order names a merchant this deployment holds no credentials for (taken out of the configuration, or a row written
 * by another deployment). No gateway can answer for it, so, as when WeChat is unreachable, nothing about it may change:
 * it is a GatewayUnavailableError, and every caller already leaves the order as it is.
 */
export class UnknownMerchantError extends GatewayUnavailableError {
  override readonly name = 'UnknownMerchantError';

  constructor(readonly merchantId: MerchantId) {
    super(`no payment gateway is configured for merchant '${merchantId}'`);
  }
}

/**
 * The merchant is configured but cannot be served now: its credentials did not check out (at start or at the last
 * reload), or it was removed from the configuration and takes no new orders (its existing ones stay reconcilable and
 * refundable). Nothing about an order may change through it, as when WeChat is unreachable; the HTTP answer is 503
 * naming the merchant.
 */
export class MerchantUnavailableError extends GatewayUnavailableError {
  override readonly name = 'MerchantUnavailableError';

  constructor(
    readonly merchantId: MerchantId,
    readonly why: 'credentials' | 'removed' | 'retired',
  ) {
    super(
      why === 'credentials'
        ? `merchant '${merchantId}' is unavailable: its credentials did not check out`
        : why === 'removed'
          ? `merchant '${merchantId}' was removed from the configuration: it takes no new orders`
          : `merchant '${merchantId}' is retired: it takes no new orders`,
    );
  }
}
