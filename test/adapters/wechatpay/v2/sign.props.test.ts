import { createRequire } from 'node:module';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { signFields, verifyFields, type SignType } from '../../../../src/adapters/wechatpay/v2/sign.js';

// The plugin is CommonJS; it is an independent implementation of the same algorithm (digest S26), used only here.
const require = createRequire(import.meta.url);
const { Hash } = require('wechatpay-axios-plugin') as {
  Hash: { sign(type: SignType, data: Record<string, string>, key: string): string };
};

// WeChat field names are lowercase snake case (never integer-like, which JS objects would reorder in the plugin).
const fieldName = fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/).filter((name) => name !== 'sign');
const fieldValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ maxLength: 20 }),
  fc.stringMatching(/^[0-9]{1,10}$/),
  fc.constant(''),
);
const fields = fc.dictionary(fieldName, fieldValue, { maxKeys: 12 });
const apiKey = fc.stringMatching(/^[0-9A-Za-z]{32}$/);
const signType = fc.constantFrom<SignType>('MD5', 'HMAC-SHA256');

describe('our v2 signer agrees with wechatpay-axios-plugin', () => {
  test.prop([fields, apiKey, signType], { numRuns: 400 })('for arbitrary parameter sets', (params, key, type) => {
    expect(signFields(params, key, type)).toBe(Hash.sign(type, params, key));
  });

  test.prop([fields, apiKey, signType])('the plugin-made sign verifies with ours, and a sign field is ignored', (params, key, type) => {
    const sign = Hash.sign(type, params, key);
    expect(verifyFields({ ...params, sign }, key, type)).toBe(true);
  });

  test.prop([fields, apiKey, signType, fieldName, fc.string({ minLength: 1, maxLength: 8 })])(
    'changing or adding any non-empty field breaks verification',
    (params, key, type, name, value) => {
      fc.pre(params[name] !== value);
      const sign = signFields(params, key, type);
      expect(verifyFields({ ...params, [name]: value, sign }, key, type)).toBe(false);
    },
  );
});
