import { CALLBACK_PATHS } from '../../adapters/http/callback-paths.js';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import type { Container } from 'inversify';
import type { Clock } from '../../application/ports/clock.js';
import { instrumentLogin } from '../../adapters/observability/instrumented-gateway.js';
import type { Metrics } from '../../adapters/observability/metrics.js';
import { WechatMiniProgramLogin } from '../../adapters/wechatpay/shared/mini-program-login.js';
import type { V3Credentials } from '../../adapters/wechatpay/v3/credential-check.js';
import type { Config } from '../config.js';
import { accountOf, type MerchantAccount } from '../merchant-registry.js';
import type { MiniProgramLoginFactory } from '../mini-program-list.js';
import type { Resources } from '../resources.js';
import type { StoredSandboxIdentity } from '../../sandbox/index.js';
import { DEFAULT_MERCHANT_ID } from '../../domain/merchant.js';
import { TOKENS } from '../tokens.js';
import { buildMerchantParts, gatewayOf, TIMEOUT_MS, verifierOf, type MerchantParts } from '../merchant-gateways.js';

/**
 * WeChat Pay by configuration, for the one merchant the environment configures: its API version (WECHAT_API_VERSION)
 * picks the gateway new prepays (and every query, close, refund) use; each API whose credentials are configured gets its notify verifier, so with both configured the callback
 * routes accept both dialects and a prepay_id of the other API can still be paid (the v2 → v3 migration).
 */
export function bindWechatPay(c: Container, config: Config, resources: Resources): void {
  let parts: MerchantParts | undefined;
  const build = (clock: Clock): MerchantParts => (parts ??= buildParts(config, resources, clock));
  c.bind(TOKENS.PaymentGateway)
    .toResolvedValue(
      (clock: Clock, metrics: Metrics, accounts: readonly MerchantAccount[]) => {
        const { apiVersion } = accountOf(accounts, DEFAULT_MERCHANT_ID);
        return gatewayOf(build(clock), apiVersion, config.wechat.refundsEnabled, metrics);
      },
      [TOKENS.Clock, TOKENS.Metrics, TOKENS.MerchantAccounts],
    )
    // The v2 client's pooled TLS connections; the decorators around it own nothing to close.
    .onDeactivation(() => parts?.v2?.gateway.close());
  // A mini-program's login: its appid and AppSecret, whichever Pay API the merchant uses.
  c.bind(TOKENS.MiniProgramLoginFactory).toResolvedValue(
    (metrics: Metrics) => (appId: string, appSecret: string) =>
      instrumentLogin(
        new WechatMiniProgramLogin({
          appId,
          appSecret,
          loginBaseUrl: config.wechat.loginBaseUrl ?? `${resources.selfUrl}/sandbox/wxpay`,
          timeoutMs: TIMEOUT_MS,
        }),
        metrics,
      ),
    [TOKENS.Metrics],
  );
  c.bind(TOKENS.MiniProgramLogin).toResolvedValue(
    (login: MiniProgramLoginFactory) => login(config.wechat.appId, config.wechat.appSecret),
    [TOKENS.MiniProgramLoginFactory],
  );
  c.bind(TOKENS.MerchantNotifyVerifier)
    .toResolvedValue((clock: Clock) => verifierOf(build(clock)), [TOKENS.Clock])
    .whenNamed(DEFAULT_MERCHANT_ID);
}

function buildParts(config: Config, resources: Resources, clock: Clock): MerchantParts {
  const w = config.wechat;
  const sandbox = config.gateway === 'sandbox';
  const self = resources.selfUrl;
  const credentials = w.v3 ? (w.v3.credentials ?? (resources.sandboxV3 && sandboxCredentials(resources.sandboxV3))) : undefined;
  return buildMerchantParts(
    {
      appId: w.appId,
      mchId: w.mchId,
      notifyUrl: w.notifyUrl ?? `${self}${CALLBACK_PATHS.pay}`,
      ...(w.refundNotifyUrl
        ? { refundNotifyUrl: w.refundNotifyUrl }
        : sandbox
          ? { refundNotifyUrl: `${self}${CALLBACK_PATHS.refund}` }
          : {}),
      baseUrl: w.baseUrl ?? `${self}/sandbox/wxpay`,
      ...(w.serverIp ? { serverIp: w.serverIp } : {}),
      ...(w.apiKey === undefined
        ? {}
        : {
            v2: {
              apiKey: w.apiKey,
              signType: w.signType,
              ...(resources.merchantCertificate ? { tls: resources.merchantCertificate.tls } : {}),
            },
          }),
      ...(w.v3 && credentials ? { v3: { credentials, platformCertificates: w.v3.platformCertificates, bootstrap: w.v3.bootstrap } } : {}),
    },
    resources,
    clock,
  );
}

/** The merchant's side of the generated sandbox identity; WeChat's keys are trusted in both modes at once. */
function sandboxCredentials(identity: StoredSandboxIdentity): V3Credentials {
  return {
    mchId: identity.mchId,
    merchantSerialNo: identity.merchant.serialNo,
    privateKey: createPrivateKey(identity.merchant.privateKeyPem),
    merchantCertificate: new X509Certificate(identity.merchant.certificatePem),
    apiV3Key: Buffer.from(identity.apiV3Key, 'utf8'),
    wechatpayPublicKey: { id: identity.wechatpayPublicKey.id, key: createPublicKey(identity.wechatpayPublicKey.publicKeyPem) },
    platformCertificates: [new X509Certificate(identity.platform.certificatePem)],
  };
}
