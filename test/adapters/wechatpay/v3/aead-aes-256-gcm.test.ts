import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { aes256GcmOpen, aes256GcmSeal, decryptResource } from '../../../../src/adapters/wechatpay/v3/aead-aes-256-gcm.js';
import { encryptResource } from '../../../support/v3-resource-sealer.js';
import { plugin } from './support.js';

const KEY = '0123456789abcdef0123456789abcdef';
const KEY_BYTES = Buffer.from(KEY);

// Digest §16 T12 (self-computed there, recomputed with node:crypto when this test was written).
const T12 = {
  algorithm: 'AEAD_AES_256_GCM',
  nonce: 'fdasflkja484',
  associated_data: 'transaction',
  ciphertext:
    'DUcclrHBE5NffFMk6pzEyhVrz1jnxtqSCQMaICR0+urvOkRI0JNqKpzaO4OUnqUZHvTm7h1Zh0eqtsTQf4+oe7JROfRZ13U3Nk4hCSJKFMVc/' +
    'hXTsUhbn3buIJEKpincvFysQopRj1qGhWai',
};
const T12_PLAINTEXT = '{"out_trade_no":"1217752501201407033233368018","trade_state":"SUCCESS","amount":{"total":1}}';

describe('AEAD_AES_256_GCM vectors', () => {
  it('T11: the axios-plugin vector (16-byte IV) through the generic open/seal', () => {
    const iv = Buffer.from('0123456789abcdef');
    expect(aes256GcmSeal('hello', KEY_BYTES, iv, Buffer.from('world'))).toBe('APoZlYpivU3HjbAiB4CvW1rAFr8J');
    expect(aes256GcmOpen('APoZlYpivU3HjbAiB4CvW1rAFr8J', KEY_BYTES, iv, Buffer.from('world'))?.toString()).toBe('hello');
    expect(aes256GcmSeal('', KEY_BYTES, iv, Buffer.alloc(0))).toBe('GvpmmdtYwexXIPhySs9Tlg==');
    expect(aes256GcmOpen('GvpmmdtYwexXIPhySs9Tlg==', KEY_BYTES, iv, Buffer.alloc(0))?.length).toBe(0);
  });

  it('T11: a resource insists on WeChat’s 12-byte nonce, so the 16-byte vector is refused there', () => {
    const resource = { ciphertext: 'APoZlYpivU3HjbAiB4CvW1rAFr8J', nonce: '0123456789abcdef', associated_data: 'world' };
    expect(decryptResource(resource, KEY)).toBeUndefined();
  });

  it('T12: a notify-style resource decrypts; encrypting reproduces it; AAD "refund" fails the tag', () => {
    expect(decryptResource(T12, KEY)).toBe(T12_PLAINTEXT);
    expect(encryptResource(T12_PLAINTEXT, KEY, 'fdasflkja484', 'transaction')).toEqual(T12);
    expect(decryptResource({ ...T12, associated_data: 'refund' }, KEY)).toBeUndefined();
    expect(plugin.Aes.AesGcm.decrypt(T12.ciphertext, KEY, T12.nonce, T12.associated_data)).toBe(T12_PLAINTEXT);
  });
});

describe('decryptResource never throws and refuses', () => {
  const flip = (base64: string, index: number) => {
    const bytes = Buffer.from(base64, 'base64');
    bytes[index] = (bytes[index] ?? 0) ^ 1;
    return bytes.toString('base64');
  };

  it.each([
    ['a wrong key', { ...T12 }, 'fedcba9876543210fedcba9876543210'],
    ['a 31-byte key', { ...T12 }, KEY.slice(1)],
    ['a 33-byte key', { ...T12 }, `${KEY}x`],
    ['a multi-byte key of 32 characters', { ...T12 }, `${KEY.slice(1)}é`],
    ['another nonce', { ...T12, nonce: 'fdasflkja485' }, KEY],
    ['an 11-byte nonce', { ...T12, nonce: 'fdasflkja48' }, KEY],
    ['a missing AAD where one was used', { ...T12, associated_data: undefined }, KEY],
    ['a flipped ciphertext bit', { ...T12, ciphertext: flip(T12.ciphertext, 3) }, KEY],
    ['a flipped tag bit', { ...T12, ciphertext: flip(T12.ciphertext, 100) }, KEY],
    ['a truncated tag', { ...T12, ciphertext: Buffer.from(T12.ciphertext, 'base64').subarray(0, -1).toString('base64') }, KEY],
    ['input shorter than a tag', { ...T12, ciphertext: 'AAAA' }, KEY],
    ['an empty ciphertext', { ...T12, ciphertext: '' }, KEY],
    ['non-base64', { ...T12, ciphertext: `${T12.ciphertext.slice(0, 20)}*${T12.ciphertext.slice(21)}` }, KEY],
    ['another algorithm', { ...T12, algorithm: 'AEAD_SM4_GCM' }, KEY],
    ['a numeric nonce', { ...T12, nonce: 123456789012 }, KEY],
    ['a non-string AAD', { ...T12, associated_data: 1 }, KEY],
  ])('%s', (_label, resource, key) => {
    expect(decryptResource(resource, key)).toBeUndefined();
  });

  it('refuses base64 with its padding stripped (WeChat always pads)', () => {
    const padded = encryptResource('a', KEY, 'abcdefghijkl', '');
    expect(padded.ciphertext.endsWith('=')).toBe(true);
    expect(decryptResource(padded, KEY)).toBe('a');
    expect(decryptResource({ ...padded, ciphertext: padded.ciphertext.replace(/=+$/, '') }, KEY)).toBeUndefined();
  });

  it('refuses shapes that are not resources at all', () => {
    for (const value of [undefined, null, 'x', 42, [], {}, { ciphertext: T12.ciphertext }]) {
      expect(decryptResource(value, KEY)).toBeUndefined();
    }
  });

  it('refuses an authentic plaintext that is not UTF-8 (WeChat only encrypts JSON and PEM)', () => {
    const resource = encryptResource(Buffer.from([0xc3, 0x28]), KEY, 'abcdefghijkl', '');
    expect(decryptResource(resource, KEY)).toBeUndefined();
  });

  it('accepts an absent associated_data as empty, as certificate entries may have', () => {
    const { associated_data: _aad, ...resource } = encryptResource('pem', KEY, 'abcdefghijkl', '');
    expect(decryptResource(resource, KEY)).toBe('pem');
  });
});

const apiV3Key = fc.stringMatching(/^[0-9A-Za-z]{32}$/);
const nonce12 = fc.stringMatching(/^[0-9A-Za-z]{12}$/);
const aad = fc.constantFrom('', 'transaction', 'refund', 'certificate');
const plaintext = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 80 }), fc.json());

describe('AEAD agrees with wechatpay-axios-plugin AesGcm', () => {
  test.prop([plaintext, apiV3Key, nonce12, aad])('plugin-encrypted decrypts with ours, ours with the plugin', (text, key, n, data) => {
    const theirs = plugin.Aes.AesGcm.encrypt(text, key, n, data);
    expect(decryptResource({ algorithm: 'AEAD_AES_256_GCM', ciphertext: theirs, nonce: n, associated_data: data }, key)).toBe(text);
    const ours = encryptResource(text, key, n, data);
    expect(ours.ciphertext).toBe(theirs);
    expect(plugin.Aes.AesGcm.decrypt(ours.ciphertext, key, n, data)).toBe(text);
  });

  test.prop([plaintext, apiV3Key, nonce12, aad, aad])('another AAD never authenticates', (text, key, n, a, b) => {
    fc.pre(a !== b);
    expect(decryptResource(encryptResource(text, key, n, a), key)).toBe(text);
    expect(decryptResource({ ...encryptResource(text, key, n, a), associated_data: b }, key)).toBeUndefined();
  });

  test.prop([fc.string({ maxLength: 80 }), fc.string({ maxLength: 12 }), fc.anything()])('arbitrary input never throws', (c, n, a) => {
    expect(() => decryptResource({ ciphertext: c, nonce: n, associated_data: a }, KEY)).not.toThrow();
  });
});
