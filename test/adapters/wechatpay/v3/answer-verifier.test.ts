import { describe, expect, it } from 'vitest';
import { signAnswer } from '../../../support/v3-answer-signer.js';
import { SIGNTEST_PREFIX, verifyAnswer, type VerificationKeys } from '../../../../src/adapters/wechatpay/v3/answer-verifier.js';
import { FIXTURE_SERIAL, fixturePrivateKey, fixturePublicKey, plugin, rsaPair } from './support.js';

const PUBLIC_KEY_ID = 'PUB_KEY_ID_0114232134912410000000000000';
const keys: VerificationKeys = {
  keyFor: (serial) => (serial === FIXTURE_SERIAL ? fixturePublicKey : serial === PUBLIC_KEY_ID ? rsaPair(0).publicKey : undefined),
};
const TS = 1700000000;
const NOW = new Date(TS * 1000);
const BODY = '{"prepay_id":"wx201410272009395522657a690389285100"}';
const signed = (body: string | Buffer = BODY, options: { probe?: boolean } = {}) =>
  signAnswer({ serial: FIXTURE_SERIAL, privateKey: fixturePrivateKey }, body, TS, 'E7kD5wC0rW0NGvQeP3G7vL1a2YxZqK9b', options);

const reasonOf = (headers: Parameters<typeof verifyAnswer>[0], body: string | Buffer = BODY, now = NOW) => {
  const result = verifyAnswer(headers, body, keys, now);
  return result.ok ? 'ok' : result.error.reason;
};

describe('verifyAnswer (digest §12.2)', () => {
  it('accepts an answer signed with a trusted platform certificate and reports what it verified', () => {
    expect(verifyAnswer({ ...signed(), 'Request-ID': '08F78BB5AF0610D302' }, BODY, keys, NOW)).toEqual({
      ok: true,
      value: { serial: FIXTURE_SERIAL, timestamp: TS, nonce: 'E7kD5wC0rW0NGvQeP3G7vL1a2YxZqK9b', requestId: '08F78BB5AF0610D302' },
    });
  });

  it('accepts a WeChat Pay public key (PUB_KEY_ID_…) serial', () => {
    const headers = signAnswer({ serial: PUBLIC_KEY_ID, privateKey: rsaPair(0).privateKey }, BODY, TS, 'n');
    expect(reasonOf(headers)).toBe('ok');
  });

  it('verifies an empty 204 body (the message ends in "\\n\\n") and a Buffer body byte for byte', () => {
    expect(reasonOf(signed(''), '')).toBe('ok');
    expect(reasonOf(signed(Buffer.from([0xff, 0x00, 0x0a])), Buffer.from([0xff, 0x00, 0x0a]))).toBe('ok');
    expect(reasonOf(signed(Buffer.from([0xff, 0x00, 0x0a])), Buffer.from([0xfe, 0x00, 0x0a]))).toBe('badSignature');
  });

  it('reads headers case-insensitively from records and from fetch Headers', () => {
    const lower = Object.fromEntries(Object.entries(signed()).map(([k, v]) => [k.toLowerCase(), v]));
    expect(reasonOf(lower)).toBe('ok');
    expect(reasonOf(new Headers(signed()))).toBe('ok');
  });

  const signedHeaders = ['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial'];
  it.each(signedHeaders)('refuses a missing or empty %s', (name) => {
    const { [name]: _omitted, ...rest } = signed();
    expect(reasonOf(rest)).toBe('missingHeader');
    expect(reasonOf({ ...rest, [name]: '' })).toBe('missingHeader');
  });

  it('refuses a header sent twice rather than guessing which one was signed', () => {
    const headers = signed();
    expect(reasonOf({ ...headers, 'Wechatpay-Serial': [FIXTURE_SERIAL, FIXTURE_SERIAL] })).toBe('repeatedHeader');
    expect(reasonOf({ ...headers, 'wechatpay-serial': FIXTURE_SERIAL })).toBe('repeatedHeader');
  });

  it('accepts only the WECHATPAY2-SHA256-RSA2048 signature type; absent means that type', () => {
    const { 'Wechatpay-Signature-Type': _type, ...untyped } = signed();
    expect(reasonOf(untyped)).toBe('ok');
    expect(reasonOf({ ...untyped, 'Wechatpay-Signature-Type': 'WECHATPAY2-SM2-WITH-SM3' })).toBe('unsupportedSignatureType');
    expect(reasonOf({ ...untyped, 'Wechatpay-Signature-Type': 'wechatpay2-sha256-rsa2048' })).toBe('unsupportedSignatureType');
  });

  it.each(['', '-1', '1.7e9', '0x6553F100', ' 1700000000', '01700000000', '17000000000'])('refuses timestamp %j', (ts) => {
    const headers = { ...signed(), 'Wechatpay-Timestamp': ts };
    expect(['badTimestamp', 'missingHeader']).toContain(reasonOf(headers));
  });

  it.each([
    [299, 'ok'],
    [300, 'timestampOutOfWindow'],
    [301, 'timestampOutOfWindow'],
  ])('an answer %i s off either way: %s (wechatpay-go and -java refuse 5 minutes or more)', (offset, reason) => {
    const at = (skew: number) => new Date((TS + skew) * 1000);
    expect(reasonOf(signed(), BODY, at(offset))).toBe(reason);
    expect(reasonOf(signed(), BODY, at(-offset))).toBe(reason);
  });

  it('fails WECHATPAY/SIGNTEST/ probe signatures, even ones whose tail is a valid signature', () => {
    const probe = signed(BODY, { probe: true });
    expect(probe['Wechatpay-Signature']?.startsWith(SIGNTEST_PREFIX)).toBe(true);
    expect(reasonOf(probe)).toBe('probeSignature');
  });

  it('refuses a serial the key set does not know', () => {
    expect(reasonOf({ ...signed(), 'Wechatpay-Serial': '7132D72A03E93CDDF8C03BBD1F37EEDF00000000' })).toBe('unknownSerial');
    expect(reasonOf({ ...signed(), 'Wechatpay-Serial': `${FIXTURE_SERIAL}0` })).toBe('unknownSerial');
  });

  it('refuses a non-canonical or non-base64 signature as badBase64', () => {
    const good = signed()['Wechatpay-Signature'] ?? '';
    expect(reasonOf({ ...signed(), 'Wechatpay-Signature': good.replace(/=+$/, '') })).toBe('badBase64');
    expect(reasonOf({ ...signed(), 'Wechatpay-Signature': good.replaceAll('+', '-').replaceAll('/', '_') })).not.toBe('ok');
    expect(reasonOf({ ...signed(), 'Wechatpay-Signature': `${good.slice(0, 10)} ${good.slice(10)}` })).toBe('badBase64');
  });

  it('refuses a changed body, nonce or timestamp, and a signature by another key, as badSignature', () => {
    expect(reasonOf(signed(), `${BODY} `)).toBe('badSignature');
    expect(reasonOf({ ...signed(), 'Wechatpay-Nonce': 'other' })).toBe('badSignature');
    expect(reasonOf({ ...signed(), 'Wechatpay-Timestamp': String(TS + 1) })).toBe('badSignature');
    const forged = signAnswer({ serial: FIXTURE_SERIAL, privateKey: rsaPair(1).privateKey }, BODY, TS, 'n');
    expect(reasonOf(forged)).toBe('badSignature');
  });

  it('carries the Request-ID into rejections and never echoes the body', () => {
    const result = verifyAnswer({ ...signed(), 'Request-ID': 'RID-1' }, '{"secret":"do-not-log"}', keys, NOW);
    expect(result).toMatchObject({ ok: false, error: { reason: 'badSignature', requestId: 'RID-1' } });
    expect(JSON.stringify(result)).not.toContain('do-not-log');
  });
});

describe('signAnswer against the plugin’s own response verifier', () => {
  // Decorator.responseVerifier reads the real clock, so this signs with the current time.
  const verifier = plugin.Decorator.responseVerifier({ [FIXTURE_SERIAL]: fixturePublicKey });
  const context = { url: '/v3/pay/transactions/jsapi', validateStatus: (status: number) => status >= 200 && status < 300 };
  const now = Math.floor(Date.now() / 1000);

  it('passes for our signature and fails for our probe', () => {
    const headers = signAnswer({ serial: FIXTURE_SERIAL, privateKey: fixturePrivateKey }, BODY, now, 'n0nce');
    expect(verifier.call(context, BODY, { ...headers }, 200)).toBe(BODY);
    const probe = signAnswer({ serial: FIXTURE_SERIAL, privateKey: fixturePrivateKey }, BODY, now, 'n0nce', { probe: true });
    expect(verifier.call(context, BODY, { ...probe }, 200)).toBeInstanceOf(Error);
  });
});
