import type { Container } from 'inversify';
import type { MerchantIdentity, Merchants } from '../application/ports/merchant.js';
import type { NotifyVerifier } from '../application/ports/notify-verifier.js';
import type { PaymentGateway } from '../application/ports/payment-gateway.js';
import { UnknownMerchantError, type PaymentGateways } from '../application/ports/payment-gateways.js';
import type { MerchantId } from '../domain/merchant.js';
import { TOKENS } from './tokens.js';

/** A merchant account this deployment acts for, as configured. */
export interface MerchantAccount extends MerchantIdentity {
  readonly id: MerchantId;
  /** The WeChat Pay API its new prepays, queries, closes, refunds and bills use. */
  readonly apiVersion: 'v2' | 'v3';
  /**
   * Every mini-program that pays through this merchant (partner mode: the sub_appids); absent, `appId` alone. A
   * notice naming another appid is not this merchant's.
   */
  readonly appIds?: readonly string[];
}

/**
 * The configured merchants, each with its gateway and its notify verifier looked up in the container by the
 * merchant's id (named bindings of TOKENS.MerchantGateway and TOKENS.MerchantNotifyVerifier), as Medusa looks a payment
 * provider up by its id: adding a merchant is an account and its two bindings, not new wiring of the use cases.
 */
export class MerchantRegistry implements PaymentGateways, Merchants {
  readonly merchantIds: readonly MerchantId[];
  private readonly gateways = new Map<MerchantId, PaymentGateway>();

  constructor(
    private readonly container: Container,
    private readonly accounts: readonly MerchantAccount[],
  ) {
    this.merchantIds = accounts.map((a) => a.id);
  }

  forMerchant(merchantId: MerchantId): PaymentGateway {
    let gateway = this.gateways.get(merchantId);
    if (!gateway) {
      accountOf(this.accounts, merchantId);
      gateway = this.container.get(TOKENS.MerchantGateway, { name: merchantId });
      this.gateways.set(merchantId, gateway);
    }
    return gateway;
  }

  notifyVerifierOf(merchantId: MerchantId): NotifyVerifier {
    accountOf(this.accounts, merchantId);
    return this.container.get(TOKENS.MerchantNotifyVerifier, { name: merchantId });
  }

  /**
   * The merchant is its mch_id, and in partner mode the provider's sp_mchid with the merchant's sub_mch_id (one
   * provider serves many merchants); the appid must then be one of that merchant's mini-programs.
   */
  idOf(account: MerchantIdentity): MerchantId | undefined {
    return this.accounts.find(
      (a) =>
        a.mchId === account.mchId &&
        (a.subMchId ?? '') === (account.subMchId ?? '') &&
        (a.appId === account.appId || (a.appIds ?? []).includes(account.appId)),
    )?.id;
  }
}

/** The account of that merchant; throws UnknownMerchantError for a merchant not configured here. */
export function accountOf(accounts: readonly MerchantAccount[], merchantId: MerchantId): MerchantAccount {
  const account = accounts.find((a) => a.id === merchantId);
  if (!account) throw new UnknownMerchantError(merchantId);
  return account;
}
