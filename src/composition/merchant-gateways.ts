import type { Clock } from '../application/ports/clock.js';
import type { NotifyVerifier } from '../application/ports/notify-verifier.js';
import type { PaymentGateway } from '../application/ports/payment-gateway.js';
import { instrumentGateway } from '../adapters/observability/instrumented-gateway.js';
import type { Metrics } from '../adapters/observability/metrics.js';
import { DialectNotifyVerifier } from '../adapters/wechatpay/migration/dialect-notify-verifier.js';
import { merchantGateway } from '../adapters/wechatpay/migration/merchant-gateway.js';
import { withRefundsDisabled } from '../adapters/wechatpay/refunds-disabled.js';
import type { PartnerMode } from '../adapters/wechatpay/shared/partner.js';
import type { ClientCertificate } from '../adapters/wechatpay/v2/client.js';
import { WechatPayV2Gateway } from '../adapters/wechatpay/v2/gateway.js';
import { WechatPayV2NotifyVerifier } from '../adapters/wechatpay/v2/notify-verifier.js';
import type { BootstrapPolicy } from '../adapters/wechatpay/v3/certificate-download.js';
import type { V3Credentials } from '../adapters/wechatpay/v3/credential-check.js';
import { WechatPayV3Gateway } from '../adapters/wechatpay/v3/gateway.js';
import { WechatPayV3NotifyVerifier } from '../adapters/wechatpay/v3/notify-verifier.js';
import { V3Trust } from '../adapters/wechatpay/v3/trust.js';
import type { Resources } from './resources.js';

/** Three attempts of 4 s stay inside the prepay lock's lease; a notify's orderquery that slow is retried by WeChat. */
export const TIMEOUT_MS = 4_000;

/** One merchant as its gateways and verifiers are built: the environment's, or one of the merchants file's. */
export interface MerchantWiring {
  /** Direct: its default mini-program. Partner: the provider's sp_appid. */
  readonly appId: string;
  /** Direct: its own. Partner: the provider's sp_mchid. */
  readonly mchId: string;
  readonly partner?: PartnerMode;
  /** Its other mini-programs. */
  readonly appIds?: readonly string[];
  readonly notifyUrl: string;
  readonly refundNotifyUrl?: string;
  readonly baseUrl: string;
  readonly serverIp?: string;
  readonly v2?: { readonly apiKey: string; readonly signType: 'MD5' | 'HMAC-SHA256'; readonly tls?: ClientCertificate };
  readonly v3?: { readonly credentials: V3Credentials; readonly platformCertificates: boolean; readonly bootstrap: BootstrapPolicy };
  /** Partner merchants of one provider share its trust (one platform-certificate set, refreshed once). */
  readonly trust?: V3Trust;
}

export interface MerchantParts {
  readonly v2?: { readonly gateway: WechatPayV2Gateway; readonly verifier: NotifyVerifier };
  readonly v3?: { readonly gateway: WechatPayV3Gateway; readonly verifier: NotifyVerifier; readonly trust: V3Trust };
}

/** Each API whose credentials the merchant has: its gateway and its notify verifier. */
export function buildMerchantParts(w: MerchantWiring, resources: Resources, clock: Clock): MerchantParts {
  const common = {
    appId: w.appId,
    mchId: w.mchId,
    ...(w.partner ? { partner: w.partner } : {}),
    ...(w.appIds && w.appIds.length > 0 ? { appIds: w.appIds } : {}),
    notifyUrl: w.notifyUrl,
    ...(w.refundNotifyUrl ? { refundNotifyUrl: w.refundNotifyUrl } : {}),
    baseUrl: w.baseUrl,
    timeoutMs: TIMEOUT_MS,
  };
  const identity = {
    appId: w.appId,
    mchId: w.mchId,
    ...(w.partner ? { partner: w.partner } : {}),
    ...(w.appIds ? { appIds: w.appIds } : {}),
  };
  const v2 = w.v2
    ? {
        gateway: new WechatPayV2Gateway(
          {
            ...common,
            apiKey: w.v2.apiKey,
            signType: w.v2.signType,
            ...(w.serverIp ? { spbillCreateIp: w.serverIp } : {}),
            ...(w.v2.tls ? { tls: w.v2.tls } : {}),
          },
          { clock },
        ),
        verifier: new WechatPayV2NotifyVerifier({ ...identity, apiKey: w.v2.apiKey, signType: w.v2.signType }),
      }
    : undefined;
  if (!w.v3) return v2 ? { v2 } : {};
  const { credentials } = w.v3;
  const logger = resources.logger;
  const signatureClock = resources.signatureClock ?? clock;
  const trust = w.trust ?? v3TrustFor(w.v3, resources, clock);
  const gateway = new WechatPayV3Gateway(
    {
      ...common,
      privateKey: credentials.privateKey,
      merchantSerialNo: credentials.merchantSerialNo,
      apiV3Key: credentials.apiV3Key,
      ...(w.serverIp ? { serverIp: w.serverIp } : {}),
    },
    // Signatures on real time: the sandbox's business clock may have been moved forward (/control/clock).
    { clock, signatureClock, trust, onFailure: (failure) => logger.warn({ wechatpay: failure }, 'WeChat Pay v3 call failed') },
  );
  const verifier = new WechatPayV3NotifyVerifier({ merchant: identity, apiV3Key: credentials.apiV3Key, trust, clock, signatureClock });
  return { ...(v2 ? { v2 } : {}), v3: { gateway, verifier, trust } };
}

/** What verifies WeChat Pay's v3 answers and notifies for these credentials: its public key, or its platform certificates. */
export function v3TrustFor(v3: NonNullable<MerchantWiring['v3']>, resources: Resources, clock: Clock): V3Trust {
  const logger = resources.logger;
  const { credentials } = v3;
  return new V3Trust(
    {
      ...(credentials.wechatpayPublicKey ? { publicKey: credentials.wechatpayPublicKey } : {}),
      ...(v3.platformCertificates
        ? { platformCertificates: { anchors: credentials.platformCertificates, bootstrap: v3.bootstrap, apiV3Key: credentials.apiV3Key } }
        : {}),
    },
    clock,
    (event) => (event.type === 'certificates.refreshed' ? logger.info : logger.error).call(logger, { wechatpay: event }, event.type),
  );
}

/** The merchant's gateway: its API version's for new calls, both for paying either's prepay_id (the v2 → v3 migration). */
export function gatewayOf(parts: MerchantParts, apiVersion: 'v2' | 'v3', refundsEnabled: boolean, metrics: Metrics): PaymentGateway {
  let gateway = merchantGateway(
    { ...(parts.v2 ? { v2: parts.v2.gateway } : {}), ...(parts.v3 ? { v3: parts.v3.gateway } : {}) },
    apiVersion,
  );
  if (!refundsEnabled) gateway = withRefundsDisabled(gateway);
  return instrumentGateway(gateway, metrics);
}

/** The merchant's notify verifier: each callback to its API's verifier. */
export const verifierOf = (parts: MerchantParts): NotifyVerifier =>
  new DialectNotifyVerifier({ ...(parts.v2 ? { v2: parts.v2.verifier } : {}), ...(parts.v3 ? { v3: parts.v3.verifier } : {}) });
