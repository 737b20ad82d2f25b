import type { HttpTransport } from '../../src/adapters/wechatpay/shared/http-transport.js';
import { WechatPayV3Gateway, type WechatPayV3Config } from '../../src/adapters/wechatpay/v3/gateway.js';
import type { V3Failure } from '../../src/adapters/wechatpay/v3/client.js';
import { WechatPayV3NotifyVerifier } from '../../src/adapters/wechatpay/v3/notify-verifier.js';
import { V3Trust, type TrustEvent } from '../../src/adapters/wechatpay/v3/trust.js';
import type { SignWith } from '../../src/sandbox/simulator/v3-keys.js';
import type { WechatPaySimulatorOptions } from '../../src/sandbox/simulator/router.js';
import { simulatorV3Options } from '../../src/sandbox/identity/identity-store.js';
import { testIdentity, type TestIdentity } from './v3-identity.js';
import { startSandbox, type Sandbox } from './wechat-sandbox.js';

/** How the merchant side trusts WeChat Pay's answers: the public key, or platform certificates from /v3/certificates. */
export type TrustMode = 'publicKey' | 'platformCertificate';

export interface V3Sandbox extends Sandbox {
  readonly identity: TestIdentity;
  /** Trust as a merchant in that mode would configure it; `events` collects what it reports. */
  trust(mode: TrustMode, events?: TrustEvent[]): V3Trust;
  gatewayV3(mode: TrustMode, overrides?: Partial<WechatPayV3Config>, deps?: GatewayDeps): WechatPayV3Gateway;
  verifierV3(mode: TrustMode, trust?: V3Trust): WechatPayV3NotifyVerifier;
}

export interface GatewayDeps {
  readonly trust?: V3Trust;
  readonly transport?: HttpTransport;
  readonly onFailure?: (failure: V3Failure) => void;
}

/** The simulator with API v3 on (keys of testIdentity()), signing notifies and serial-less answers per `signWith`. */
export async function startV3Sandbox(options: WechatPaySimulatorOptions & { signWith?: SignWith } = {}): Promise<V3Sandbox> {
  const identity = testIdentity();
  const { signWith, ...rest } = options;
  const sb = await startSandbox({ v3: { ...simulatorV3Options(identity), ...(signWith ? { signWith } : {}) }, ...rest });
  const trust = (mode: TrustMode, events?: TrustEvent[]): V3Trust =>
    new V3Trust(
      mode === 'publicKey'
        ? { publicKey: { id: identity.wechatpayPublicKey.id, key: identity.wechatpayPublicKeyObject } }
        : {
            platformCertificates: {
              anchors: [identity.platformCertificate],
              bootstrap: 'refuse',
              apiV3Key: Buffer.from(identity.apiV3Key),
            },
          },
      sb.clock,
      (event) => events?.push(event),
    );
  // The notify endpoint trusts both keys, as a merchant mid-migration does: 204 when it verifies, 500 otherwise.
  const defaultTrust = new V3Trust(
    {
      publicKey: { id: identity.wechatpayPublicKey.id, key: identity.wechatpayPublicKeyObject },
      platformCertificates: { anchors: [identity.platformCertificate], bootstrap: 'refuse', apiV3Key: Buffer.from(identity.apiV3Key) },
    },
    sb.clock,
  );
  const v2Respond = sb.respond;
  sb.respond = async (got, self) => {
    if (got.headers['wechatpay-signature'] === undefined) return v2Respond(got, self);
    const verifier = v3.verifierV3('publicKey', defaultTrust);
    const callback = { body: got.body, headers: got.headers };
    const verdict = got.path === '/refund-notify' ? await verifier.refund(callback) : await verifier.payment(callback);
    return verdict.ok ? { status: 204 } : { status: 500, body: '{"code":"FAIL","message":"FAIL"}' };
  };
  const v3 = Object.assign(sb, {
    identity,
    trust,
    gatewayV3(mode: TrustMode, overrides: Partial<WechatPayV3Config> = {}, deps: GatewayDeps = {}) {
      return new WechatPayV3Gateway(
        {
          appId: sb.simulator.credentials.appId,
          mchId: sb.simulator.credentials.mchId,
          privateKey: identity.merchantKey,
          merchantSerialNo: identity.merchant.serialNo,
          apiV3Key: Buffer.from(identity.apiV3Key),
          notifyUrl: `${sb.url}/notify`,
          refundNotifyUrl: `${sb.url}/refund-notify`,
          baseUrl: `${sb.url}/sandbox/wxpay`,
          timeoutMs: 400,
          retries: 2,
          retryBackoffMs: 5,
          ...overrides,
        },
        {
          clock: sb.clock,
          trust: deps.trust ?? trust(mode),
          ...(deps.transport ? { transport: deps.transport } : {}),
          ...(deps.onFailure ? { onFailure: deps.onFailure } : {}),
        },
      );
    },
    verifierV3(mode: TrustMode, shared?: V3Trust) {
      const { appId, mchId } = sb.simulator.credentials;
      return new WechatPayV3NotifyVerifier({
        merchant: { appId, mchId },
        apiV3Key: Buffer.from(identity.apiV3Key),
        trust: shared ?? trust(mode),
        clock: sb.clock,
      });
    },
  });
  return v3;
}
