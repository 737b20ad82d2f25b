import { describe, expect, it } from 'vitest';
import { causeOf, maskedUrl } from '../../src/composition/startup-errors.js';

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
