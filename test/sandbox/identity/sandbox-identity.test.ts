import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acceptCertificateDownload } from '../../../src/adapters/wechatpay/v3/certificate-download.js';
import { checkV3Credentials } from '../../../src/adapters/wechatpay/v3/credential-check.js';
import { PlatformKeyStore, trustCertificate } from '../../../src/adapters/wechatpay/v3/platform-key-store.js';
import { generateSandboxIdentity } from '../../../src/sandbox/identity/sandbox-identity.js';
import { isPublicKeyId } from '../../../src/adapters/wechatpay/v3/serial.js';
import { certificateValidity, commonName } from '../../../src/adapters/wechatpay/v3/x509-facts.js';
import { API_V3_KEY, downloadBody, signedDownload } from '../../adapters/wechatpay/v3/platform-fixtures.js';

const NOW = new Date('2026-03-01T00:00:00Z');
let serials = 0;
// Real key generation, once: this is what the simulator does at first start.
const identity = generateSandboxIdentity({
  mchId: '1900009191',
  merchantName: '沙箱测试商户',
  now: NOW,
  newSerial: () => `${(++serials).toString(16).toUpperCase().padStart(2, '0')}${'AB'.repeat(19)}`,
  newKeyIdDigits: () => '00000000000001',
});

describe('generateSandboxIdentity', () => {
  const merchantCert = new X509Certificate(identity.merchant.certificatePem);
  const platformCert = new X509Certificate(identity.platform.certificatePem);
  const caCert = new X509Certificate(identity.ca.certificatePem);

  it('issues a merchant API certificate for the mchid, signed by the sandbox CA, matching the merchant key', () => {
    expect(commonName(merchantCert)).toBe('1900009191');
    expect(merchantCert.subject).toBe('CN=1900009191\nO=微信商户系统\nOU=沙箱测试商户\nC=CN');
    expect(merchantCert.serialNumber).toBe(identity.merchant.serialNo);
    expect(merchantCert.verify(caCert.publicKey)).toBe(true);
    expect(merchantCert.checkPrivateKey(createPrivateKey(identity.merchant.privateKeyPem))).toBe(true);
    expect(certificateValidity(merchantCert)).toEqual({
      notBefore: new Date('2026-02-28T23:00:00Z'), // one hour of clock-skew slack before `now`
      notAfter: new Date('2031-02-27T23:00:00Z'), // 5 × 365 days
    });
  });

  it('issues a platform certificate and a public key with a PUB_KEY_ID-shaped id', () => {
    expect(platformCert.serialNumber).toBe(identity.platform.serialNo);
    expect(platformCert.verify(caCert.publicKey)).toBe(true);
    expect(platformCert.ca).toBe(false);
    expect(caCert.ca).toBe(true);
    expect(identity.wechatpayPublicKey.id).toBe('PUB_KEY_ID_01190000919120260301' + '00000000000001');
    expect(isPublicKeyId(identity.wechatpayPublicKey.id)).toBe(true);
    const pair = createPrivateKey(identity.wechatpayPublicKey.privateKeyPem);
    expect(createPublicKey(pair).export({ type: 'spki', format: 'pem' })).toBe(identity.wechatpayPublicKey.publicKeyPem);
  });

  it('passes the merchant-side credential check as is', () => {
    const result = checkV3Credentials(
      {
        mchId: '1900009191',
        merchantSerialNo: identity.merchant.serialNo,
        privateKey: identity.merchant.privateKeyPem,
        merchantCertificate: identity.merchant.certificatePem,
        apiV3Key: API_V3_KEY,
        wechatpayPublicKeyId: identity.wechatpayPublicKey.id,
        wechatpayPublicKey: identity.wechatpayPublicKey.publicKeyPem,
        platformCertificates: [identity.platform.certificatePem],
      },
      { now: NOW },
    );
    expect(result.ok ? [] : result.error).toEqual([]);
  });

  it('OpenSSL verifies both leaves against the sandbox CA', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-sandbox-'));
    const path = (name: string, pem: string) => {
      writeFileSync(join(dir, name), pem);
      return join(dir, name);
    };
    const ca = path('ca.pem', identity.ca.certificatePem);
    const leaves = [path('m.pem', identity.merchant.certificatePem), path('p.pem', identity.platform.certificatePem)];
    const out = execFileSync('openssl', ['verify', '-CAfile', ca, ...leaves], { encoding: 'utf8' });
    expect(
      out
        .trim()
        .split('\n')
        .every((line) => line.endsWith(': OK')),
    ).toBe(true);
  });

  it('its platform certificate serves a /v3/certificates download the merchant side accepts', () => {
    const store = PlatformKeyStore.of([trustCertificate(platformCert, 'configuredCertificate')]);
    const keys = { privateKey: createPrivateKey(identity.platform.privateKeyPem), publicKey: platformCert.publicKey };
    const cert = { serial: identity.platform.serialNo, pem: identity.platform.certificatePem, certificate: platformCert, keys };
    const answer = signedDownload(downloadBody([cert]), cert.keys, cert.serial, Math.floor(NOW.getTime() / 1000));
    expect(acceptCertificateDownload(store, answer, API_V3_KEY, NOW).ok).toBe(true);
  });
});
