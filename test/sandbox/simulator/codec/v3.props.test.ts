import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  simAnswerMessage,
  simGcmOpen,
  simGcmSeal,
  simParseAuthorization,
  simPaySignMessage,
  simRequestMessage,
  simRsaSign,
  simRsaVerify,
} from '../../../../src/sandbox/simulator/codec/index.js';
import { fixturePrivateKey, fixturePublicKey, plugin } from '../../../adapters/wechatpay/v3/support.js';

/*
 * The simulator's own v3 codec against wechatpay-axios-plugin on random inputs, and on the digest's vectors: the
 * simulator never merely agrees with the client's v3 modules, which are checked against the same plugin.
 */
const text = fc.string({ unit: 'grapheme', maxLength: 60 });
const token = fc.stringMatching(/^[0-9A-Za-z]{1,32}$/);
const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE');
const path = fc.stringMatching(/^\/v3\/[a-z/_-]{0,30}(\?[a-z_]+=[0-9A-Za-z]{1,10})?$/);
const ts = fc.integer({ min: 1_000_000_000, max: 9_999_999_999 }).map(String);
const key32 = fc.stringMatching(/^[0-9A-Za-z]{32}$/);
const nonce12 = fc.stringMatching(/^[0-9A-Za-z]{12}$/);

describe('simulator v3 codec ⇄ wechatpay-axios-plugin', () => {
  test.prop([method, path, ts, token, text], { numRuns: 200 })('request messages equal Formatter.request', (m, p, t, n, body) => {
    expect(simRequestMessage(m, p, t, n, body).toString('utf8')).toBe(plugin.Formatter.request(m, p, t, n, body));
  });

  test.prop([ts, token, text], { numRuns: 200 })('answer messages equal Formatter.response', (t, n, body) => {
    expect(simAnswerMessage(t, n, body).toString('utf8')).toBe(plugin.Formatter.response(t, n, body));
  });

  test.prop([ts, token, text], { numRuns: 30 })('a plugin signature verifies here, and ours with the plugin', (t, n, body) => {
    const message = plugin.Formatter.response(t, n, body);
    expect(simRsaVerify(Buffer.from(message), plugin.Rsa.sign(message, fixturePrivateKey), fixturePublicKey)).toBe(true);
    expect(plugin.Rsa.verify(message, simRsaSign(Buffer.from(message), fixturePrivateKey), fixturePublicKey)).toBe(true);
  });

  test.prop([text, key32, nonce12, fc.string({ maxLength: 20 })], { numRuns: 200 })(
    'GCM seals what the plugin opens, and back',
    (plain, key, iv, aad) => {
      expect(plugin.Aes.AesGcm.decrypt(simGcmSeal(plain, key, iv, aad), key, iv, aad)).toBe(plain);
      expect(simGcmOpen(plugin.Aes.AesGcm.encrypt(plain, key, iv, aad), key, iv, aad)).toBe(plain);
    },
  );

  test.prop([token, ts, token], { numRuns: 100 })('parses the Authorization the plugin builds', (mchid, t, n) => {
    const header = plugin.Formatter.authorization(mchid, n, 'c2lnbmF0dXJl', t, '898DBAD30F416EC7');
    expect(simParseAuthorization(header)).toEqual({
      mchid,
      nonce_str: n,
      timestamp: t,
      serial_no: '898DBAD30F416EC7',
      signature: 'c2lnbmF0dXJl',
    });
  });
});

describe('simulator v3 codec on the digest vectors', () => {
  it('T12: AES-256-GCM with a 12-byte nonce; the wrong AAD fails', () => {
    const plain = '{"out_trade_no":"1217752501201407033233368018","trade_state":"SUCCESS","amount":{"total":1}}';
    const sealed =
      'DUcclrHBE5NffFMk6pzEyhVrz1jnxtqSCQMaICR0+urvOkRI0JNqKpzaO4OUnqUZHvTm7h1Zh0eqtsTQf4+oe7JROfRZ13U3Nk4hCSJKFMVc/hXTsUhbn3buIJEKpincvFysQopRj1qGhWai';
    expect(simGcmSeal(plain, '0123456789abcdef0123456789abcdef', 'fdasflkja484', 'transaction')).toBe(sealed);
    expect(simGcmOpen(sealed, '0123456789abcdef0123456789abcdef', 'fdasflkja484', 'refund')).toBeUndefined();
  });

  it('T13: the request signature of GET /v3/certificates', () => {
    const message = simRequestMessage('GET', '/v3/certificates', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', '');
    expect(simRsaSign(message, fixturePrivateKey)).toMatch(/^u8uM2mC0zsTcBldpNkf9eIRFnxwxl9OBzFzrBp9C/);
  });

  it('T14: the paySign message and signature', () => {
    const message = simPaySignMessage(
      'wx8888888888888888',
      '1414561699',
      '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
      'prepay_id=wx201410272009395522657a690389285100',
    );
    expect(simRsaSign(message, fixturePrivateKey)).toMatch(/^gLgM0AyhB4Dyg\+nWYir4ywcn0KsCeVW38qYNrR3Rf4YB0cKzix/);
  });

  it.each([
    ['another scheme', 'WECHATPAY2-SHA256-RSA4096 mchid="1",serial_no="A",timestamp="1",nonce_str="n",signature="s"'],
    ['a missing field', 'WECHATPAY2-SHA256-RSA2048 mchid="1",serial_no="A",timestamp="1",nonce_str="n"'],
    ['a repeated field', 'WECHATPAY2-SHA256-RSA2048 mchid="1",mchid="2",serial_no="A",timestamp="1",nonce_str="n",signature="s"'],
    ['an unknown field', 'WECHATPAY2-SHA256-RSA2048 mchid="1",serial_no="A",timestamp="1",nonce_str="n",signature="s",x="y"'],
    ['an unquoted value', 'WECHATPAY2-SHA256-RSA2048 mchid=1,serial_no="A",timestamp="1",nonce_str="n",signature="s"'],
  ])('refuses an Authorization with %s', (_name, header) => {
    expect(simParseAuthorization(header)).toBeUndefined();
  });
});
