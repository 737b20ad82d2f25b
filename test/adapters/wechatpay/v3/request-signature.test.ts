import { describe, expect, it } from 'vitest';
import { parseAuthorization } from '../../../../src/adapters/wechatpay/v3/authorization-header.js';
import { authorizeRequest, requestSigningMessage, type MerchantSigner } from '../../../../src/adapters/wechatpay/v3/request-signature.js';
import { verifyRequest } from '../../../support/v3-request-verifier.js';
import { signSha256Rsa, verifySha256Rsa } from '../../../../src/adapters/wechatpay/v3/rsa-signature.js';
import { FIXTURE_SERIAL, fixturePrivateKey, fixturePublicKey, plugin, rsaPair } from './support.js';

// Digest §16 T13, computed there with OpenSSL; PKCS#1 v1.5 signatures are deterministic.
const T13_MESSAGE = 'GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n';
const T13_SIGNATURE =
  'u8uM2mC0zsTcBldpNkf9eIRFnxwxl9OBzFzrBp9C+ygDbqKfjfbr9GTZrvPw3wqpfhn7npKzSVHf4lbD9T3RZpwq8yGBJAtW3YNoB4WR6ieFAp9fNX8LbRTfcbqOrcX/' +
  'JuG9bZ1cvlQr9BljgM474p2L6MAtULc1za3tCXI/SkssirhLqE9VH4LXClbussMImgsg0zUFHIWl8RIWkEfhKjDUNgZLyGnT+arHLJKf/2csGKE6fS0t0ofTbSwc' +
  'aVgNbK3UySD7iORerwwdcYlGIVn1zKgIbLl3GM518roWPd59nNct0D3SXESsbpeyzuWT7kx9DPfp0f0UHJWdMKYCZw==';

const signer: MerchantSigner = { mchId: '1900009191', serialNo: FIXTURE_SERIAL, privateKey: fixturePrivateKey };
const GET_CERTS = { method: 'GET', pathAndQuery: '/v3/certificates', body: '' } as const;
const NOW = new Date(1554208460 * 1000);
const lookup = (mchId: string, serial: string) => (mchId === signer.mchId && serial === FIXTURE_SERIAL ? fixturePublicKey : undefined);

describe('v3 request signing (digest §12.1)', () => {
  it('T13: the GET /v3/certificates message ends with an empty body line and signs to the published value', () => {
    const message = requestSigningMessage(GET_CERTS, '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242');
    expect(message.toString('utf8')).toBe(T13_MESSAGE);
    expect(signSha256Rsa(message, fixturePrivateKey)).toBe(T13_SIGNATURE);
    expect(plugin.Rsa.sign(T13_MESSAGE, fixturePrivateKey)).toBe(T13_SIGNATURE);
    expect(verifySha256Rsa(T13_MESSAGE, T13_SIGNATURE, fixturePublicKey)).toBe(true);
  });

  it('builds the Authorization header byte-identical to wechatpay-axios-plugin', () => {
    const header = authorizeRequest(signer, GET_CERTS, 1554208460, '593BEC0C930BF1AFEB40B4A08C8FB242');
    const nonce = '593BEC0C930BF1AFEB40B4A08C8FB242';
    expect(header).toBe(plugin.Formatter.authorization(signer.mchId, nonce, T13_SIGNATURE, 1554208460, FIXTURE_SERIAL));
    expect(parseAuthorization(header)).toEqual({
      ok: true,
      value: { mchid: '1900009191', serial_no: FIXTURE_SERIAL, timestamp: '1554208460', nonce_str: nonce, signature: T13_SIGNATURE },
    });
  });

  it('signs the exact body bytes of a POST; a Buffer body is hashed as is', () => {
    const body = '{"mchid":"1900009191","description":"测试"}';
    const request = { method: 'POST', pathAndQuery: '/v3/pay/transactions/jsapi', body };
    const expected = plugin.Formatter.request('POST', '/v3/pay/transactions/jsapi', 1700000000, 'n1', body);
    expect(requestSigningMessage(request, '1700000000', 'n1').toString('utf8')).toBe(expected);
    expect(requestSigningMessage({ ...request, body: Buffer.from(body) }, '1700000000', 'n1').equals(Buffer.from(expected))).toBe(true);
  });
});

describe('simulator-side verifyRequest', () => {
  const header = authorizeRequest(signer, GET_CERTS, 1554208460, '593BEC0C930BF1AFEB40B4A08C8FB242');

  it('accepts the request as signed and returns the parsed parameters', () => {
    const result = verifyRequest(header, GET_CERTS, lookup, NOW);
    expect(result.ok && result.value.mchid).toBe('1900009191');
  });

  it('accepts a header signed by the plugin with its own formatting', () => {
    const signature = plugin.Rsa.sign(plugin.Formatter.request('GET', '/v3/certificates?offset=0', 1554208460, 'abc'), fixturePrivateKey);
    const pluginHeader = plugin.Formatter.authorization('1900009191', 'abc', signature, 1554208460, FIXTURE_SERIAL);
    expect(verifyRequest(pluginHeader, { ...GET_CERTS, pathAndQuery: '/v3/certificates?offset=0' }, lookup, NOW).ok).toBe(true);
  });

  it('refuses a tampered path, method or body as badSignature', () => {
    for (const request of [
      { ...GET_CERTS, pathAndQuery: '/v3/certificates?x=1' },
      { ...GET_CERTS, method: 'POST' },
      { ...GET_CERTS, body: '{}' },
    ]) {
      expect(verifyRequest(header, request, lookup, NOW)).toMatchObject({ ok: false, error: { reason: 'badSignature' } });
    }
  });

  it('refuses an unknown merchant or serial before looking at the signature', () => {
    const other = authorizeRequest({ ...signer, mchId: '1900000001' }, GET_CERTS, 1554208460, 'n');
    expect(verifyRequest(other, GET_CERTS, lookup, NOW)).toMatchObject({ ok: false, error: { reason: 'unknownMerchantKey' } });
  });

  it('refuses a signature by another key', () => {
    const forged = authorizeRequest({ ...signer, privateKey: rsaPair(0).privateKey }, GET_CERTS, 1554208460, 'n');
    expect(verifyRequest(forged, GET_CERTS, lookup, NOW)).toMatchObject({ ok: false, error: { reason: 'badSignature' } });
  });

  it.each([
    [299, true],
    [300, false],
    [301, false],
  ])('a request %i s off either way is accepted: %s', (offset, accepted) => {
    const at = (skew: number) => new Date((1554208460 + skew) * 1000);
    for (const now of [at(offset), at(-offset)]) {
      expect(verifyRequest(header, GET_CERTS, lookup, now)).toMatchObject(
        accepted ? { ok: true } : { ok: false, error: { reason: 'timestampOutOfWindow' } },
      );
    }
  });

  it('passes header parse failures through with their reason', () => {
    expect(verifyRequest(undefined, GET_CERTS, lookup, NOW)).toMatchObject({ ok: false, error: { reason: 'missing' } });
    expect(verifyRequest(header.replace('WECHATPAY2', 'WECHATPAY3'), GET_CERTS, lookup, NOW)).toMatchObject({
      ok: false,
      error: { reason: 'wrongScheme' },
    });
  });
});
