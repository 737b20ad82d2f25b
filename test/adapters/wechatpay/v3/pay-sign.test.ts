import { describe, expect, it } from 'vitest';
import { paySignMessage, paymentParams, verifyPaySign } from '../../../../src/adapters/wechatpay/v3/pay-sign.js';
import { fixturePrivateKey, fixturePublicKey, rsaPair } from './support.js';

// Digest §16 T14: the v3 Mini Program paySign, computed there with OpenSSL over the fixture key.
const T14_PAY_SIGN =
  'gLgM0AyhB4Dyg+nWYir4ywcn0KsCeVW38qYNrR3Rf4YB0cKzix+D25/Ju/JZqzmItGSHY0mQWKYhvJcyzV2B5EQCnPm7AcAUNFZITBK2ZvVgVa0BpUxAAHsOmvTV' +
  'xpUD7LOwFqEqidACUvHKTEqqsGyTtGg3G6Ccz6dRYc7Q/Fin0nxEviY51tvX6FWkyisCjBWtXNQoGD0V6UXd57h3NZdxVP2hAuKJlhA7ObeSdc6LFXINBedpU6p' +
  'Godj/YMy9YGE9t2r3qhZ3FnjrIBo+mvyMs9T+b8rT83grAO6u65VR1kYu7Nft/NApsB+lUWWtHsxi+HlZhi+30QyYfmRvtA==';

describe('v3 paySign (digest §4.2)', () => {
  const APP_ID = 'wx8888888888888888';
  const PREPAY_ID = 'wx201410272009395522657a690389285100';
  const NONCE = '5K8264ILTKCH16CQ2502SI8ZNMTM67VS';
  const params = paymentParams(APP_ID, PREPAY_ID, fixturePrivateKey, 1414561699, NONCE);

  it('T14: four newline-terminated lines, RSA signature as published; signType is RSA and not signed', () => {
    expect(paySignMessage(APP_ID, '1414561699', NONCE, `prepay_id=${PREPAY_ID}`)).toBe(
      'wx8888888888888888\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nprepay_id=wx201410272009395522657a690389285100\n',
    );
    expect(params).toEqual({
      appId: 'wx8888888888888888',
      timeStamp: '1414561699',
      nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
      package: 'prepay_id=wx201410272009395522657a690389285100',
      signType: 'RSA',
      paySign: T14_PAY_SIGN,
    });
  });

  it('the simulator verifies it with the merchant public key, and refuses any change', () => {
    expect(verifyPaySign(params, fixturePublicKey)).toBe(true);
    expect(verifyPaySign({ ...params, signType: 'MD5' }, fixturePublicKey)).toBe(false);
    expect(verifyPaySign({ ...params, timeStamp: '1414561700' }, fixturePublicKey)).toBe(false);
    expect(verifyPaySign({ ...params, package: 'prepay_id=wx2' }, fixturePublicKey)).toBe(false);
    expect(verifyPaySign({ ...params, paySign: 'not base64!' }, fixturePublicKey)).toBe(false);
    expect(verifyPaySign(params, rsaPair(0).publicKey)).toBe(false);
  });
});
