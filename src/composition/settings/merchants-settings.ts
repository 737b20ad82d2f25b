import type { BootstrapPolicy } from '../../adapters/wechatpay/v3/certificate-download.js';
import type { V3Credentials } from '../../adapters/wechatpay/v3/credential-check.js';
import type { CheckedCertificate } from '../../adapters/wechatpay/v2/merchant-certificate.js';
import type { MerchantId } from '../../domain/merchant.js';

/**
 * The merchants and mini-programs a deployment serves, as read from MERCHANTS_FILE (merchants-file.ts) or, without
 * one, from today's single-merchant variables (one merchant `default`, one default mini-program). What is built from
 * it (gateways, notify verifiers, health) is the same either way.
 */
export interface MerchantsSettings {
  /** Where they were read from: the file's absolute path, or the environment. */
  readonly source: { readonly kind: 'file'; readonly path: string } | { readonly kind: 'environment' };
  /** The service's public https origin: each merchant's notify URLs default to `{publicBaseUrl}/wechat/pay-notify/{id}`. */
  readonly publicBaseUrl?: string;
  readonly merchants: readonly MerchantSettings[];
  readonly miniPrograms: readonly MiniProgramSettings[];
}

/** A 服务商 (service provider): its own merchant number and appid, and the credentials its partner merchants use. */
export interface ProviderSettings {
  readonly id: string;
  readonly name: string;
  readonly spMchId: string;
  readonly spAppId: string;
}

export interface MerchantSettings {
  readonly id: MerchantId;
  readonly name: string;
  readonly mode: 'direct' | 'partner';
  /** A partner merchant's is its provider's. */
  readonly apiVersion: 'v2' | 'v3';
  /** The mini-program of a prepay that names none (partner: the sub_appid; the provider's sp_appid is `provider`'s). */
  readonly appId: string;
  /** Every mini-program that pays through it (`appId` among them). */
  readonly appIds: readonly string[];
  /** The mch_id its requests carry: a direct merchant's own, a partner merchant's provider's sp_mchid. */
  readonly mchId: string;
  /** Partner mode: the sub-merchant's sub_mch_id. */
  readonly subMchId?: string;
  readonly provider?: ProviderSettings;
  /** Given explicitly; otherwise derived from publicBaseUrl (or, in sandbox mode, the service's own URL). */
  readonly notifyUrl?: string;
  readonly refundNotifyUrl?: string;
  /** Undefined when its credentials did not check out: `problems` says why, and the merchant is unavailable. */
  readonly credentials?: MerchantCredentials;
  /** Why the merchant is unavailable (empty when it is available). */
  readonly problems: readonly string[];
  /** `"retired": true` in the file: it opens no new order, its existing ones are served (merchant-registry.ts). */
  readonly retired?: boolean;
}

/** A merchant's credentials, loaded and checked (key, certificate, CN, public key, expiry). */
export interface MerchantCredentials {
  readonly v2?: {
    readonly apiKey: string;
    readonly signType: 'MD5' | 'HMAC-SHA256';
    /** The merchant API certificate its v2 refunds are sent with. */
    readonly certificate?: CheckedCertificate;
    readonly refundsEnabled: boolean;
  };
  readonly v3?: {
    /** Undefined only for the environment's merchant in sandbox mode: the simulator's generated identity is used. */
    readonly credentials?: V3Credentials;
    readonly platformCertificates: boolean;
    readonly bootstrap: BootstrapPolicy;
  };
}

export interface MiniProgramSettings {
  readonly appId: string;
  readonly name: string;
  readonly merchantId: MerchantId;
  /** Undefined when its reference did not resolve (`problems` says why): its logins then fail. */
  readonly appSecret?: string;
  /** The seed's paths serve the default mini-program (today's WECHAT_APPID). */
  readonly default: boolean;
  /** `"retired": true` in the file: served as a removed one is (404, 401); its merchant keeps its appid for notices. */
  readonly retired?: boolean;
  readonly problems: readonly string[];
}

/** The default mini-program: exactly one is (the file's rules, and the environment's one). */
export function defaultMiniProgram(settings: MerchantsSettings): MiniProgramSettings {
  const found = settings.miniPrograms.find((m) => m.default);
  if (!found) throw new RangeError('no default mini-program');
  return found;
}

/** The secrets the settings hold as text, for the log scrubber. */
export function merchantSecrets(settings: MerchantsSettings): string[] {
  return [
    ...settings.merchants.flatMap((m) => [
      m.credentials?.v2?.apiKey,
      m.credentials?.v3?.credentials?.apiV3Key.toString('utf8'),
      m.credentials?.v2?.certificate?.tls.passphrase,
    ]),
    ...settings.miniPrograms.map((m) => m.appSecret),
  ].filter((s): s is string => s !== undefined);
}
