import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/composition/config.js';
import { testIdentity } from '../support/v3-identity.js';

const id = testIdentity();
const base = {
  WECHAT_GATEWAY: 'wechat',
  WECHAT_APPID: 'wxd930ea5d5a258f4f',
  WECHAT_APP_SECRET: 's',
  WECHAT_MCH_ID: '10000100',
  WECHAT_NOTIFY_URL: 'https://shop.example/wechat/pay-notify',
  SESSION_SECRET: 's'.repeat(32),
  WECHAT_API_VERSION: 'v3',
};
const v3 = {
  WECHAT_MCH_PRIVATE_KEY: id.merchant.privateKeyPem,
  WECHAT_MCH_CERT_SERIAL: id.merchant.serialNo,
  WECHAT_API_V3_KEY: id.apiV3Key,
  WECHAT_PAY_PUBLIC_KEY: id.wechatpayPublicKey.publicKeyPem,
  WECHAT_PAY_PUBLIC_KEY_ID: id.wechatpayPublicKey.id,
};

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration: WeChat Pay API v3', () => {
  it('defaults to v2; the sandbox on v3 uses generated keys and keeps the v2 sample key, so both dialects are accepted', () => {
    expect(loadConfig({}).apiVersion).toBe('v2');
    expect(loadConfig({}).wechat.v3).toBeUndefined();
    const sandbox = loadConfig({ WECHAT_API_VERSION: 'v3' });
    expect(sandbox).toMatchObject({
      apiVersion: 'v3',
      wechat: { v3: { platformCertificates: true }, apiKey: '192006250b4c09247ec02edce69f6a2d' },
    });
    expect(sandbox.wechat.v3?.credentials).toBeUndefined();
  });

  it('takes public-key mode with inline PEMs (one-line \\n escapes too) and needs no v2 key', () => {
    const oneLine = { ...v3, WECHAT_MCH_PRIVATE_KEY: id.merchant.privateKeyPem.replace(/\n/g, '\\n') };
    const config = loadConfig({ ...base, ...oneLine });
    expect(config.wechat.apiKey).toBeUndefined();
    expect(config.wechat.v3).toMatchObject({ platformCertificates: false, credentials: { merchantSerialNo: id.merchant.serialNo } });
    expect(config.wechat.v3?.credentials?.wechatpayPublicKey?.id).toBe(id.wechatpayPublicKey.id);
  });

  it('takes platform certificates from files, several at once, next to the public key during a migration', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-v3-config-'));
    writeFileSync(join(dir, 'platform.pem'), id.platform.certificatePem);
    writeFileSync(join(dir, 'apiclient_key.pem'), id.merchant.privateKeyPem);
    writeFileSync(join(dir, 'apiclient_cert.pem'), id.merchant.certificatePem);
    const config = loadConfig({
      ...base,
      ...v3,
      WECHAT_MCH_PRIVATE_KEY: join(dir, 'apiclient_key.pem'),
      WECHAT_MCH_CERT: join(dir, 'apiclient_cert.pem'),
      WECHAT_PLATFORM_CERT: `${join(dir, 'platform.pem')}, ${join(dir, 'platform.pem')}`,
      WECHAT_API_KEY: 'a'.repeat(32),
    });
    expect(config.wechat.v3).toMatchObject({ platformCertificates: true, bootstrap: 'refuse' });
    expect(config.wechat.v3?.credentials?.platformCertificates).toHaveLength(2);
    expect(config.wechat.apiKey).toBe('a'.repeat(32));
  });

  it('names every v3 problem at once, by variable, and never prints a key', () => {
    const message = problems({
      ...base,
      WECHAT_MCH_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----',
      WECHAT_MCH_CERT_SERIAL: 'XYZ',
      WECHAT_API_V3_KEY: 'thirty-one-bytes-long-secret-ke',
      WECHAT_PAY_PUBLIC_KEY: id.merchant.certificatePem,
      WECHAT_PAY_PUBLIC_KEY_ID: 'PUBKEY-1',
      WECHAT_PLATFORM_CERT_BOOTSTRAP: 'trust-me',
    });
    for (const name of [
      'WECHAT_MCH_PRIVATE_KEY',
      'WECHAT_MCH_CERT_SERIAL',
      'WECHAT_API_V3_KEY',
      'WECHAT_PAY_PUBLIC_KEY_ID',
      'WECHAT_PAY_PUBLIC_KEY is not a PEM public key',
      'WECHAT_PLATFORM_CERT_BOOTSTRAP',
    ]) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain('thirty-one-bytes');
    expect(message).not.toContain('not a key');
  });

  it('checks that the key and the serial belong together when the merchant certificate is given', () => {
    const message = problems({ ...base, ...v3, WECHAT_MCH_CERT: id.merchant.certificatePem, WECHAT_MCH_CERT_SERIAL: '0123456789ABCDEF' });
    expect(message).toContain(`WECHAT_MCH_CERT_SERIAL 0123456789ABCDEF differs from WECHAT_MCH_CERT's ${id.merchant.serialNo}`);
    const otherKey = problems({
      ...base,
      ...v3,
      WECHAT_MCH_CERT: id.merchant.certificatePem,
      WECHAT_MCH_PRIVATE_KEY: id.platform.privateKeyPem,
    });
    expect(otherKey).toContain('WECHAT_MCH_CERT does not belong to WECHAT_MCH_PRIVATE_KEY');
  });

  it('wants a way to verify answers, and the core v3 settings when some are given', () => {
    const { WECHAT_PAY_PUBLIC_KEY: _k, WECHAT_PAY_PUBLIC_KEY_ID: _i, ...noTrust } = v3;
    expect(problems({ ...base, ...noTrust })).toContain('WECHAT_PAY_PUBLIC_KEY: API v3 needs');
    expect(problems({ ...base, WECHAT_API_VERSION: 'v2', WECHAT_API_KEY: 'a'.repeat(32), WECHAT_API_V3_KEY: id.apiV3Key })).toMatch(
      /WECHAT_MCH_PRIVATE_KEY: is required for API v3 \(some v3 settings are given\)/,
    );
    expect(problems({ ...base, WECHAT_API_VERSION: 'v2' })).toContain(
      'WECHAT_API_KEY: is required when WECHAT_GATEWAY=wechat and WECHAT_API_VERSION=v2',
    );
  });

  it('accepts platform-certificate mode by the opt-in APIv3-key bootstrap alone', () => {
    const { WECHAT_PAY_PUBLIC_KEY: _k, WECHAT_PAY_PUBLIC_KEY_ID: _i, ...noTrust } = v3;
    expect(loadConfig({ ...base, ...noTrust, WECHAT_PLATFORM_CERT_BOOTSTRAP: 'apiv3Key' }).wechat.v3).toMatchObject({
      platformCertificates: true,
      bootstrap: 'apiv3Key',
    });
  });
});
