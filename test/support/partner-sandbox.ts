import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { NOTIFY_ACK_SUCCESS, notifyFailReply } from '../../src/adapters/wechatpay/v2/notify.js';
import type { SignType } from '../../src/adapters/wechatpay/v2/sign.js';
import { directMerchantIds, partnerMerchantIds } from '../../src/adapters/wechatpay/shared/partner.js';
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
/** A direct merchant whose two mini-programs pay through it. */
export const NORTH = {
  mchId: '1900000200',
  appIds: ['wx3333333333333331', 'wx3333333333333332'],
  apiKey: 'NorthApiKey0123456789abcdefABCDE',
  apiV3Key: 'NorthApiV3Key0123456789abcdefABC',
} as const;

interface ProviderKeys {
  readonly key: KeyObject;
  readonly serialNo: string;
  readonly wechatpayPublicKey: { readonly id: string; readonly key: KeyObject };
  readonly platformCertificate: X509Certificate;
  readonly simulator: ReturnType<typeof simulatorV3Options>;
}

const cached = new Map<string, ProviderKeys>();

/** A merchant's (or provider's) v3 identity, once per test process (RSA-2048 generation is slow). */
function v3KeysOf(mchId: string, apiV3Key: string): ProviderKeys {
  const known = cached.get(mchId);
  if (known) return known;
  const generated = generateSandboxIdentity({ mchId, merchantName: 'partner tests', now: new Date('2025-06-01T00:00:00Z') });
  const keys = {
    key: createPrivateKey(generated.merchant.privateKeyPem),
    serialNo: generated.merchant.serialNo,
    wechatpayPublicKey: { id: generated.wechatpayPublicKey.id, key: createPublicKey(generated.wechatpayPublicKey.publicKeyPem) },
    platformCertificate: new X509Certificate(generated.platform.certificatePem),
    simulator: simulatorV3Options({ ...generated, mchId, apiV3Key }),
  };
  cached.set(mchId, keys);
  return keys;
}

type Sub = typeof SOUTH | typeof WEST;
type Verdict = Result<PaymentNotice | RefundNotice, CallbackRejection>;

export interface PartnerSandbox {
  readonly sb: V3Sandbox;
  /** Every callback the simulator sent, with what SOUTH's verifier of its dialect made of it. */
  readonly verdicts: { readonly path: string; readonly dialect: 'v2' | 'v3'; readonly verdict: Verdict }[];
  gatewayV2(sub?: Sub, overrides?: Partial<WechatPayV2Config>): WechatPayV2Gateway;
  gatewayV3(mode: TrustMode, sub?: Sub): WechatPayV3Gateway;
  /** The direct merchant NORTH's gateways, with both its mini-programs configured. */
  northV2(): WechatPayV2Gateway;
  northV3(mode: TrustMode): WechatPayV3Gateway;
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
  const keys = v3KeysOf(PROVIDER.spMchId, PROVIDER.apiV3Key);
  const north = v3KeysOf(NORTH.mchId, NORTH.apiV3Key);
  const { signWith, ...rest } = options;
  const sb = await startV3Sandbox({
    merchants: [
      { mchId: NORTH.mchId, appIds: NORTH.appIds, apiKey: NORTH.apiKey, v3: { ...north.simulator, ...(signWith ? { signWith } : {}) } },
    ],
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
  const certificatesOf = (of: ProviderKeys) =>
    ({
      anchors: [of.platformCertificate],
      bootstrap: 'refuse',
      apiV3Key: Buffer.from(of === keys ? PROVIDER.apiV3Key : NORTH.apiV3Key),
    }) as const;
  // 'both': the callback endpoint trusts either key, as a merchant mid-migration does.
  const trust = (mode: TrustMode | 'both', of: ProviderKeys = keys): V3Trust => trustIn(mode, of);
  const trustIn = (mode: TrustMode | 'both', of: ProviderKeys): V3Trust =>
    new V3Trust(
      mode === 'publicKey'
        ? { publicKey: of.wechatpayPublicKey }
        : mode === 'platformCertificate'
          ? { platformCertificates: certificatesOf(of) }
          : { publicKey: of.wechatpayPublicKey, platformCertificates: certificatesOf(of) },
      sb.clock,
    );
  // What the merchants file's loader builds a partner merchant from: the provider, the sub_mch_id, the mini-programs.
  const idsOf = (sub: Sub) => partnerMerchantIds(PROVIDER, sub.subMchId, sub.subAppIds);
  const gateways: WechatPayV2Gateway[] = [];
  const verdicts: PartnerSandbox['verdicts'][number][] = [];

  // Where every gateway here reaches the simulator and is called back, with quick retries.
  const wire = {
    notifyUrl: `${sb.url}/notify`,
    refundNotifyUrl: `${sb.url}/refund-notify`,
    baseUrl: `${sb.url}/sandbox/wxpay`,
    timeoutMs: 400,
    retries: 2,
    retryBackoffMs: 5,
  };
  const partner: PartnerSandbox = {
    sb,
    verdicts,
    gatewayV2(sub = SOUTH, overrides = {}) {
      const gateway = new WechatPayV2Gateway(
        {
          ...idsOf(sub),
          apiKey: PROVIDER.apiKey,
          signType,
          ...wire,
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
          ...wire,
        },
        { clock: sb.clock, trust: trust(mode) },
      );
    },
    northV2() {
      const gateway = new WechatPayV2Gateway(
        {
          ...directMerchantIds(NORTH.mchId, NORTH.appIds),
          apiKey: NORTH.apiKey,
          signType,
          ...wire,
        },
        { clock: sb.clock },
      );
      gateways.push(gateway);
      return gateway;
    },
    northV3(mode) {
      return new WechatPayV3Gateway(
        {
          ...directMerchantIds(NORTH.mchId, NORTH.appIds),
          privateKey: north.key,
          merchantSerialNo: north.serialNo,
          apiV3Key: Buffer.from(NORTH.apiV3Key),
          ...wire,
        },
        { clock: sb.clock, trust: trustIn(mode, north) },
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

  const northVerifierV2 = () =>
    new WechatPayV2NotifyVerifier({ ...directMerchantIds(NORTH.mchId, NORTH.appIds), apiKey: NORTH.apiKey, signType });
  const northVerifierV3 = () =>
    new WechatPayV3NotifyVerifier({
      merchant: directMerchantIds(NORTH.mchId, NORTH.appIds),
      apiV3Key: Buffer.from(NORTH.apiV3Key),
      trust: trustIn('both', north),
      clock: sb.clock,
    });
  sb.respond = async (got) => {
    const dialect = got.headers['wechatpay-signature'] === undefined ? 'v2' : 'v3';
    const callback = { body: got.body, headers: got.headers };
    const verify = async (verifier: WechatPayV2NotifyVerifier | WechatPayV3NotifyVerifier): Promise<Verdict> =>
      got.path === '/refund-notify' ? verifier.refund(callback) : verifier.payment(callback);
    const south = await verify(dialect === 'v2' ? partner.verifierV2() : partner.verifierV3('both'));
    // NORTH's callbacks are acknowledged as its own route would; only SOUTH's verdicts are recorded.
    const northVerdict = south.ok ? undefined : await verify(dialect === 'v2' ? northVerifierV2() : northVerifierV3());
    if (northVerdict?.ok) return dialect === 'v3' ? { status: 204 } : NOTIFY_ACK_SUCCESS;
    const verdict = south;
    verdicts.push({ path: got.path, dialect, verdict });
    if (dialect === 'v3') return verdict.ok ? { status: 204 } : { status: 500, body: '{"code":"FAIL","message":"FAIL"}' };
    return verdict.ok ? NOTIFY_ACK_SUCCESS : notifyFailReply('verification failed');
  };
  return partner;
}
