import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { generateSandboxIdentity } from '../../src/sandbox/identity/sandbox-identity.js';
import type { StoredSandboxIdentity } from '../../src/sandbox/identity/identity-store.js';
import { SAMPLE } from './wechat-test-signer.js';

/** A fixed APIv3 key for tests (32 ASCII bytes). */
export const TEST_API_V3_KEY = 'wxpaySandboxApiV3Key0123456789AB';

let cached: TestIdentity | undefined;

export interface TestIdentity extends StoredSandboxIdentity {
  readonly merchantKey: KeyObject;
  readonly merchantPublicKey: KeyObject;
  readonly wechatpayPrivateKey: KeyObject;
  readonly wechatpayPublicKeyObject: KeyObject;
  readonly platformPrivateKey: KeyObject;
  readonly platformCertificate: X509Certificate;
}

/** Certificates valid 2025-06 to 2030-06: around both ManualClock's 2026-01-15 and the real time of a test run. */
const ISSUED = new Date('2025-06-01T00:00:00Z');

/** One sandbox identity for the sample merchant per test process (four RSA-2048 keys cost about a second). */
export function testIdentity(): TestIdentity {
  if (cached) return cached;
  const generated = generateSandboxIdentity({ mchId: SAMPLE.mchId, merchantName: 'wxpay-server tests', now: ISSUED });
  cached = {
    ...generated,
    mchId: SAMPLE.mchId,
    apiV3Key: TEST_API_V3_KEY,
    merchantKey: createPrivateKey(generated.merchant.privateKeyPem),
    merchantPublicKey: createPublicKey(generated.merchant.certificatePem),
    wechatpayPrivateKey: createPrivateKey(generated.wechatpayPublicKey.privateKeyPem),
    wechatpayPublicKeyObject: createPublicKey(generated.wechatpayPublicKey.publicKeyPem),
    platformPrivateKey: createPrivateKey(generated.platform.privateKeyPem),
    platformCertificate: new X509Certificate(generated.platform.certificatePem),
  };
  return cached;
}
