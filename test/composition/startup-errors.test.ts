import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/composition/config.js';
import { causeOf, exitCodeOf, maskedUrl, StartupError } from '../../src/composition/startup-errors.js';

describe('maskedUrl', () => {
  it.each([
    ['mysql://shop:s3cret@db.internal:3306/shop', 'mysql://shop:***@db.internal:3306/shop'],
    ['redis://:pw@127.0.0.1:6379', 'redis://:***@127.0.0.1:6379'],
    ['rediss://default:p%40ss@cache:6380/2', 'rediss://default:***@cache:6380/2'],
    ['mysql://root@127.0.0.1:3306/test', 'mysql://root@127.0.0.1:3306/test'],
    ['sqlite:./data/wxpay.sqlite', 'sqlite:./data/wxpay.sqlite'],
  ])('%s → %s', (url, masked) => {
    expect(maskedUrl(url)).toBe(masked);
  });
});

describe('causeOf', () => {
  const coded = (code: string, message = 'raw') => Object.assign(new Error(message), { code });
  it('names a known code in words, also inside a cause or an AggregateError', () => {
    expect(causeOf(coded('ECONNREFUSED'))).toMatch(/^connection refused/);
    expect(causeOf(new Error('wrapped', { cause: coded('ENOTFOUND') }))).toBe('host not found');
    expect(causeOf(new AggregateError([coded('ETIMEDOUT'), coded('ECONNREFUSED')]))).toBe('connection timed out');
  });
  it('falls back to the message', () => {
    expect(causeOf(new Error("Access denied for user 'x'"))).toBe("Access denied for user 'x'");
    expect(causeOf('plain')).toBe('plain');
  });
});

/** Issue 21 #5: one exit-code rule, configuration problems 2 (not restarted by the unit), transient ones 1. */
describe('exitCodeOf', () => {
  const coded = (code: string) => Object.assign(new Error(code), { code });
  it.each([
    ['unknown database', new StartupError('database x', { cause: coded('ER_BAD_DB_ERROR') }), 2],
    ['wrong password', new StartupError('database x', { cause: coded('ER_ACCESS_DENIED_ERROR') }), 2],
    ['redis password', new StartupError('redis x', { cause: new Error('WRONGPASS invalid username-password pair') }), 2],
    ['a file not there', new StartupError('WECHAT_CERT_PEM x', { cause: coded('ENOENT') }), 2],
    ['said so', new StartupError('certificate of another merchant', { configuration: true }), 2],
    ['a bad setting', new ConfigError('invalid configuration'), 2],
    ['refused connection', new StartupError('database x', { cause: coded('ECONNREFUSED') }), 1],
    ['port taken', new StartupError('PORT 3000', { cause: coded('EADDRINUSE') }), 1],
    ['timed out', new StartupError('redis x', { cause: new AggregateError([coded('ETIMEDOUT')]) }), 1],
    ['anything else', new Error('boom'), 1],
  ])('%s → %i', (_what, error, code) => {
    expect(exitCodeOf(error)).toBe(code);
  });
});
