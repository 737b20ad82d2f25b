import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkV3Credentials, type V3CredentialSettings } from '../../../../src/adapters/wechatpay/v3/credential-check.js';
import { generateSandboxIdentity } from '../../../../src/sandbox/identity/sandbox-identity.js';
import { FIXTURE_SERIAL, fixtureCertPem, fixtureKeyPem, rsaPair } from './support.js';

const NOW = new Date('2026-01-15T04:00:00Z');
let next = 0;
const identity = generateSandboxIdentity({
  mchId: '1900009191',
  merchantName: '测试商户',
  now: NOW,
  newKeyPair: () => rsaPair(next++ % 4),
});
const API_V3_KEY = 'abcdefghijklmnopqrstuvwxyz012345';

const valid: V3CredentialSettings = {
  mchId: '1900009191',
  merchantSerialNo: identity.merchant.serialNo,
  privateKey: identity.merchant.privateKeyPem,
  merchantCertificate: identity.merchant.certificatePem,
  apiV3Key: API_V3_KEY,
  wechatpayPublicKeyId: identity.wechatpayPublicKey.id,
  wechatpayPublicKey: identity.wechatpayPublicKey.publicKeyPem,
  platformCertificates: [identity.platform.certificatePem],
};

const problemsOf = (settings: V3CredentialSettings, now = NOW): string[] => {
  const result = checkV3Credentials(settings, { now });
  return result.ok ? [] : result.error;
};

describe('checkV3Credentials', () => {
  it('accepts a consistent sandbox identity and returns parsed keys', () => {
    const result = checkV3Credentials(valid, { now: NOW });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.apiV3Key.length).toBe(32);
    expect(result.value.wechatpayPublicKey?.id).toBe(identity.wechatpayPublicKey.id);
    expect(result.value.platformCertificates.map((c) => c.serialNumber)).toEqual([identity.platform.serialNo]);
  });

  it('accepts the serial in lowercase and without the certificate', () => {
    const { merchantCertificate: _cert, ...rest } = valid;
    expect(problemsOf({ ...valid, merchantSerialNo: identity.merchant.serialNo.toLowerCase() })).toEqual([]);
    expect(problemsOf(rest)).toEqual([]);
  });

  it('reports every problem in one list', () => {
    const problems = problemsOf({
      mchId: 'abc',
      merchantSerialNo: 'XYZ',
      privateKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      apiV3Key: 'short',
      wechatpayPublicKeyId: 'PUBKEY_1',
    });
    expect(problems).toEqual([
      'mchId must be the merchant number (digits)',
      'merchantSerialNo must be the hex serial of the merchant API certificate (up to 40 digits)',
      'privateKey is RSA-1024; WeChat Pay requires at least RSA-2048',
      'apiV3Key must be exactly 32 bytes (it has 5)',
      'wechatpayPublicKeyId and wechatpayPublicKey must be given together',
    ]);
  });

  it('checks the merchant certificate against serial, key, mchid (CN) and validity', () => {
    // The axios-plugin fixture: its own key, serial 898DBAD30F416EC7, CN "wechatpay-axios-plugin Root CA".
    const fixture = { ...valid, privateKey: fixtureKeyPem, merchantCertificate: fixtureCertPem, merchantSerialNo: FIXTURE_SERIAL };
    expect(problemsOf(fixture)).toEqual(['merchantCertificate is issued to CN=wechatpay-axios-plugin Root CA, not to mchId 1900009191']);
    expect(problemsOf({ ...valid, merchantSerialNo: FIXTURE_SERIAL })).toEqual([
      `merchantSerialNo ${FIXTURE_SERIAL} differs from merchantCertificate's ${identity.merchant.serialNo}`,
    ]);
    expect(problemsOf({ ...valid, privateKey: fixtureKeyPem })).toEqual([
      'merchantCertificate does not belong to privateKey (public keys differ)',
    ]);
    expect(problemsOf({ ...valid, mchId: '1900000001' })).toEqual([
      'merchantCertificate is issued to CN=1900009191, not to mchId 1900000001',
    ]);
    expect(problemsOf(valid, new Date('2040-01-01T00:00:00Z')).join('\n')).toMatch(/merchantCertificate \(\w+\) expired at 2031-/);
  });

  it('refuses a non-RSA key, the merchant key posing as WeChat Pay’s, and the merchant cert posing as a platform cert', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(problemsOf({ ...valid, privateKey: ec })).toContain('privateKey is not an RSA key');
    const merchantPublic = rsaPair(1).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(problemsOf({ ...valid, wechatpayPublicKey: merchantPublic })).toEqual([
      "wechatpayPublicKey is the merchant's own key, not WeChat Pay's",
    ]);
    expect(problemsOf({ ...valid, platformCertificates: [identity.merchant.certificatePem] })).toEqual([
      `platformCertificates[0] is the merchant certificate ${identity.merchant.serialNo}, not a WeChat Pay platform one`,
    ]);
  });

  it('requires some way to verify WeChat Pay unless told otherwise', () => {
    const { wechatpayPublicKey: _k, wechatpayPublicKeyId: _i, platformCertificates: _p, ...bare } = valid;
    expect(problemsOf(bare)).toEqual([
      'no WeChat Pay public key or platform certificate configured: answers and notifies are unverifiable',
    ]);
    expect(checkV3Credentials(bare, { now: NOW, requireVerificationKey: false }).ok).toBe(true);
  });

  it('checks the public key ID shape and the APIv3 key length in bytes, never echoing either secret', () => {
    const problems = problemsOf({ ...valid, wechatpayPublicKeyId: 'PUB_KEY_ID_', apiV3Key: `${API_V3_KEY.slice(1)}é` });
    expect(problems).toEqual([
      'apiV3Key must be exactly 32 bytes (it has 33)',
      'wechatpayPublicKeyId must look like PUB_KEY_ID_0114232134912410000000000000',
    ]);
    const swapped = { ...valid, apiV3Key: 'x', mchId: 'y', privateKey: fixtureCertPem, merchantCertificate: fixtureKeyPem };
    const everything = problemsOf(swapped).join('\n');
    expect(everything).not.toMatch(/MII|BEGIN/);
    expect(problemsOf({ ...valid, apiV3Key: `${API_V3_KEY}!` }).join('\n')).not.toContain(API_V3_KEY);
  });
});
