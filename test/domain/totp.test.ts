import { createHmac } from 'node:crypto';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode } from '../../src/domain/base32.js';
import { hotp, matchTotp, otpauthUri, totpAt, totpStep, type HmacSha1 } from '../../src/domain/totp.js';

const hmacSha1: HmacSha1 = (key, message) => createHmac('sha1', key).update(message).digest();
/** The ASCII secret of RFC 4226 Appendix D and of RFC 6238 Appendix B's SHA-1 rows. */
const RFC_SECRET = new TextEncoder().encode('12345678901234567890');
const at = (unixSeconds: number): Date => new Date(unixSeconds * 1000);

describe('HOTP (RFC 4226 Appendix D)', () => {
  it.each([
    [0, '755224'],
    [1, '287082'],
    [2, '359152'],
    [3, '969429'],
    [4, '338314'],
    [5, '254676'],
    [6, '287922'],
    [7, '162583'],
    [8, '399871'],
    [9, '520489'],
  ])('count %i gives %s', (count, code) => {
    expect(hotp(hmacSha1, RFC_SECRET, count)).toBe(code);
  });
});

describe('TOTP (RFC 6238 Appendix B, SHA-1)', () => {
  // The appendix prints 8 digits; an authenticator shows the last 6 of the same truncation.
  it.each([
    [59, 0x1, '94287082'],
    [1111111109, 0x23523ec, '07081804'],
    [1111111111, 0x23523ed, '14050471'],
    [1234567890, 0x273ef07, '89005924'],
    [2000000000, 0x3f940aa, '69279037'],
    [20000000000, 0x27bc86aa, '65353130'],
  ])('at %i s (step %i): %s', (seconds, step, code) => {
    expect(totpStep(at(seconds))).toBe(step);
    expect(totpAt(hmacSha1, RFC_SECRET, at(seconds), 8)).toBe(code);
    expect(totpAt(hmacSha1, RFC_SECRET, at(seconds))).toBe(code.slice(2));
  });
});

describe('matchTotp: ±1 step, each step once', () => {
  const now = at(1111111111);
  const codeAt = (offsetSteps: number) => totpAt(hmacSha1, RFC_SECRET, at(1111111111 + offsetSteps * 30));

  it('takes the codes of the previous, current and next step, and names the step matched', () => {
    const step = totpStep(now);
    expect(matchTotp(hmacSha1, RFC_SECRET, codeAt(-1), now)).toBe(step - 1);
    expect(matchTotp(hmacSha1, RFC_SECRET, codeAt(0), now)).toBe(step);
    expect(matchTotp(hmacSha1, RFC_SECRET, codeAt(1), now)).toBe(step + 1);
    expect(matchTotp(hmacSha1, RFC_SECRET, ` ${codeAt(0).slice(0, 3)} ${codeAt(0).slice(3)} `, now)).toBe(step);
  });

  it('refuses the codes two steps away, and anything not six digits', () => {
    expect(matchTotp(hmacSha1, RFC_SECRET, codeAt(-2), now)).toBeUndefined();
    expect(matchTotp(hmacSha1, RFC_SECRET, codeAt(2), now)).toBeUndefined();
    for (const typed of ['', '12345', '1234567', 'abcdef', `${codeAt(0)}0`])
      expect(matchTotp(hmacSha1, RFC_SECRET, typed, now)).toBeUndefined();
  });

  it('refuses a replay: a step at or before the last one used is never taken again', () => {
    const step = totpStep(now);
    expect(matchTotp(hmacSha1, RFC_SECRET, codeAt(0), now, step)).toBeUndefined();
    expect(matchTotp(hmacSha1, RFC_SECRET, codeAt(-1), now, step - 1)).toBeUndefined();
    expect(matchTotp(hmacSha1, RFC_SECRET, codeAt(-1), now, step)).toBeUndefined();
    expect(matchTotp(hmacSha1, RFC_SECRET, codeAt(1), now, step)).toBe(step + 1);
  });

  test.prop([fc.uint8Array({ minLength: 10, maxLength: 32 }), fc.integer({ min: 0, max: 4_000_000_000 })])(
    'accepts the code of now for any secret and time, exactly once',
    (secret, seconds) => {
      const when = at(seconds);
      const step = matchTotp(hmacSha1, secret, totpAt(hmacSha1, secret, when), when);
      expect(step).toBeDefined();
      expect(matchTotp(hmacSha1, secret, totpAt(hmacSha1, secret, when), when, step)).toBeUndefined();
    },
  );
});

describe('base32 and the otpauth URI', () => {
  it('encodes RFC 4648’s test vectors (without padding) and reads them back', () => {
    for (const [plain, encoded] of [
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ] as const) {
      expect(base32Encode(new TextEncoder().encode(plain))).toBe(encoded);
      expect(new TextDecoder().decode(base32Decode(`${encoded.toLowerCase()}==`))).toBe(plain);
    }
    expect(base32Decode('MZXW1')).toBeUndefined();
  });

  test.prop([fc.uint8Array({ maxLength: 64 })])('round-trips any bytes', (bytes) => {
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
  });

  it('writes the key-uri format with the secret in base32 and every parameter named', () => {
    expect(otpauthUri('wxpay console', 'alice', RFC_SECRET)).toBe(
      'otpauth://totp/wxpay%20console:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=wxpay%20console&algorithm=SHA1&digits=6&period=30',
    );
  });
});
