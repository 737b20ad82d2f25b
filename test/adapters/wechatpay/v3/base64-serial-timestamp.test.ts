import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../../../../src/adapters/wechatpay/v3/base64.js';
import { isPublicKeyId, serialKey } from '../../../../src/adapters/wechatpay/v3/serial.js';
import { parseUnixSeconds, withinClockSkew } from '../../../../src/adapters/wechatpay/v3/timestamp.js';

describe('decodeBase64: canonical standard base64 only', () => {
  it.each(['', 'QQ==', 'QUI=', 'QUJD', '+/+/'])('accepts %j', (text) => {
    expect(decodeBase64(text)?.toString('base64')).toBe(text);
  });

  it.each(['QQ', 'QQ=', 'QR==', 'QUJ', '-_-_', 'QU JD', 'QUJD\n', '====', 'Q===', undefined, null, 42])('refuses %j', (text) => {
    expect(decodeBase64(text)).toBeUndefined();
  });

  test.prop([fc.uint8Array({ maxLength: 300 })])('decodes whatever Buffer encodes', (bytes) => {
    expect(decodeBase64(Buffer.from(bytes).toString('base64'))?.equals(Buffer.from(bytes))).toBe(true);
  });

  test.prop([fc.string({ unit: fc.constantFrom(...'AQgw+/=-_ \n'.split('')), maxLength: 16 })])(
    'anything it accepts re-encodes to itself',
    (text) => {
      const bytes = decodeBase64(text);
      if (bytes !== undefined) expect(bytes.toString('base64')).toBe(text);
    },
  );
});

describe('serial identity', () => {
  it('compares hex serials as integers: case and leading zeros do not matter', () => {
    expect(serialKey('0abc')).toBe('ABC');
    expect(serialKey('ABC')).toBe('ABC');
    expect(serialKey('000')).toBe('0');
    expect(serialKey('898DBAD30F416EC7')).toBe(serialKey('898dbad30f416ec7'));
  });

  it('keeps public key IDs exact and refuses everything else', () => {
    expect(serialKey('PUB_KEY_ID_0114232134912410000000000000')).toBe('PUB_KEY_ID_0114232134912410000000000000');
    expect(serialKey('pub_key_id_0114232134912410000000000000')).toBeUndefined();
    expect(serialKey('PUB_KEY_ID_')).toBeUndefined();
    expect(serialKey('PUB_KEY_ID_01-02')).toBeUndefined();
    expect(serialKey('A'.repeat(41))).toBeUndefined();
    expect(serialKey('')).toBeUndefined();
    expect(serialKey(' ABC')).toBeUndefined();
    expect(isPublicKeyId('PUB_KEY_ID_0117288133772025100200181886000802')).toBe(true);
  });
});

describe('timestamps', () => {
  it('parses canonical Unix seconds only', () => {
    expect(parseUnixSeconds('0')).toBe(0);
    expect(parseUnixSeconds('1554208460')).toBe(1554208460);
    for (const text of ['', '01', '+1', '-1', '1.0', '1e3', ' 1', '0x10', '12345678901', undefined, 1]) {
      expect(parseUnixSeconds(text)).toBeUndefined();
    }
  });

  it('window excludes ±300 s (as wechatpay-go and -java) and ignores sub-second parts of now', () => {
    expect(withinClockSkew(1000, new Date(1299_999))).toBe(true);
    expect(withinClockSkew(1000, new Date(1300_000))).toBe(false);
    expect(withinClockSkew(1000, new Date(1301_000))).toBe(false);
    expect(withinClockSkew(1000, new Date(701_000))).toBe(true);
    expect(withinClockSkew(1000, new Date(700_999))).toBe(false);
    expect(withinClockSkew(1000, new Date(699_000))).toBe(false);
  });
});
