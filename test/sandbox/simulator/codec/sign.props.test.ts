import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { simSign, simSigningString, simVerify, type SimSignType } from '../../../../src/sandbox/simulator/codec/index.js';
import { plugin } from './plugin.js';

// Field names. WeChat's are ASCII snake case (plus camelCase for paySign); random names add digits-first, symbols
// (`=`, `&`, space…) and non-ASCII BMP text. Left out, because the plugin cannot represent them, not because we
// care: integer-like names (JS objects list them first, so the plugin's ksort-into-an-object reorders them),
// `__proto__` (its Object.assign would set a prototype) and astral characters (its Array#sort compares UTF-16
// units; see the ordering test below).
const wechatName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,15}$/);
const randomName = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 8 })
  .filter((n) => !/^[0-9]+$/.test(n) && n !== '__proto__' && !/[\u{10000}-\u{10FFFF}]/u.test(n));
const name = fc.oneof(wechatName, randomName, fc.constantFrom('sign', 'sign_type', 'key', 'appid', 'A', 'a', '_'));
const value = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }), // any code point, astral included
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.stringMatching(/^[0-9]{1,10}$/),
  fc.constantFrom('', ' ', ' 1 ', 'MD5', 'HMAC-SHA256', 'a=b&c=d', '&key=x', '中文', '😀'),
);
const fields = fc.dictionary(name, value, { maxKeys: 12 });
const apiKey = fc.oneof(fc.stringMatching(/^[0-9A-Za-z]{32}$/), fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }));
const signType = fc.constantFrom<SimSignType>('MD5', 'HMAC-SHA256');

describe('simSign agrees with wechatpay-axios-plugin', () => {
  test.prop([fields, apiKey, signType], { numRuns: 500 })('on random field maps', (params, key, type) => {
    expect(simSign(params, key, type)).toBe(plugin.Hash.sign(type, params, key));
  });

  test.prop([fields], { numRuns: 500 })('stringA equals the plugin queryStringLike(ksort(…))', (params) => {
    expect(simSigningString(params)).toBe(plugin.Formatter.queryStringLike(plugin.Formatter.ksort(params)));
  });

  test.prop([fields, apiKey, signType])('a plugin-made sign verifies with simVerify, a sign field and all', (params, key, type) => {
    const sign = plugin.Hash.sign(type, params, key);
    expect(simVerify({ ...params, sign }, key, type)).toBe(true);
    expect(plugin.Hash.equals(simSign({ ...params, sign }, key, type), sign)).toBe(true);
  });
});

describe('simVerify refuses everything else', () => {
  test.prop([fields, apiKey, signType, fc.nat(), fc.constantFrom(...'0123456789ABCDEFabcdef')])(
    'a sign with one character changed',
    (params, key, type, at, ch) => {
      const sign = simSign(params, key, type);
      const i = at % sign.length;
      fc.pre(sign[i] !== ch);
      expect(simVerify({ ...params, sign: sign.slice(0, i) + ch + sign.slice(i + 1) }, key, type)).toBe(false);
    },
  );

  test.prop([fields, apiKey, signType])('the lowercase, truncated, extended or other-type sign', (params, key, type) => {
    const sign = simSign(params, key, type);
    if (/[A-F]/.test(sign)) expect(simVerify({ ...params, sign: sign.toLowerCase() }, key, type)).toBe(false);
    expect(simVerify({ ...params, sign: sign.slice(1) }, key, type)).toBe(false);
    expect(simVerify({ ...params, sign: `${sign}0` }, key, type)).toBe(false);
    const other: SimSignType = type === 'MD5' ? 'HMAC-SHA256' : 'MD5';
    expect(simVerify({ ...params, sign: simSign(params, key, other) }, key, type)).toBe(false);
  });

  test.prop([fields, apiKey, apiKey, signType])('a sign made with another key', (params, key, otherKey, type) => {
    fc.pre(key !== otherKey);
    expect(simVerify({ ...params, sign: simSign(params, otherKey, type) }, key, type)).toBe(false);
  });

  test.prop([fields, apiKey, signType, wechatName, fc.string({ minLength: 1, maxLength: 8 })])(
    'a changed or added non-empty field',
    (params, key, type, field, v) => {
      fc.pre(field !== 'sign' && params[field] !== v);
      const sign = simSign(params, key, type);
      expect(simVerify({ ...params, [field]: v, sign }, key, type)).toBe(false);
    },
  );

  it('a message without sign, or with an unknown sign type (never throws)', () => {
    expect(simVerify({ a: '1' }, 'k', 'MD5')).toBe(false);
    expect(simVerify({ a: '1', sign: simSign({ a: '1' }, 'k', 'MD5') }, 'k', 'SHA1' as SimSignType)).toBe(false);
    expect(() => simSign({ a: '1' }, 'k', 'SHA1' as SimSignType)).toThrow(RangeError);
  });

  it('a non-string value is a caller bug, not an absent field', () => {
    expect(() => simSign({ total_fee: 1 as unknown as string }, 'k', 'MD5')).toThrow(TypeError);
    expect(simSign({ a: '1', sign: 2 as unknown as string }, 'k', 'MD5')).toBe(simSign({ a: '1' }, 'k', 'MD5'));
  });
});

describe('what takes part in stringA', () => {
  test.prop([fields, apiKey, signType, wechatName])('an absent, undefined or empty field is the same', (params, key, type, field) => {
    fc.pre(field !== 'sign');
    const without = Object.fromEntries(Object.entries(params).filter(([k]) => k !== field));
    const sign = simSign(without, key, type);
    expect(simSign({ ...without, [field]: undefined }, key, type)).toBe(sign);
    expect(simSign({ ...without, [field]: '' }, key, type)).toBe(sign);
  });

  it('sign_type takes part; sign never does; values are raw (no trim, no URL encoding)', () => {
    expect(simSigningString({ sign_type: 'MD5', sign: 'X', a: ' 1 ', b: 'x y&z=%20' })).toBe('a= 1 &b=x y&z=%20&sign_type=MD5');
  });

  it('names sort by UTF-8 bytes (uppercase before "_" before lowercase), where the plugin sorts UTF-16 units', () => {
    expect(simSigningString({ b: '1', _: '2', a: '3', B: '4', A: '5' })).toBe('A=5&B=4&_=2&a=3&b=1');
    // U+FF21 (EF BC A1 in UTF-8) sorts before U+1F600 (F0 9F 98 80); as UTF-16 (FF21 vs D83D) it is the other way.
    const odd = { '\u{1F600}': 'x', '\uFF21': 'y' };
    const byBytes = Object.keys(odd).sort((p, q) => Buffer.compare(Buffer.from(p), Buffer.from(q)));
    expect(simSigningString(odd)).toBe(byBytes.map((k) => `${k}=${odd[k as keyof typeof odd]}`).join('&'));
    expect(simSigningString(odd)).toBe('\uFF21=y&\u{1F600}=x');
    expect(plugin.Formatter.queryStringLike(plugin.Formatter.ksort(odd))).toBe('\u{1F600}=x&\uFF21=y');
  });
});
