import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { NOTIFY_ACK_SUCCESS } from '../../../src/adapters/wechatpay/v2/notify.js';
import { signFields } from '../../../src/adapters/wechatpay/v2/sign.js';
import { buildWechatXml, parseWechatXml } from '../../../src/adapters/wechatpay/v2/xml.js';
import { authorizeRequest } from '../../../src/adapters/wechatpay/v3/request-signature.js';
import { verifySha256Rsa } from '../../../src/adapters/wechatpay/v3/rsa-signature.js';
import { generateSandboxIdentity } from '../../../src/sandbox/identity/sandbox-identity.js';
import { simulatorV3Options } from '../../../src/sandbox/identity/identity-store.js';
import type { WechatPaySimulatorOptions } from '../../../src/sandbox/simulator/router.js';
import type { Received } from '../../support/wechat-sandbox.js';
import { startV3Sandbox, type V3Sandbox } from '../../support/wechat-sandbox-v3.js';
import { SAMPLE } from '../../support/wechat-test-signer.js';

/**
 * A simulator standing in WeChat for three accounts at once: WeChat's sample merchant (its own, with v2 and v3 keys
 * as in every other simulator test), a second direct merchant NORTH (v2 and v3), and a provider ACME (服务商, v2 and
 * v3) with two sub-merchants. Every notify is acknowledged and recorded; the tests check what it carries.
 */
export const NORTH = {
  mchId: '1900000200',
  appIds: ['wx2000000000000001', 'wx2000000000000002'],
  apiKey: 'northApiKey0123456789abcdefABCDE',
};
export const ACME = {
  spMchId: '1900000300',
  spAppId: 'wx3000000000000000',
  apiKey: 'acmeApiKey0123456789abcdefABCDEF',
  subs: [
    { subMchId: '1900000311', subAppIds: ['wx3100000000000001'] },
    { subMchId: '1900000322', subAppIds: ['wx3200000000000001'] },
  ],
} as const;
/** A sub-merchant bound to no provider the simulator knows. */
export const STRANGER_SUB = '1900000399';

export interface Identity {
  readonly mchId: string;
  readonly serialNo: string;
  readonly key: KeyObject;
  readonly apiV3Key: string;
  readonly wechatpayPublicKeyId: string;
  readonly wechatpayPublicKey: KeyObject;
  /** Answers to requests naming no Wechatpay-Serial are signed with the platform certificate (v3-keys.ts). */
  readonly platformPublicKey: KeyObject;
  readonly options: ReturnType<typeof simulatorV3Options>;
}

const identities = new Map<string, Identity>();

/** A v3 identity per mch_id, once per test process (RSA-2048 generation is slow). */
export function identityOf(mchId: string, apiV3Key: string): Identity {
  const cached = identities.get(mchId);
  if (cached) return cached;
  const generated = generateSandboxIdentity({ mchId, merchantName: 'multi-merchant tests', now: new Date('2025-06-01T00:00:00Z') });
  const stored = { ...generated, mchId, apiV3Key };
  const identity: Identity = {
    mchId,
    serialNo: generated.merchant.serialNo,
    key: createPrivateKey(generated.merchant.privateKeyPem),
    apiV3Key,
    wechatpayPublicKeyId: generated.wechatpayPublicKey.id,
    wechatpayPublicKey: createPublicKey(generated.wechatpayPublicKey.publicKeyPem),
    platformPublicKey: createPublicKey(generated.platform.certificatePem),
    options: simulatorV3Options(stored),
  };
  identities.set(mchId, identity);
  return identity;
}

export const northIdentity = (): Identity => identityOf(NORTH.mchId, 'northApiV3Key0123456789abcdefABC');
export const acmeIdentity = (): Identity => identityOf(ACME.spMchId, 'acmeApiV3Key0123456789abcdefABCD');

export function multiMerchantOptions(): WechatPaySimulatorOptions {
  return {
    merchants: [{ ...NORTH, v3: northIdentity().options }],
    providers: [{ spMchId: ACME.spMchId, spAppId: ACME.spAppId, apiKey: ACME.apiKey, v3: acmeIdentity().options, subMerchants: ACME.subs }],
  };
}

export async function startMultiMerchant(options: WechatPaySimulatorOptions = {}): Promise<V3Sandbox> {
  const sb = await startV3Sandbox({ ...multiMerchantOptions(), ...options });
  sb.respond = (got) => (got.headers['wechatpay-signature'] === undefined ? NOTIFY_ACK_SUCCESS : { status: 204 });
  return sb;
}

let serial = 0;
export const nextNo = (): string => `2026011512000000070${String(++serial).padStart(9, '0')}`;

/** A v2 request signed (MD5) with `apiKey`, its XML answer parsed. */
export async function v2(sb: V3Sandbox, path: string, fields: Record<string, string>, apiKey: string): Promise<Record<string, string>> {
  const request = { nonce_str: `n${++serial}`, ...fields };
  const res = await fetch(`${sb.url}/sandbox/wxpay${path}`, {
    method: 'POST',
    body: buildWechatXml({ ...request, sign: signFields(request, apiKey, 'MD5') }),
  });
  const text = await res.text();
  return text.startsWith('<xml>') ? ({ ...parseWechatXml(text, { maxBytes: 65_536 }) } as Record<string, string>) : { bill: text };
}

export interface V3Answer {
  readonly status: number;
  readonly json: Record<string, unknown>;
  readonly text: string;
  readonly headers: Headers;
}

/** A v3 request signed by `signer` as merchant `mchId` (its Authorization names that mch_id). */
export async function v3(
  sb: V3Sandbox,
  signer: { readonly mchId: string; readonly serialNo: string; readonly key: KeyObject },
  method: 'GET' | 'POST',
  pathAndQuery: string,
  body?: unknown,
): Promise<V3Answer> {
  const path = `/sandbox/wxpay${pathAndQuery}`;
  const text = body === undefined ? '' : JSON.stringify(body);
  const authorization = authorizeRequest(
    { mchId: signer.mchId, serialNo: signer.serialNo, privateKey: signer.key },
    { method, pathAndQuery: path, body: text },
    Math.floor(sb.clock.now().getTime() / 1000),
    `nonce${++serial}`,
  );
  const res = await fetch(`${sb.url}${path}`, {
    method,
    headers: {
      authorization,
      accept: 'application/json',
      'user-agent': 'multi-merchant-test/1.0',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: text }),
  });
  const raw = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  } catch {
    json = {};
  }
  return { status: res.status, json, text: raw, headers: res.headers };
}

/** Whether a v3 message (answer or notify) is signed by the WeChat Pay public key `key`. */
export function signedBy(headers: { get(name: string): string | null }, body: string, key: KeyObject): boolean {
  const message = `${headers.get('wechatpay-timestamp')}\n${headers.get('wechatpay-nonce')}\n${body}\n`;
  return verifySha256Rsa(message, headers.get('wechatpay-signature'), key);
}

export const headersOf = (got: Received): { get(name: string): string | null } => ({ get: (name) => got.headers[name] ?? null });

export const primaryIdentity = (sb: V3Sandbox): { mchId: string; serialNo: string; key: KeyObject } => ({
  mchId: SAMPLE.mchId,
  serialNo: sb.identity.merchant.serialNo,
  key: sb.identity.merchantKey,
});
