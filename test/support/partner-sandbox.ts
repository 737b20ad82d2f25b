import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { NOTIFY_ACK_SUCCESS, notifyFailReply } from '../../src/adapters/wechatpay/v2/notify.js';
import type { SignType } from '../../src/adapters/wechatpay/v2/sign.js';
import { partnerMerchantIds } from '../../src/adapters/wechatpay/shared/partner.js';
import { WechatPayV2Gateway, type WechatPayV2Config } from '../../src/adapters/wechatpay/v2/gateway.js';
import { WechatPayV2NotifyVerifier } from '../../src/adapters/wechatpay/v2/notify-verifier.js';
import { WechatPayV3Gateway } from '../../src/adapters/wechatpay/v3/gateway.js';
import { WechatPayV3NotifyVerifier } from '../../src/adapters/wechatpay/v3/notify-verifier.js';
import { V3Trust } from '../../src/adapters/wechatpay/v3/trust.js';
import type { CallbackRejection, PaymentNotice, RefundNotice } from '../../src/application/ports/notify-verifier.js';
import type { Result } from '../../src/domain/result.js';
import { simulatorV3Options } from '../../src/sandbox/identity/identity-store.js';
import { generateSandboxIdentity } from '../../src/sandbox/identity/sandbox-identity.js';
import type { WechatPaySimulatorOptions } from '../../src/sandbox/simulator/router.js';
import type { SignWith } from '../../src/sandbox/simulator/v3-keys.js';
import type { TrustMode, V3Sandbox } from './wechat-sandbox-v3.js';
import { startV3Sandbox } from './wechat-sandbox-v3.js';

/** A provider (服务商) the simulator knows, with two sub-merchants: SOUTH (two mini-programs) and its sibling WEST. */
export const PROVIDER = {
  spMchId: '1900000100',
  spAppId: 'wx00000000000000a0',
  apiKey: 'ProviderApiKey0123456789abcdefAB',
  apiV3Key: 'ProviderApiV3Key0123456789abcdef',
} as const;
export const SOUTH = { subMchId: '1900000111', subAppIds: ['wx1111111111111111', 'wx1111111111111112'] } as const;
export const WEST = { subMchId: '1900000112', subAppIds: ['wx2222222222222222'] } as const;

interface ProviderKeys {
  readonly key: KeyObject;
  readonly serialNo: string;
  readonly wechatpayPublicKey: { readonly id: string; readonly key: KeyObject };
  readonly platformCertificate: X509Certificate;
  readonly simulator: ReturnType<typeof simulatorV3Options>;
}

let cached: ProviderKeys | undefined;

/** The provider's v3 identity, once per test process (RSA-2048 generation is slow). */
function providerKeys(): ProviderKeys {
  if (cached) return cached;
  const generated = generateSandboxIdentity({ mchId: PROVIDER.spMchId, merchantName: 'partner tests', now: new Date('2025-06-01T00:00:00Z') });
  cached = {
    key: createPrivateKey(generated.merchant.privateKeyPem),
    serialNo: generated.merchant.serialNo,
    wechatpayPublicKey: { id: generated.wechatpayPublicKey.id, key: createPublicKey(generated.wechatpayPublicKey.publicKeyPem) },
    platformCertificate: new X509Certificate(generated.platform.certificatePem),
    simulator: simulatorV3Options({ ...generated, mchId: PROVIDER.spMchId, apiV3Key: PROVIDER.apiV3Key }),
  };
  return cached;
}

type Sub = typeof SOUTH | typeof WEST;
type Verdict = Result<PaymentNotice | RefundNotice, CallbackRejection>;

export interface PartnerSandbox {
  readonly sb: V3Sandbox;
  /** Every callback the simulator sent, with what SOUTH's verifier of its dialect made of it. */
  readonly verdicts: { readonly path: string; readonly dialect: 'v2' | 'v3'; readonly verdict: Verdict }[];
  gatewayV2(sub?: Sub, overrides?: Partial<WechatPayV2Config>): WechatPayV2Gateway;
  gatewayV3(mode: TrustMode, sub?: Sub): WechatPayV3Gateway;
  verifierV2(sub?: Sub): WechatPayV2NotifyVerifier;
  verifierV3(mode: TrustMode | 'both', sub?: Sub): WechatPayV3NotifyVerifier;
  /** The control API's query naming a sub-merchant's orders (`?mch_id=&sub_mch_id=`). */
  scope(sub?: Sub): string;
  close(): Promise<void>;
}

/**
 * The simulator standing in WeChat for PROVIDER (v2 and v3 keys) and its two sub-merchants, with the gateways and
 * verifiers a partner merchant is built with. Callbacks are verified with SOUTH's partner verifiers and acknowledged
 * only when they verify, as the service's routes do.
 */
export async function startPartnerSandbox(
  options: WechatPaySimulatorOptions & { signType?: SignType; signWith?: SignWith } = {},
): Promise<PartnerSandbox> {
  const keys = providerKeys();
  const { signWith, ...rest } = options;
  const sb = await startV3Sandbox({
    providers: [
      {
        spMchId: PROVIDER.spMchId,
        spAppId: PROVIDER.spAppId,
        apiKey: PROVIDER.apiKey,
        v3: { ...keys.simulator, ...(signWith ? { signWith } : {}) },
        subMerchants: [SOUTH, WEST],
      },
    ],
    ...rest,
  });
  const signType = options.signType ?? 'MD5';
  const platformCertificates = { anchors: [keys.platformCertificate], bootstrap: 'refuse', apiV3Key: Buffer.from(PROVIDER.apiV3Key) } as const;
  // 'both': the callback endpoint trusts either key, as a merchant mid-migration does.
  const trust = (mode: TrustMode | 'both'): V3Trust =>
    new V3Trust(
      mode === 'publicKey'
        ? { publicKey: keys.wechatpayPublicKey }
        : mode === 'platformCertificate'
          ? { platformCertificates }
          : { publicKey: keys.wechatpayPublicKey, platformCertificates },
      sb.clock,
    );
  // What the merchants file's loader builds a partner merchant from: the provider, the sub_mch_id, the mini-programs.
  const idsOf = (sub: Sub) => partnerMerchantIds(PROVIDER, sub.subMchId, sub.subAppIds);
  const gateways: WechatPayV2Gateway[] = [];
  const verdicts: PartnerSandbox['verdicts'][number][] = [];

  const partner: PartnerSandbox = {
    sb,
    verdicts,
    gatewayV2(sub = SOUTH, overrides = {}) {
      const gateway = new WechatPayV2Gateway(
        {
          ...idsOf(sub),
          apiKey: PROVIDER.apiKey,
          signType,
          notifyUrl: `${sb.url}/notify`,
          refundNotifyUrl: `${sb.url}/refund-notify`,
          baseUrl: `${sb.url}/sandbox/wxpay`,
          timeoutMs: 400,
          retries: 2,
          retryBackoffMs: 5,
          ...overrides,
        },
        { clock: sb.clock },
      );
      gateways.push(gateway);
      return gateway;
    },
    gatewayV3(mode, sub = SOUTH) {
      return new WechatPayV3Gateway(
        {
          ...idsOf(sub),
          privateKey: keys.key,
          merchantSerialNo: keys.serialNo,
          apiV3Key: Buffer.from(PROVIDER.apiV3Key),
          notifyUrl: `${sb.url}/notify`,
          refundNotifyUrl: `${sb.url}/refund-notify`,
          baseUrl: `${sb.url}/sandbox/wxpay`,
          timeoutMs: 400,
          retries: 2,
          retryBackoffMs: 5,
        },
        { clock: sb.clock, trust: trust(mode) },
      );
    },
    verifierV2(sub = SOUTH) {
      return new WechatPayV2NotifyVerifier({ ...idsOf(sub), apiKey: PROVIDER.apiKey, signType });
    },
    verifierV3(mode, sub = SOUTH) {
      return new WechatPayV3NotifyVerifier({
        merchant: idsOf(sub),
        apiV3Key: Buffer.from(PROVIDER.apiV3Key),
        trust: trust(mode),
        clock: sb.clock,
      });
    },
    scope: (sub = SOUTH) => `?mch_id=${PROVIDER.spMchId}&sub_mch_id=${sub.subMchId}`,
    async close() {
      for (const gateway of gateways) gateway.close();
      await sb.close();
    },
  };

  sb.respond = async (got) => {
    const dialect = got.headers['wechatpay-signature'] === undefined ? 'v2' : 'v3';
    const verifier = dialect === 'v2' ? partner.verifierV2() : partner.verifierV3('both');
    const callback = { body: got.body, headers: got.headers };
    const verdict: Verdict = got.path === '/refund-notify' ? await verifier.refund(callback) : await verifier.payment(callback);
    verdicts.push({ path: got.path, dialect, verdict });
    if (dialect === 'v3') return verdict.ok ? { status: 204 } : { status: 500, body: '{"code":"FAIL","message":"FAIL"}' };
    return verdict.ok ? NOTIFY_ACK_SUCCESS : notifyFailReply('verification failed');
  };
  return partner;
}
