import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { answerSigningMessage, verifyAnswer } from '../../../../src/adapters/wechatpay/v3/answer-verifier.js';
import { signAnswer } from '../../../support/v3-answer-signer.js';
import { parseAuthorization } from '../../../../src/adapters/wechatpay/v3/authorization-header.js';
import { paySignMessage, paymentParams, verifyPaySign } from '../../../../src/adapters/wechatpay/v3/pay-sign.js';
import { authorizeRequest, requestSigningMessage } from '../../../../src/adapters/wechatpay/v3/request-signature.js';
import { verifyRequest } from '../../../support/v3-request-verifier.js';
import { signSha256Rsa, verifySha256Rsa } from '../../../../src/adapters/wechatpay/v3/rsa-signature.js';
import { FIXTURE_SERIAL, fixturePrivateKey, fixturePublicKey, plugin } from './support.js';

// Cross-checks against wechatpay-axios-plugin (Rsa + Formatter), an independent implementation by WeChat Pay's SDK
// author: every message we build equals the plugin's, and signatures made by either verify with the other.

const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE');
const segments = fc.array(fc.stringMatching(/^[A-Za-z0-9_.~-]{1,12}$/), { minLength: 1, maxLength: 5 });
const query = fc.option(fc.stringMatching(/^[a-z_]{1,8}=[A-Za-z0-9%]{0,12}$/));
const pathAndQuery = fc.tuple(segments, query).map(([s, q]) => `/${s.join('/')}${q === null ? '' : `?${q}`}`);
const body = fc.oneof(fc.constant(''), fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 60 }), fc.json());
const unixSeconds = fc.integer({ min: 1_000_000_000, max: 4_000_000_000 });
const nonce = fc.stringMatching(/^[0-9A-Za-z]{32}$/);
const mchId = fc.stringMatching(/^[1-9][0-9]{7,9}$/);

describe('request signatures agree with wechatpay-axios-plugin', () => {
  test.prop([method, pathAndQuery, unixSeconds, nonce, body])('same signing message', (m, path, ts, n, b) => {
    expect(requestSigningMessage({ method: m, pathAndQuery: path, body: b }, String(ts), n).toString('utf8')).toBe(
      plugin.Formatter.request(m, path, ts, n, b),
    );
  });

  test.prop([method, pathAndQuery, unixSeconds, nonce, body, mchId], { numRuns: 60 })(
    'ours verifies with the plugin, the plugin’s verifies with ours, and the header round-trips',
    (m, path, ts, n, b, mch) => {
      const request = { method: m, pathAndQuery: path, body: b };
      const header = authorizeRequest({ mchId: mch, serialNo: FIXTURE_SERIAL, privateKey: fixturePrivateKey }, request, ts, n);
      const parsed = parseAuthorization(header);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      expect(plugin.Rsa.verify(plugin.Formatter.request(m, path, ts, n, b), parsed.value.signature, fixturePublicKey)).toBe(true);

      const theirSignature = plugin.Rsa.sign(plugin.Formatter.request(m, path, ts, n, b), fixturePrivateKey);
      const theirs = plugin.Formatter.authorization(mch, n, theirSignature, ts, FIXTURE_SERIAL);
      expect(theirs).toBe(header);
      const lookup = () => fixturePublicKey;
      expect(verifyRequest(theirs, request, lookup, new Date(ts * 1000)).ok).toBe(true);
    },
  );

  test.prop([method, pathAndQuery, unixSeconds, nonce, body, fc.string({ minLength: 1, maxLength: 4 })], { numRuns: 40 })(
    'a body changed in any way no longer verifies',
    (m, path, ts, n, b, extra) => {
      const request = { method: m, pathAndQuery: path, body: b };
      const header = authorizeRequest({ mchId: '1900009191', serialNo: FIXTURE_SERIAL, privateKey: fixturePrivateKey }, request, ts, n);
      const result = verifyRequest(header, { ...request, body: b + extra }, () => fixturePublicKey, new Date(ts * 1000));
      expect(result.ok).toBe(false);
    },
  );
});

describe('answer signatures agree with wechatpay-axios-plugin', () => {
  test.prop([unixSeconds, nonce, body])('same signing message', (ts, n, b) => {
    expect(answerSigningMessage(String(ts), n, b).toString('utf8')).toBe(plugin.Formatter.response(ts, n, b));
  });

  test.prop([unixSeconds, nonce, body], { numRuns: 60 })('plugin-signed verifies with us, ours with the plugin', (ts, n, b) => {
    const keys = { keyFor: (serial: string) => (serial === FIXTURE_SERIAL ? fixturePublicKey : undefined) };
    const theirs = plugin.Rsa.sign(plugin.Formatter.response(ts, n, b), fixturePrivateKey);
    const headers = {
      'wechatpay-timestamp': String(ts),
      'wechatpay-nonce': n,
      'wechatpay-signature': theirs,
      'wechatpay-serial': FIXTURE_SERIAL,
    };
    expect(verifyAnswer(headers, b, keys, new Date(ts * 1000)).ok).toBe(true);

    const ours = signAnswer({ serial: FIXTURE_SERIAL, privateKey: fixturePrivateKey }, b, ts, n);
    expect(ours['Wechatpay-Signature']).toBe(theirs);
    expect(plugin.Rsa.verify(plugin.Formatter.response(ts, n, b), ours['Wechatpay-Signature'] ?? '', fixturePublicKey)).toBe(true);
  });

  test.prop([fc.uint8Array({ maxLength: 64 })])('raw RSA: arbitrary bytes sign identically in both', (bytes) => {
    const message = Buffer.from(bytes);
    const signature = signSha256Rsa(message, fixturePrivateKey);
    expect(signature).toBe(plugin.Rsa.sign(message, fixturePrivateKey));
    expect(verifySha256Rsa(message, signature, fixturePublicKey)).toBe(true);
  });
});

describe('paySign agrees with wechatpay-axios-plugin', () => {
  const appId = fc.stringMatching(/^wx[0-9a-f]{16}$/);
  const prepayId = fc.stringMatching(/^wx[0-9a-zA-Z]{20,34}$/);
  test.prop([appId, prepayId, unixSeconds, nonce], { numRuns: 60 })('message, signature and verification', (app, prepay, ts, n) => {
    const params = paymentParams(app, prepay, fixturePrivateKey, ts, n);
    const message = plugin.Formatter.joinedByLineFeed(app, ts, n, `prepay_id=${prepay}`);
    expect(paySignMessage(app, params.timeStamp, params.nonceStr, params.package)).toBe(message);
    expect(params.paySign).toBe(plugin.Rsa.sign(message, fixturePrivateKey));
    expect(verifyPaySign(params, fixturePublicKey)).toBe(true);
    expect(verifyPaySign({ ...params, appId: `${app}0` }, fixturePublicKey)).toBe(false);
  });
});
