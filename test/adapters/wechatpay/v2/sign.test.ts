import { describe, expect, it } from 'vitest';
import { refundNotifyKey } from '../../../../src/adapters/wechatpay/v2/aes-ecb.js';
import { parsePaymentNotify } from '../../../../src/adapters/wechatpay/v2/notify.js';
import { signFields, signaturesEqual, signingString, verifyFields } from '../../../../src/adapters/wechatpay/v2/sign.js';
import { parseWechatXml } from '../../../../src/adapters/wechatpay/v2/xml.js';
import { paymentNotifyFields, SAMPLE, signedNotifyXml } from '../../../support/wechat-test-signer.js';

const T1_PARAMS = {
  appid: 'wxd930ea5d5a258f4f',
  mch_id: '10000100',
  device_info: '1000',
  body: 'test',
  nonce_str: 'ibuaiVcKdpRxkhJA',
};
const T1_KEY = '192006250b4c09247ec02edce69f6a2d';

describe('v2 signature vectors (digest §16)', () => {
  it('T1: the official worked example, MD5 and HMAC-SHA256', () => {
    expect(signingString(T1_PARAMS)).toBe('appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA');
    expect(signFields(T1_PARAMS, T1_KEY, 'MD5')).toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
    expect(signFields(T1_PARAMS, T1_KEY, 'HMAC-SHA256')).toBe('6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6');
  });

  it('T2: the 28-character key typo of a published copy gives another signature', () => {
    const typo = signFields(T1_PARAMS, '19250b4c09247ec02edce69f6a2d', 'MD5');
    expect(typo).toBe('294874B34ED436647020365F3750267C');
    expect(typo).not.toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
  });

  it('T3: verification of a signed message; off-by-one, missing and lowercase signs fail', () => {
    const fields = { return_code: 'SUCCESS', appid: 'wxd930ea5d5a258f4f', mch_id: '10000100' };
    expect(verifyFields({ ...fields, sign: '4D70B2071E6998EF23F3415D7BE3AC15' }, T1_KEY, 'MD5')).toBe(true);
    expect(verifyFields({ ...fields, sign: '4D70B2071E6998EF23F3415D7BE3AC14' }, T1_KEY, 'MD5')).toBe(false);
    expect(verifyFields(fields, T1_KEY, 'MD5')).toBe(false);
    expect(verifyFields({ ...fields, sign: '4d70b2071e6998ef23f3415d7be3ac15' }, T1_KEY, 'MD5')).toBe(false);
    // The same document as XML, through the hardened parser.
    const xml =
      '<xml><return_code><![CDATA[SUCCESS]]></return_code><appid><![CDATA[wxd930ea5d5a258f4f]]></appid>' +
      '<mch_id>10000100</mch_id><sign><![CDATA[4D70B2071E6998EF23F3415D7BE3AC15]]></sign></xml>';
    expect(verifyFields(parseWechatXml(xml, { maxBytes: 1024 }), T1_KEY, 'MD5')).toBe(true);
  });

  it('T4: mini-program paySign, MD5 (official example)', () => {
    const params = {
      appId: 'wxd678efh567hg6787',
      nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
      package: 'prepay_id=wx2017033010242291fcfe0db70013231072',
      signType: 'MD5',
      timeStamp: '1490840662',
    };
    expect(signFields(params, 'qazwsxedcrfvtgbyhnujmikolp111111', 'MD5')).toBe('22D9B4E54AB1950F51E0649E8810ACD6');
  });

  it('T5: mini-program paySign, HMAC-SHA256', () => {
    const params = {
      appId: 'wxd678efh567hg6787',
      nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
      package: 'prepay_id=wx2017033010242291fcfe0db70013231072',
      signType: 'HMAC-SHA256',
      timeStamp: '1490840662',
    };
    expect(signFields(params, 'qazwsxedcrfvtgbyhnujmikolp111111', 'HMAC-SHA256')).toBe(
      'FB9D1EFB5C509131BBFF729F88A99CA2DE9B724D06D3B3262832A53083862BC0',
    );
  });

  it('T6: stringA drops empty values and sign', () => {
    expect(signingString({ appid: '3', mchid: '2', openid: '', sign: '0' })).toBe('appid=3&mchid=2');
  });

  it('T7: MD5 over an empty stringA still appends &key=', () => {
    expect(signFields({}, 'exposed_your_key_here_have_risks', 'MD5')).toBe('b3d43c8390f26e2030d4d17bd580fbc8'.toUpperCase());
  });

  it('T10: the refund-notify AES key is the lowercase hex MD5 of the API key', () => {
    expect(refundNotifyKey(T1_KEY).toString('ascii')).toBe('d96eb16afdd491fa1e705096edbc2205');
    expect(refundNotifyKey(T1_KEY)).toHaveLength(32);
  });

  it('T16: an HMAC notify without sign_type verifies as HMAC-SHA256, never as a default MD5, whatever is configured now', () => {
    const body = signedNotifyXml(paymentNotifyFields(), { signType: 'HMAC-SHA256' });
    expect(body).not.toContain('sign_type');
    for (const signType of ['HMAC-SHA256', 'MD5'] as const) {
      // Switching WECHAT_SIGN_TYPE must not break the notifies of orders opened before the switch.
      const result = parsePaymentNotify(body, { ...SAMPLE, signType });
      expect(result.ok && result.value.notice.signedWith).toBe('HMAC-SHA256');
    }
  });
});

describe('stringA details', () => {
  it('includes sign_type and unknown fields, sorts by byte order, keeps raw values', () => {
    expect(signingString({ z: 'a b', sign_type: 'HMAC-SHA256', B: '1', a: ' x&y=z ', sign: 'S' })).toBe(
      'B=1&a= x&y=z &sign_type=HMAC-SHA256&z=a b',
    );
  });
});

describe('signaturesEqual never throws', () => {
  const expected = '9A0A8659F005D6984697E2CA0A9CF3B7';
  it.each([
    ['missing', undefined],
    ['null', null],
    ['number', 42],
    ['object', { toString: () => expected }],
    ['empty', ''],
    ['short', expected.slice(0, 31)],
    ['long', `${expected}0`],
    ['non-hex', 'ZZZZ8659F005D6984697E2CA0A9CF3B7'],
    ['multibyte with equal char count', `${expected.slice(0, 31)}é`],
    ['64 chars for a 32-char sign', expected + expected],
  ])('%s → false', (_name, received) => {
    expect(signaturesEqual(expected, received)).toBe(false);
  });

  it('equal → true', () => {
    expect(signaturesEqual(expected, expected)).toBe(true);
  });
});
