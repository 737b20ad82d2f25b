import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  simAesEcbDecrypt,
  simAesEcbDecryptWithKey,
  simAesEcbEncrypt,
  simAesEcbEncryptWithKey,
  simRefundAesKey,
  simXml,
} from '../../../../src/sandbox/simulator/codec/index.js';
import { plugin } from './plugin.js';

const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');
const plaintext = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', '\uFEFFbom', '中文零钱', 'x'.repeat(15), 'x'.repeat(16), 'x'.repeat(17)),
);
// 16·k bytes exactly: the plugin's padding differs from PKCS#7 there (below).
const aligned = fc.integer({ min: 1, max: 4 }).chain((k) => fc.string({ unit: 'binary-ascii', minLength: 16 * k, maxLength: 16 * k }));
const apiKey = fc.oneof(fc.stringMatching(/^[0-9A-Za-z]{32}$/), fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }));
const rawKey = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes));

describe('refund-notify AES against wechatpay-axios-plugin', () => {
  test.prop([apiKey])('the key is the plugin md5(apiKey): 32 lowercase hex ASCII bytes', (key) => {
    const aesKey = simRefundAesKey(key);
    expect(aesKey.toString('ascii')).toBe(plugin.Hash.md5(key));
    expect(aesKey.toString('ascii')).toMatch(/^[0-9a-f]{32}$/);
  });

  test.prop([plaintext, rawKey], { numRuns: 300 })('the plugin decrypts what we encrypt', (text, key) => {
    expect(plugin.Aes.AesEcb.decrypt(simAesEcbEncryptWithKey(text, key), key)).toBe(text);
  });

  test.prop([plaintext, rawKey], { numRuns: 300 })('unaligned texts: identical ciphertexts, each side decrypts the other', (text, key) => {
    fc.pre(utf8Length(text) % 16 !== 0);
    const theirs = plugin.Aes.AesEcb.encrypt(text, key);
    expect(simAesEcbEncryptWithKey(text, key)).toBe(theirs);
    expect(simAesEcbDecryptWithKey(theirs, key)).toBe(text);
  });

  // The plugin's PKCS7.padding(…, optional = true) adds no block to an aligned text; PKCS#7 (and WeChat, and
  // OpenSSL) always add one. So on aligned texts its ciphertext is ours minus the last block, and ours refuses it
  // or at least never reads it as the original text.
  test.prop([aligned, rawKey])('aligned texts: the plugin leaves out the padding block, which we refuse', (text, key) => {
    const ours = Buffer.from(simAesEcbEncryptWithKey(text, key), 'base64');
    const theirs = Buffer.from(plugin.Aes.AesEcb.encrypt(text, key), 'base64');
    expect(ours.length).toBe(theirs.length + 16);
    expect(ours.subarray(0, theirs.length).equals(theirs)).toBe(true);
    let read: string | undefined;
    try {
      read = simAesEcbDecryptWithKey(theirs.toString('base64'), key);
    } catch {
      read = undefined;
    }
    expect(read).not.toBe(text);
  });
});

describe('simAesEcb on its own', () => {
  test.prop([plaintext, apiKey])('round-trips every well-formed string exactly (BOM and empty included)', (text, key) => {
    expect(simAesEcbDecrypt(simAesEcbEncrypt(text, key), key)).toBe(text);
  });

  test.prop([plaintext, apiKey, apiKey])('another API key never reads the text back', (text, key, otherKey) => {
    fc.pre(simRefundAesKey(key).toString() !== simRefundAesKey(otherKey).toString());
    const cipher = simAesEcbEncrypt(text, key);
    let read: string | undefined;
    try {
      read = simAesEcbDecrypt(cipher, otherKey);
    } catch {
      read = undefined;
    }
    expect(read).not.toBe(text);
  });

  test.prop([plaintext, rawKey, fc.nat()])('a corrupted ciphertext never reads back as the text', (text, key, at) => {
    const cipher = simAesEcbEncryptWithKey(text, key);
    const i = at % cipher.length;
    const swapped = cipher.slice(0, i) + (cipher[i] === 'A' ? 'B' : 'A') + cipher.slice(i + 1);
    let read: string | undefined;
    try {
      read = simAesEcbDecryptWithKey(swapped, key);
    } catch {
      read = undefined;
    }
    expect(read).not.toBe(text);
  });

  it('the ciphertext is whole blocks, with a full padding block for aligned input', () => {
    const key = Buffer.alloc(32, 7);
    expect(Buffer.from(simAesEcbEncryptWithKey('', key), 'base64').length).toBe(16);
    expect(Buffer.from(simAesEcbEncryptWithKey('x'.repeat(15), key), 'base64').length).toBe(16);
    expect(Buffer.from(simAesEcbEncryptWithKey('x'.repeat(16), key), 'base64').length).toBe(32);
  });

  it('refuses non-canonical base64, partial blocks, empty input, bad padding, bad UTF-8 and wrong key sizes', () => {
    const key = Buffer.alloc(32, 7);
    const good = simAesEcbEncryptWithKey('hello', key);
    expect(simAesEcbDecryptWithKey(good, key)).toBe('hello');
    expect(() => simAesEcbDecryptWithKey(`${good}\n`, key)).toThrow(/base64/);
    expect(() => simAesEcbDecryptWithKey(`${good.slice(0, 10)}*${good.slice(10)}`, key)).toThrow(/base64/);
    expect(() => simAesEcbDecryptWithKey(good.replace(/==$/, ''), key)).toThrow(/base64/);
    // 16 bytes end in "==" after a character carrying 2 data bits; setting the 4 spare bits is not canonical.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const spare = good.slice(0, 21) + (alphabet[alphabet.indexOf(good[21] as string) ^ 1] as string) + '==';
    expect(Buffer.from(spare, 'base64').equals(Buffer.from(good, 'base64'))).toBe(true);
    expect(() => simAesEcbDecryptWithKey(spare, key)).toThrow(/base64/);
    expect(() => simAesEcbDecryptWithKey('', key)).toThrow(/blocks/);
    expect(() => simAesEcbDecryptWithKey(Buffer.alloc(15).toString('base64'), key)).toThrow(/blocks/);
    // The plugin encrypts raw bytes too: a block ending in 0x00 (no PKCS#7 tail; the plugin adds none to an
    // aligned input), then proper padding around bytes that are not UTF-8.
    const zeroTail = plugin.Aes.AesEcb.encrypt(Buffer.from('x'.repeat(15) + '\u0000'), key);
    expect(() => simAesEcbDecryptWithKey(zeroTail, key)).toThrow(/padding/);
    const notUtf8 = plugin.Aes.AesEcb.encrypt(Buffer.from([0x61, 0xc3, 0x28]), key);
    expect(() => simAesEcbDecryptWithKey(notUtf8, key)).toThrow(TypeError);
    expect(() => simAesEcbEncryptWithKey('x', Buffer.alloc(16))).toThrow(RangeError);
    expect(() => simAesEcbEncryptWithKey('\uD800', key)).toThrow(RangeError);
  });

  it("carries a simXml <root> document, as WeChat's req_info does", () => {
    const doc = simXml({ out_refund_no: 'R1', refund_recv_accout: '支付用户零钱' }, 'root');
    expect(simAesEcbDecrypt(simAesEcbEncrypt(doc, 'k'), 'k')).toBe(doc);
  });
});
