import { CALLBACK_PATHS } from '../../adapters/http/callback-paths.js';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import type { Container } from 'inversify';
import type { Clock } from '../../application/ports/clock.js';
import type { NotifyVerifier } from '../../application/ports/notify-verifier.js';
import { instrumentGateway, instrumentLogin } from '../../adapters/observability/instrumented-gateway.js';
import type { Metrics } from '../../adapters/observability/metrics.js';
import { DialectNotifyVerifier } from '../../adapters/wechatpay/migration/dialect-notify-verifier.js';
import { merchantGateway } from '../../adapters/wechatpay/migration/merchant-gateway.js';
import { withRefundsDisabled } from '../../adapters/wechatpay/refunds-disabled.js';
import { WechatMiniProgramLogin } from '../../adapters/wechatpay/shared/mini-program-login.js';
import { WechatPayV2Gateway } from '../../adapters/wechatpay/v2/gateway.js';
import { WechatPayV2NotifyVerifier } from '../../adapters/wechatpay/v2/notify-verifier.js';
import type { V3Credentials } from '../../adapters/wechatpay/v3/credential-check.js';
import { WechatPayV3Gateway } from '../../adapters/wechatpay/v3/gateway.js';
import { WechatPayV3NotifyVerifier } from '../../adapters/wechatpay/v3/notify-verifier.js';
import { V3Trust } from '../../adapters/wechatpay/v3/trust.js';
import type { Config } from '../config.js';
import { accountOf, type MerchantAccount } from '../merchant-registry.js';
import type { MiniProgramLoginFactory } from '../mini-program-list.js';
import type { Resources } from '../resources.js';
import type { StoredSandboxIdentity } from '../../sandbox/index.js';
import { DEFAULT_MERCHANT_ID } from '../../domain/merchant.js';
import { TOKENS } from '../tokens.js';

/** Three attempts of 4 s stay inside the prepay lock's lease; a notify's orderquery that slow is retried by WeChat. */
const TIMEOUT_MS = 4_000;

interface Parts {
  readonly v2?: { readonly gateway: WechatPayV2Gateway; readonly verifier: NotifyVerifier };
  readonly v3?: { readonly gateway: WechatPayV3Gateway; readonly verifier: NotifyVerifier };
}

/**
 * WeChat Pay by configuration, for the one merchant the environment configures: its API version (WECHAT_API_VERSION)
 * picks the gateway new prepays (and every query, close, refund) use; each API whose credentials are configured gets its notify verifier, so with both configured the callback
 * routes accept both dialects and a prepay_id of the other API can still be paid (the v2 → v3 migration).
 */
export function bindWechatPay(c: Container, config: Config, resources: Resources): void {
  let parts: Parts | undefined;
  const build = (clock: Clock): Parts => (parts ??= buildParts(config, resources, clock));
  c.bind(TOKENS.PaymentGateway)
    .toResolvedValue(
      (clock: Clock, metrics: Metrics, accounts: readonly MerchantAccount[]) => {
        const { v2, v3 } = build(clock);
        const { apiVersion } = accountOf(accounts, DEFAULT_MERCHANT_ID);
        let gateway = merchantGateway({ ...(v2 ? { v2: v2.gateway } : {}), ...(v3 ? { v3: v3.gateway } : {}) }, apiVersion);
        if (!config.wechat.refundsEnabled) gateway = withRefundsDisabled(gateway);
        return instrumentGateway(gateway, metrics);
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
    .toResolvedValue(
      (clock: Clock) => {
        const { v2, v3 } = build(clock);
        return new DialectNotifyVerifier({ ...(v2 ? { v2: v2.verifier } : {}), ...(v3 ? { v3: v3.verifier } : {}) });
      },
      [TOKENS.Clock],
    )
    .whenNamed(DEFAULT_MERCHANT_ID);
}

function buildParts(config: Config, resources: Resources, clock: Clock): Parts {
  const w = config.wechat;
  const sandbox = config.gateway === 'sandbox';
  const self = resources.selfUrl;
  const common = {
    appId: w.appId,
    mchId: w.mchId,
    notifyUrl: w.notifyUrl ?? `${self}${CALLBACK_PATHS.pay}`,
    ...(w.refundNotifyUrl ? { refundNotifyUrl: w.refundNotifyUrl } : sandbox ? { refundNotifyUrl: `${self}${CALLBACK_PATHS.refund}` } : {}),
    baseUrl: w.baseUrl ?? `${self}/sandbox/wxpay`,
    timeoutMs: TIMEOUT_MS,
  };
  const v2 =
    w.apiKey === undefined
      ? undefined
      : {
          gateway: new WechatPayV2Gateway(
            {
              ...common,
              apiKey: w.apiKey,
              signType: w.signType,
              ...(w.serverIp ? { spbillCreateIp: w.serverIp } : {}),
              ...(resources.merchantCertificate ? { tls: resources.merchantCertificate.tls } : {}),
            },
            { clock },
          ),
          verifier: new WechatPayV2NotifyVerifier({ appId: w.appId, mchId: w.mchId, apiKey: w.apiKey, signType: w.signType }),
        };
  const credentials = w.v3 ? (w.v3.credentials ?? (resources.sandboxV3 && sandboxCredentials(resources.sandboxV3))) : undefined;
  if (!w.v3 || !credentials) return v2 ? { v2 } : {};
  const logger = resources.logger;
  const signatureClock = resources.signatureClock ?? clock;
  const trust = new V3Trust(
    {
      ...(credentials.wechatpayPublicKey ? { publicKey: credentials.wechatpayPublicKey } : {}),
      ...(w.v3.platformCertificates
        ? { platformCertificates: { anchors: credentials.platformCertificates, bootstrap: w.v3.bootstrap, apiV3Key: credentials.apiV3Key } }
        : {}),
    },
    clock,
    (event) => (event.type === 'certificates.refreshed' ? logger.info : logger.error).call(logger, { wechatpay: event }, event.type),
  );
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
  const verifier = new WechatPayV3NotifyVerifier({
    merchant: { appId: w.appId, mchId: w.mchId },
    apiV3Key: credentials.apiV3Key,
    trust,
    clock,
    signatureClock,
  });
  return { ...(v2 ? { v2 } : {}), v3: { gateway, verifier } };
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
