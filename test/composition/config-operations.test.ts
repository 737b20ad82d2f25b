import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/composition/config.js';

const production = {
  NODE_ENV: 'production',
  WECHAT_GATEWAY: 'wechat',
  WECHAT_APPID: 'wx5f3c2a9b7d1e4086',
  WECHAT_APP_SECRET: '3f9c1d7a2b8e4f60a5c3d9e1b7f2a4c8',
  WECHAT_MCH_ID: '1612345678',
  WECHAT_API_KEY: 'Xq7Lm2Vb9Rt4Nz8Kd3Hw6Yp1Sg5Fj0Ca',
  WECHAT_NOTIFY_URL: 'https://pay.shop-under-test.cn/wechat/pay-notify',
  SESSION_SECRET: 'b3K9xQ2mZ7vR4tL8nW1pY6sD0fH5jG3cA9eU2iO7',
  HOST: '127.0.0.1',
  WECHAT_REFUNDS: 'disabled',
};

describe('configuration for going live (issue 14 §3)', () => {
  it('migrates on start by default, but not with NODE_ENV=production; yes/no win over the default', () => {
    expect(loadConfig({}).migrateOnStart).toBe(true);
    expect(loadConfig(production).migrateOnStart).toBe(false);
    expect(loadConfig({ ...production, MIGRATE_ON_START: 'yes' }).migrateOnStart).toBe(true);
    expect(loadConfig({ MIGRATE_ON_START: 'no' }).migrateOnStart).toBe(false);
    expect(loadConfig({ MIGRATE_ON_START: 'false' }).migrateOnStart).toBe(false);
    expect(() => loadConfig({ MIGRATE_ON_START: 'sometimes' })).toThrow(/MIGRATE_ON_START/);
  });

  it('puts the admin listener on loopback unless told otherwise, and refuses it on the public port', () => {
    expect(loadConfig({}).adminListener).toBeUndefined();
    expect(loadConfig({ ADMIN_PORT: '3001' }).adminListener).toEqual({ port: 3001, host: '127.0.0.1' });
    expect(loadConfig({ ADMIN_PORT: '3001', ADMIN_HOST: '10.0.0.5' }).adminListener).toEqual({ port: 3001, host: '10.0.0.5' });
    expect(loadConfig({ ADMIN_PORT: '' }).adminListener).toBeUndefined();
    expect(() => loadConfig({ ADMIN_PORT: '3000' })).toThrow(/ADMIN_PORT: must differ from PORT/);
    expect(() => loadConfig({ ADMIN_PORT: 'admin' })).toThrow(/ADMIN_PORT/);
  });

  it('wants a METRICS_TOKEN of at least 16 characters, and never prints it', () => {
    expect(loadConfig({ METRICS_TOKEN: 'm'.repeat(16) }).metricsToken).toBe('m'.repeat(16));
    expect(() => loadConfig({ METRICS_TOKEN: 'short-secret' })).toThrow(/METRICS_TOKEN: must be at least 16 characters/);
    expect(() => loadConfig({ METRICS_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
  });
});
