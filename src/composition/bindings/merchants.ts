import type { Container } from 'inversify';
import type { PaymentGateway } from '../../application/ports/payment-gateway.js';
import type { NotifyVerifier } from '../../application/ports/notify-verifier.js';
import { anyMerchantVerifier } from '../../adapters/merchants/any-merchant-verifier.js';
import { DEFAULT_MERCHANT_ID } from '../../domain/merchant.js';
import type { Config } from '../config.js';
import { MerchantRegistry, type MerchantAccount } from '../merchant-registry.js';
import { TOKENS } from '../tokens.js';

/**
 * The merchants and the registry the use cases ask for a merchant's gateway. The environment configures one merchant,
 * registered as `default` (every order from before merchants existed is its): its account, and its gateway and notify
 * verifier as bindWechatPay builds them. Another merchant is another account with its two named bindings.
 */
export function bindMerchants(c: Container, config: Config): void {
  const accounts: readonly MerchantAccount[] = [
    { id: DEFAULT_MERCHANT_ID, appId: config.wechat.appId, mchId: config.wechat.mchId, apiVersion: config.apiVersion },
  ];
  c.bind(TOKENS.MerchantAccounts).toConstantValue(accounts);
  c.bind(TOKENS.MerchantGateway)
    .toResolvedValue((gateway: PaymentGateway) => gateway, [TOKENS.PaymentGateway])
    .whenNamed(DEFAULT_MERCHANT_ID);
  c.bind(TOKENS.MerchantRegistry).toResolvedValue(
    (registered: readonly MerchantAccount[]) => new MerchantRegistry(c, registered),
    [TOKENS.MerchantAccounts],
  );
  c.bind(TOKENS.PaymentGateways).toResolvedValue((registry: MerchantRegistry) => registry, [TOKENS.MerchantRegistry]);
  c.bind(TOKENS.Merchants).toResolvedValue((registry: MerchantRegistry) => registry, [TOKENS.MerchantRegistry]);
  c.bind(TOKENS.NotifyVerifier).toResolvedValue(
    (registry: MerchantRegistry): NotifyVerifier => anyMerchantVerifier(registry.merchantIds.map((id) => registry.notifyVerifierOf(id))),
    [TOKENS.MerchantRegistry],
  );
}
