import type { Clock } from '../application/ports/clock.js';
import { isCallbackPath, merchantCallbackPath } from '../adapters/http/callback-paths.js';
import type { Metrics } from '../adapters/observability/metrics.js';
import { certificateValidity } from '../adapters/wechatpay/v3/x509-facts.js';
import type { V3Trust } from '../adapters/wechatpay/v3/trust.js';
import type { Config } from './config.js';
import { buildMerchantParts, gatewayOf, v3TrustFor, verifierOf, type MerchantParts } from './merchant-gateways.js';
import type { BuiltMerchant, MerchantAccount } from './merchant-registry.js';
import type { Resources } from './resources.js';
import type { MerchantCredentials, MerchantSettings, MerchantsSettings } from './settings/merchants-settings.js';

export interface MerchantSetDeps {
  readonly config: Pick<Config, 'gateway' | 'wechat'>;
  readonly resources: Resources;
  readonly clock: Clock;
  readonly metrics: Metrics;
}

/** The account the registry and the use cases know a merchant by. */
export function accountOfSettings(m: MerchantSettings): MerchantAccount {
  return {
    id: m.id,
    name: m.name,
    mode: m.mode,
    apiVersion: m.apiVersion,
    appId: m.appId,
    appIds: m.appIds,
    mchId: m.mchId,
    ...(m.subMchId === undefined ? {} : { subMchId: m.subMchId }),
    ...(m.provider ? { provider: m.provider.id } : {}),
  };
}

/**
 * Every merchant of the file with its gateway and notify verifier (partner merchants with their provider's
 * credentials and one trust per provider), or, for one whose credentials failed or whose gateway would not build,
 * its problems and nothing else. The gateways' closers are returned too: a v2 gateway pools TLS connections.
 */
export function buildMerchantSet(settings: MerchantsSettings, deps: MerchantSetDeps): { merchants: BuiltMerchant[]; close: () => void } {
  const { config, resources, clock, metrics } = deps;
  const self = resources.selfUrl;
  const sandbox = config.gateway === 'sandbox';
  const trusts = new Map<string, V3Trust>();
  const opened: MerchantParts[] = [];
  const merchants = settings.merchants.map((m): BuiltMerchant => {
    const account = accountOfSettings(m);
    const credentials = m.credentials;
    const expiries = credentials ? expiriesOf(credentials) : [];
    if (!credentials || m.problems.length > 0) return { account, problems: m.problems, expiries };
    try {
      const v3 = credentials.v3?.credentials ? { ...credentials.v3, credentials: credentials.v3.credentials } : undefined;
      let trust: V3Trust | undefined;
      if (v3 && m.provider) {
        trust = trusts.get(m.provider.id) ?? v3TrustFor(v3, resources, clock);
        trusts.set(m.provider.id, trust);
      }
      const parts = buildMerchantParts(
        {
          appId: m.provider ? m.provider.spAppId : m.appId,
          mchId: m.mchId,
          ...(m.subMchId === undefined ? {} : { partner: { subMchId: m.subMchId, subAppId: m.appId } }),
          appIds: m.appIds.filter((a) => a !== m.appId),
          ...notifyUrls(m, sandbox, self),
          baseUrl: config.wechat.baseUrl ?? `${self}/sandbox/wxpay`,
          ...(config.wechat.serverIp ? { serverIp: config.wechat.serverIp } : {}),
          ...(credentials.v2
            ? {
                v2: {
                  apiKey: credentials.v2.apiKey,
                  signType: credentials.v2.signType,
                  ...(credentials.v2.certificate ? { tls: credentials.v2.certificate.tls } : {}),
                },
              }
            : {}),
          ...(v3 ? { v3 } : {}),
          ...(trust ? { trust } : {}),
        },
        resources,
        clock,
      );
      opened.push(parts);
      const refundsEnabled = m.apiVersion !== 'v2' || (credentials.v2?.refundsEnabled ?? true);
      return {
        account,
        gateway: gatewayOf(parts, m.apiVersion, refundsEnabled, metrics),
        verifier: verifierOf(parts),
        problems: [],
        expiries,
      };
    } catch (error) {
      return { account, problems: [`its gateway could not be built: ${(error as Error).message}`], expiries };
    }
  });
  // A merchant the file marks retired is built as any other (its orders need its credentials): the registry retires it.
  const marked = merchants.map((b, i) => (settings.merchants[i]?.retired ? { ...b, retired: true } : b));
  return { merchants: marked, close: () => opened.forEach((parts) => parts.v2?.gateway.close()) };
}

/**
 * Sandbox: the simulator notifies this service itself, whatever host the file names, at the callback path the file's
 * URL names (the seed's `/wechat/pay-notify`, say, for a merchant whose 商户平台 still has the seed's URL) or else the
 * merchant's own. Live: the file's (its own, or derived from publicBaseUrl; without either the file was refused), and
 * no refund URL when neither gives one (WeChat then uses the one set in 商户平台).
 */
function notifyUrls(m: MerchantSettings, sandbox: boolean, self: string): { notifyUrl: string; refundNotifyUrl?: string } {
  if (sandbox) {
    return {
      notifyUrl: `${self}${callbackPathOf(m.notifyUrl) ?? merchantCallbackPath('pay', m.id)}`,
      refundNotifyUrl: `${self}${callbackPathOf(m.refundNotifyUrl) ?? merchantCallbackPath('refund', m.id)}`,
    };
  }
  return { notifyUrl: m.notifyUrl ?? '', ...(m.refundNotifyUrl ? { refundNotifyUrl: m.refundNotifyUrl } : {}) };
}

/** The path of a configured notify URL when it is one of this service's callback paths; any other path is not ours. */
function callbackPathOf(url: string | undefined): string | undefined {
  const path = url === undefined ? undefined : new URL(url).pathname;
  return path !== undefined && isCallbackPath(path) ? path : undefined;
}

function expiriesOf(credentials: MerchantCredentials): { what: string; validTo: Date }[] {
  const v2 = credentials.v2?.certificate;
  const v3 = credentials.v3?.credentials;
  return [
    ...(v2 ? [{ what: `merchant API certificate ${v2.serialNumber}`, validTo: v2.validTo }] : []),
    ...(v3?.merchantCertificate
      ? [
          {
            what: `merchant API certificate ${v3.merchantCertificate.serialNumber}`,
            validTo: certificateValidity(v3.merchantCertificate).notAfter,
          },
        ]
      : []),
    ...(v3?.platformCertificates ?? []).map((c) => ({
      what: `platform certificate ${c.serialNumber}`,
      validTo: certificateValidity(c).notAfter,
    })),
  ];
}
