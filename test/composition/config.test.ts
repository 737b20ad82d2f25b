import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/composition/config.js';

/** A complete real-WeChat-Pay configuration on API v2 but for the merchant certificate. */
const LIVE = {
  WECHAT_GATEWAY: 'wechat',
  WECHAT_APPID: 'wx5f3c2a9b7d1e4086',
  WECHAT_APP_SECRET: 's',
  WECHAT_MCH_ID: '1612345678',
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
    expect(config.redis).toBeUndefined();
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
      certificate: { p12Path: '/etc/wxpay/apiclient_cert.p12', passphrase: '1612345678' },
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

  describe('Redis: standalone, Sentinel or Cluster, chosen by which variables are set', () => {
    const problemsOf = (env: Record<string, string>): string[] => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        return (error as Error).message
          .trim()
          .split('\n')
          .slice(1)
          .map((line) => line.trim());
      }
    };

    it('reads each mode', () => {
      expect(loadConfig({ REDIS_URL: 'redis://:pw@cache:6380/2' }).redis).toEqual({ mode: 'standalone', url: 'redis://:pw@cache:6380/2' });
      expect(
        loadConfig({
          REDIS_SENTINELS: 's1:26379, s2:26379,[::1]:26380',
          REDIS_SENTINEL_MASTER: 'wxpay',
          REDIS_PASSWORD: 'data-pw',
          REDIS_SENTINEL_PASSWORD: 'sentinel-pw',
        }).redis,
      ).toEqual({
        mode: 'sentinel',
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26379 },
          { host: '::1', port: 26380 },
        ],
        masterName: 'wxpay',
        password: 'data-pw',
        sentinelPassword: 'sentinel-pw',
      });
      expect(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7000' }).redis).toEqual({
        mode: 'cluster',
        nodes: [
          { host: '10.0.0.1', port: 7000 },
          { host: '10.0.0.2', port: 7000 },
        ],
      });
    });

    it('refuses two modes at once, naming both', () => {
      expect(problemsOf({ REDIS_URL: 'redis://cache:6379', REDIS_CLUSTER_NODES: 'a:7000' })).toEqual([
        'REDIS_URL, REDIS_CLUSTER_NODES: set only one (standalone, Sentinel or Cluster)',
      ]);
      expect(problemsOf({ REDIS_SENTINELS: 'a:26379', REDIS_SENTINEL_MASTER: 'm', REDIS_CLUSTER_NODES: 'a:7000' })).toEqual([
        'REDIS_SENTINELS, REDIS_CLUSTER_NODES: set only one (standalone, Sentinel or Cluster)',
      ]);
    });

    it('refuses a Sentinel set-up without its master name, and settings that belong to a mode not chosen', () => {
      expect(problemsOf({ REDIS_SENTINELS: 'a:26379' })).toEqual([
        'REDIS_SENTINEL_MASTER: is required with REDIS_SENTINELS (the name the Sentinels monitor the master under)',
      ]);
      expect(problemsOf({ REDIS_SENTINEL_MASTER: 'm', REDIS_SENTINEL_PASSWORD: 'p' })).toEqual([
        'REDIS_SENTINEL_MASTER: is set but REDIS_SENTINELS is not',
        'REDIS_SENTINEL_PASSWORD: is set but REDIS_SENTINELS is not',
      ]);
      expect(problemsOf({ REDIS_URL: 'redis://cache:6379', REDIS_PASSWORD: 'p' })).toEqual([
        'REDIS_PASSWORD: applies to REDIS_SENTINELS or REDIS_CLUSTER_NODES; with REDIS_URL put it in the URL (redis://:password@host:port)',
      ]);
    });

    it('refuses an address list that is not host:port', () => {
      for (const bad of ['cache', 'cache:', 'cache:0', 'cache:70000', 'a:7000,', 'a:7000;b:7000', 'http://a:7000']) {
        expect(problemsOf({ REDIS_CLUSTER_NODES: bad })).toEqual([
          'REDIS_CLUSTER_NODES: must be host:port[,host:port…] (ports 1 to 65535)',
        ]);
      }
    });

    it('refuses a key prefix with a {hash tag}: every key of the deployment would land in one Cluster slot', () => {
      expect(problemsOf({ REDIS_KEY_PREFIX: '{wxpay}:' })).toEqual(['REDIS_KEY_PREFIX: letters, digits and _ : . - only']);
    });
  });
});
