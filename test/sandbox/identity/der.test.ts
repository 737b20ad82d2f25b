import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import * as der from '../../../src/sandbox/identity/der.js';

const hex = (buffer: Buffer) => buffer.toString('hex').toUpperCase();

describe('DER encodings (X.690) against known bytes', () => {
  it('lengths: short form below 128, long form above', () => {
    expect(hex(der.encodeLength(0))).toBe('00');
    expect(hex(der.encodeLength(127))).toBe('7F');
    expect(hex(der.encodeLength(128))).toBe('8180');
    expect(hex(der.encodeLength(256))).toBe('820100');
    expect(hex(der.encodeLength(65536))).toBe('83010000');
    expect(() => der.encodeLength(-1)).toThrow(RangeError);
  });

  it('OIDs as they appear in every RSA certificate', () => {
    expect(hex(der.objectIdentifier('1.2.840.113549.1.1.11'))).toBe('06092A864886F70D01010B');
    expect(hex(der.objectIdentifier('2.5.4.3'))).toBe('0603550403');
    expect(hex(der.objectIdentifier('2.5.29.19'))).toBe('0603551D13');
    expect(hex(der.objectIdentifier('2.999.3'))).toBe('0603883703');
    for (const bad of ['1', '3.1', '1.40', '1.2.-3', '1..2', '']) expect(() => der.objectIdentifier(bad)).toThrow(RangeError);
  });

  it('INTEGERs are minimal and positive', () => {
    expect(hex(der.smallInteger(0))).toBe('020100');
    expect(hex(der.smallInteger(2))).toBe('020102');
    expect(hex(der.smallInteger(128))).toBe('02020080');
    expect(hex(der.smallInteger(256))).toBe('02020100');
    expect(hex(der.unsignedInteger(Buffer.from('00007F', 'hex')))).toBe('02017F');
    expect(hex(der.unsignedInteger(Buffer.from('898DBAD30F416EC7', 'hex')))).toBe('020900898DBAD30F416EC7');
  });

  it('times: UTCTime before 2050, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5)', () => {
    expect(der.time(new Date('2020-06-21T02:02:18.999Z')).toString('latin1')).toBe('\x17\x0d200621020218Z');
    expect(der.time(new Date('2049-12-31T23:59:59Z')).toString('latin1')).toBe('\x17\x0d491231235959Z');
    expect(der.time(new Date('2050-01-01T00:00:00Z')).toString('latin1')).toBe('\x18\x0f20500101000000Z');
    expect(() => der.time(new Date('1949-12-31T23:59:59Z'))).toThrow(RangeError);
    expect(() => der.time(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('strings, booleans, SET OF ordering', () => {
    expect(hex(der.printableString('CN'))).toBe('1302434E');
    expect(() => der.printableString('微信')).toThrow(RangeError);
    expect(hex(der.utf8String('微'))).toBe('0C03E5BEAE');
    expect(hex(der.boolean(true))).toBe('0101FF');
    expect(hex(der.set(Buffer.from('0201FF', 'hex'), Buffer.from('020101', 'hex')))).toBe('3106020101' + '0201FF');
  });
});

describe('DER properties', () => {
  test.prop([fc.integer({ min: 0, max: 2 ** 32 })])('a long-form length decodes back to itself', (length) => {
    const encoded = der.encodeLength(length);
    const first = encoded[0] ?? 0;
    const value = first < 0x80 ? first : [...encoded.subarray(1)].reduce((acc, byte) => acc * 256 + byte, 0);
    expect(value).toBe(length);
    if (first >= 0x80) expect(encoded[1]).not.toBe(0); // minimal: no leading zero length byte
  });

  test.prop([fc.uint8Array({ maxLength: 40 })])('INTEGER content is minimal, non-negative and the same number', (bytes) => {
    const encoded = der.unsignedInteger(Buffer.from(bytes));
    const content = encoded.subarray(2);
    expect(encoded[1]).toBe(content.length);
    expect((content[0] ?? 0) & 0x80).toBe(0);
    if (content.length > 1) expect(content[0] === 0 && ((content[1] ?? 0) & 0x80) === 0).toBe(false);
    const asBig = (b: Uint8Array) => b.reduce((acc, byte) => acc * 256n + BigInt(byte), 0n);
    expect(asBig(content)).toBe(asBig(bytes));
  });
});
