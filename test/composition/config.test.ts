import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/composition/config.js';

/** A complete real-WeChat-Pay configuration on API v2 but for the merchant certificate. */
const LIVE = {
  WECHAT_GATEWAY: 'wechat',
  WECHAT_APPID: 'wx1',
  WECHAT_APP_SECRET: 's',
  WECHAT_MCH_ID: '1',
  WECHAT_API_KEY: 'a'.repeat(32),
  SESSION_SECRET: 's'.repeat(32),
  WECHAT_NOTIFY_URL: 'https://shop.example/wechat/pay-notify',
};
const CERTIFICATE = { WECHAT_CERT_PEM: '/etc/wxpay/apiclient_cert.pem', WECHAT_KEY_PEM: '/etc/wxpay/apiclient_key.pem' };

describe('configuration', () => {
  it('runs on embedded defaults with nothing set: SQLite, in-process lock, sandbox with the sample merchant', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: 'sqlite:./data/wxpay.sqlite',
      gateway: 'sandbox',
      redisKeyPrefix: 'wxpay:',
      wechat: { appId: 'wxd930ea5d5a258f4f', mchId: '10000100', signType: 'MD5' },
      ephemeralSessionSecret: true,
      demoGoods: true,
    });
    expect(config.redisUrl).toBeUndefined();
  });

  it('names every problem at once', () => {
    let message = '';
    try {
      loadConfig({
        WECHAT_GATEWAY: 'wechat',
        PORT: 'eighty',
        WECHAT_API_KEY: 'short',
        DATABASE_URL: 'postgres://x',
        EVENTS_WEBHOOK_URL: 'https://hooks.example/x',
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    for (const name of [
      'PORT',
      'WECHAT_API_KEY',
      'DATABASE_URL',
      'WECHAT_APPID',
      'WECHAT_MCH_ID',
      'WECHAT_NOTIFY_URL',
      'SESSION_SECRET',
      'EVENTS_WEBHOOK_SECRET',
    ]) {
      expect(message).toContain(name);
    }
  });

  it('takes a fixed server IP for spbill_create_ip, and refuses one that is not an address', () => {
    expect(loadConfig({ WECHAT_SERVER_IP: '203.0.113.9' }).wechat.serverIp).toBe('203.0.113.9');
    expect(() => loadConfig({ WECHAT_SERVER_IP: 'shop.example' })).toThrow(/WECHAT_SERVER_IP/);
  });

  it('refuses the sandbox in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/sandbox refuses to run with NODE_ENV=production/);
  });

  it('wants an https notify URL without a query string for real WeChat Pay', () => {
    const { WECHAT_NOTIFY_URL: _url, ...base } = { ...LIVE, ...CERTIFICATE };
    expect(() => loadConfig({ ...base, WECHAT_NOTIFY_URL: 'http://shop.example/wechat/pay-notify' })).toThrow(/must be https/);
    expect(() => loadConfig({ ...base, WECHAT_NOTIFY_URL: 'https://shop.example/wechat/pay-notify?x=1' })).toThrow(
      /without a query string/,
    );
    expect(loadConfig({ ...base, WECHAT_NOTIFY_URL: 'https://shop.example/wechat/pay-notify' }).wechat.baseUrl).toBe(
      'https://api.mch.weixin.qq.com',
    );
  });

  it.each(['WECHAT_NOTIFY_URL', 'WECHAT_REFUND_NOTIFY_URL'])('wants %s https for real WeChat Pay, however the scheme is spelt', (key) => {
    const base = { ...LIVE, ...CERTIFICATE, WECHAT_REFUND_NOTIFY_URL: 'https://shop.example/wechat/refund-notify' };
    for (const url of ['http://shop.example/wechat/notify', 'HTTP://shop.example/wechat/notify']) {
      expect(() => loadConfig({ ...base, [key]: url })).toThrow(new RegExp(`${key}: must be https for real WeChat Pay`));
    }
    expect(loadConfig({ ...base }).wechat.refundNotifyUrl).toBe('https://shop.example/wechat/refund-notify');
    // The sandbox takes the plain http the simulator and a developer's machine speak.
    const { WECHAT_GATEWAY: _live, ...sandbox } = base;
    expect(loadConfig({ ...sandbox, [key]: 'http://127.0.0.1:3000/wechat/notify' }).gateway).toBe('sandbox');
  });

  it('refuses to run real WeChat Pay v2 without the merchant certificate, unless refunds are explicitly disabled', () => {
    const live = LIVE;
    expect(() => loadConfig(live)).toThrow(/refunds over API v2 need the merchant API certificate.*WECHAT_REFUNDS=disabled/);
    expect(loadConfig({ ...live, WECHAT_REFUNDS: 'disabled' }).wechat).toMatchObject({ refundsEnabled: false });
    expect(loadConfig({ ...live, WECHAT_CERT_P12: '/etc/wxpay/apiclient_cert.p12' }).wechat).toMatchObject({
      refundsEnabled: true,
      certificate: { p12Path: '/etc/wxpay/apiclient_cert.p12', passphrase: '1' },
    });
    expect(() => loadConfig({ ...live, WECHAT_REFUNDS: 'maybe' })).toThrow(/WECHAT_REFUNDS/);
  });

  it('in sandbox mode sends logins to WECHAT_BASE_URL when WECHAT_LOGIN_BASE_URL is not set: a standalone simulator serves both', () => {
    const sim = 'http://127.0.0.1:3100/sandbox/wxpay';
    expect(loadConfig({ WECHAT_BASE_URL: sim }).wechat).toMatchObject({ baseUrl: sim, loginBaseUrl: sim });
    expect(loadConfig({ WECHAT_BASE_URL: sim, WECHAT_LOGIN_BASE_URL: 'http://login.test/x' }).wechat).toMatchObject({
      baseUrl: sim,
      loginBaseUrl: 'http://login.test/x',
    });
    const embedded = loadConfig({}).wechat;
    expect(embedded.baseUrl).toBeUndefined();
    expect(embedded.loginBaseUrl).toBeUndefined();
  });

  it('in wechat mode keeps the two WeChat hosts: a WECHAT_BASE_URL does not move logins', () => {
    const live = { ...LIVE, WECHAT_REFUNDS: 'disabled' };
    expect(loadConfig({ ...live, WECHAT_BASE_URL: 'https://api2.mch.weixin.qq.com' }).wechat).toMatchObject({
      baseUrl: 'https://api2.mch.weixin.qq.com',
      loginBaseUrl: 'https://api.weixin.qq.com',
    });
    expect(loadConfig(live).wechat).toMatchObject({ baseUrl: 'https://api.mch.weixin.qq.com', loginBaseUrl: 'https://api.weixin.qq.com' });
  });

  it('never puts a secret into its error messages', () => {
    try {
      loadConfig({ WECHAT_API_KEY: 'this-is-a-secret-but-malformed!!', SESSION_SECRET: 'too-short-secret' });
    } catch (error) {
      expect((error as Error).message).not.toMatch(/this-is-a-secret|too-short-secret/);
    }
  });

  it('checks the rules between settings against the same defaults the settings take (one default per setting)', () => {
    // HTTP_HEADERS_TIMEOUT_MS defaults to 10 s, HTTP_REQUEST_TIMEOUT_MS to 30 s.
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '5000' })).toThrow(
      /HTTP_REQUEST_TIMEOUT_MS: must be at least HTTP_HEADERS_TIMEOUT_MS/,
    );
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '40000' })).toThrow(/HTTP_REQUEST_TIMEOUT_MS: must be at least/);
    expect(loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '30000' }).httpTimeouts).toEqual({
      headersMs: 30_000,
      requestMs: 30_000,
      keepAliveMs: 65_000,
    });
    // PORT defaults to 3000, and a port is compared as a number, however it is written.
    expect(() => loadConfig({ ADMIN_PORT: '03000' })).toThrow(/ADMIN_PORT: must differ from PORT/);
    expect(loadConfig({ PORT: '3001', ADMIN_PORT: '3000' }).adminListener).toEqual({ port: 3000, host: '127.0.0.1' });
    // WECHAT_API_VERSION defaults to v2, which needs the v2 key.
    const { WECHAT_API_KEY: _key, ...live } = { ...LIVE, WECHAT_REFUNDS: 'disabled' };
    expect(() => loadConfig(live)).toThrow(/WECHAT_API_KEY: is required when WECHAT_GATEWAY=wechat and WECHAT_API_VERSION=v2/);
    // WECHAT_GATEWAY defaults to sandbox, which production refuses.
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/WECHAT_GATEWAY: sandbox refuses/);
    // The certificate's passphrase defaults to the mch_id, the sample merchant's in sandbox mode.
    expect(loadConfig({ WECHAT_CERT_P12: '/c.p12' }).wechat.certificate).toEqual({ p12Path: '/c.p12', passphrase: '10000100' });
  });

  it('reports a malformed value once, without rules between settings guessing at it', () => {
    let message = '';
    try {
      loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '200000', HTTP_REQUEST_TIMEOUT_MS: '5000' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.trim().split('\n').slice(1)).toEqual(['  HTTP_HEADERS_TIMEOUT_MS: must be an integer from 1000 to 120000']);
  });
});
