import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/composition/config.js';
import { estimatedBits, MIN_SECRET_BITS } from '../../src/composition/settings/production.js';

const production = {
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  WECHAT_GATEWAY: 'wechat',
  WECHAT_APPID: 'wx5f3c2a9b7d1e4086',
  WECHAT_APP_SECRET: '3f9c1d7a2b8e4f60a5c3d9e1b7f2a4c8',
  WECHAT_MCH_ID: '1612345678',
  WECHAT_API_KEY: 'Xq7Lm2Vb9Rt4Nz8Kd3Hw6Yp1Sg5Fj0Ca',
  WECHAT_NOTIFY_URL: 'https://pay.shop-under-test.cn/wechat/pay-notify',
  SESSION_SECRET: 'b3K9xQ2mZ7vR4tL8nW1pY6sD0fH5jG3cA9eU2iO7',
  ADMIN_TOKEN: 'u4Tz9Qe2Lk7Wx1Rb5Nm8Vc3Jh6',
  WECHAT_REFUNDS: 'disabled',
};

const problemsOf = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
};

/** Issue 21 #3: production refuses placeholders, sample values and easily guessed secrets. */
describe('production secrets', () => {
  it('accepts a production configuration of real-looking values', () => {
    expect(problemsOf(production)).toBe('');
  });

  it.each([
    ['ADMIN_TOKEN', 'replace-with-a-long-random-admin-token'],
    ['SESSION_SECRET', 'replace-with-32-or-more-random-characters'],
    ['WECHAT_API_KEY', 'ReplaceWithYour32CharacterAPIKey'],
    ['WECHAT_API_KEY', '192006250b4c09247ec02edce69f6a2d'], // WeChat's sample merchant, the sandbox's key
    ['WECHAT_APP_SECRET', 'wxpay-simulator-sample-appsecret'],
    ['WECHAT_APPID', 'wxd930ea5d5a258f4f'],
    ['WECHAT_MCH_ID', '10000100'],
    ['WECHAT_NOTIFY_URL', 'https://pay.example.com/wechat/pay-notify'],
  ])('refuses %s=%s, naming it without echoing it', (name, value) => {
    const message = problemsOf({ ...production, [name]: value });
    expect(message).toMatch(new RegExp(`^  ${name}: `, 'm'));
    if (name !== 'WECHAT_NOTIFY_URL') expect(message).not.toContain(value);
    // Outside production the same value is accepted (a staging shop, a test).
    expect(problemsOf({ ...production, NODE_ENV: 'staging', [name]: value })).not.toMatch(new RegExp(`^  ${name}: `, 'm'));
  });

  it.each([
    ['ADMIN_TOKEN', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['ADMIN_TOKEN', 'abcdefghijklmnopqrstuvwxyz012345'],
    ['SESSION_SECRET', '0101010101010101010101010101010101010101'],
    ['METRICS_TOKEN', 'Ab3kL9qZ2xW7'.padEnd(16, '!')],
    ['WECHAT_API_KEY', '12345678901234567890123456789012'],
  ])('refuses a guessable %s', (name, value) => {
    expect(problemsOf({ ...production, [name]: value })).toMatch(new RegExp(`^  ${name}: too easy to guess .*openssl rand`, 'm'));
  });

  it('scores random secrets above the bar and patterns below it', () => {
    expect(estimatedBits('aaaaaaaa')).toBe(0);
    expect(estimatedBits('3f9c1d7a2b8e4f60a5c3d9e1b7f2a4c8')).toBeGreaterThan(MIN_SECRET_BITS);
    expect(estimatedBits('abcdefghijklmnopqrstuvwxyz012345')).toBeLessThan(MIN_SECRET_BITS);
  });

  it('requires HOST in production, saying what to set', () => {
    const { HOST: _host, ...withoutHost } = production;
    expect(problemsOf(withoutHost)).toMatch(/^ {2}HOST: is required with NODE_ENV=production: 127\.0\.0\.1 behind nginx/m);
  });
});

/** Issue 21 #6: an AppID or merchant ID that cannot be one is flagged in every mode. */
describe('merchant identity formats', () => {
  it.each([
    ['WECHAT_APPID', 'abc'],
    ['WECHAT_APPID', 'wx5f3c2a9b7d1e408'],
    ['WECHAT_APPID', 'WX5F3C2A9B7D1E4086'],
    ['WECHAT_MCH_ID', '12ab'],
    ['WECHAT_MCH_ID', '1234567'],
    ['WECHAT_MCH_ID', '12345678901'],
  ])('%s=%s', (name, value) => {
    expect(problemsOf({ ...production, [name]: value })).toMatch(new RegExp(`^  ${name}: must be`, 'm'));
    expect(problemsOf({ [name]: value })).toMatch(new RegExp(`^  ${name}: must be`, 'm'));
  });

  it('accepts WeChat’s sample merchant in the sandbox and 8 to 10 digit merchant IDs', () => {
    expect(problemsOf({ WECHAT_APPID: 'wxd930ea5d5a258f4f', WECHAT_MCH_ID: '10000100' })).toBe('');
    expect(problemsOf({ ...production, WECHAT_MCH_ID: '1900012345' })).toBe('');
  });
});
