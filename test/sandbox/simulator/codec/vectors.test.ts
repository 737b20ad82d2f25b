import { describe, expect, it } from 'vitest';
import {
  simAesEcbDecrypt,
  simAesEcbEncrypt,
  simAesEcbEncryptWithKey,
  simParseXml,
  simRefundAesKey,
  simSign,
  simSigningString,
  simVerify,
} from '../../../../src/sandbox/simulator/codec/index.js';
import { plugin } from './plugin.js';

// Vectors of /work/shared/wechatpay-protocol.md §16. Each is checked against our codec and, where the plugin has
// the function, against wechatpay-axios-plugin too, so a wrong vector would show up as a disagreement.

const T1 = { appid: 'wxd930ea5d5a258f4f', mch_id: '10000100', device_info: '1000', body: 'test', nonce_str: 'ibuaiVcKdpRxkhJA' };
const T1_KEY = '192006250b4c09247ec02edce69f6a2d';

describe('digest §16 vectors', () => {
  it('T1: the official example, MD5 and HMAC-SHA256 (key used as HMAC key and inside the message)', () => {
    expect(simSigningString(T1)).toBe('appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA');
    expect(simSign(T1, T1_KEY, 'MD5')).toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
    expect(simSign(T1, T1_KEY, 'HMAC-SHA256')).toBe('6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6');
    expect(plugin.Hash.sign('MD5', T1, T1_KEY)).toBe('9A0A8659F005D6984697E2CA0A9CF3B7');
    expect(plugin.Hash.sign('HMAC-SHA256', T1, T1_KEY)).toBe('6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6');
  });

  it('T3: verification is exact — right sign passes; off by one, missing, lowercase or empty fails', () => {
    const message = { return_code: 'SUCCESS', appid: 'wxd930ea5d5a258f4f', mch_id: '10000100' };
    expect(simVerify({ ...message, sign: '4D70B2071E6998EF23F3415D7BE3AC15' }, T1_KEY, 'MD5')).toBe(true);
    expect(simVerify({ ...message, sign: '4D70B2071E6998EF23F3415D7BE3AC14' }, T1_KEY, 'MD5')).toBe(false);
    expect(simVerify(message, T1_KEY, 'MD5')).toBe(false);
    expect(simVerify({ ...message, sign: '4d70b2071e6998ef23f3415d7be3ac15' }, T1_KEY, 'MD5')).toBe(false);
    expect(simVerify({ ...message, sign: '' }, T1_KEY, 'MD5')).toBe(false);
    // The configured type decides: the same MD5 sign under HMAC-SHA256 is wrong.
    expect(simVerify({ ...message, sign: '4D70B2071E6998EF23F3415D7BE3AC15' }, T1_KEY, 'HMAC-SHA256')).toBe(false);
  });

  const payParams = {
    appId: 'wxd678efh567hg6787',
    nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
    package: 'prepay_id=wx2017033010242291fcfe0db70013231072',
    timeStamp: '1490840662',
  };
  const payKey = 'qazwsxedcrfvtgbyhnujmikolp111111';

  it('T4: Mini Program paySign, MD5 (camelCase names sort before lowercase-initial ones by byte)', () => {
    const fields = { ...payParams, signType: 'MD5' };
    expect(simSign(fields, payKey, 'MD5')).toBe('22D9B4E54AB1950F51E0649E8810ACD6');
    expect(plugin.Hash.sign('MD5', fields, payKey)).toBe('22D9B4E54AB1950F51E0649E8810ACD6');
  });

  it('T5: Mini Program paySign, HMAC-SHA256', () => {
    const fields = { ...payParams, signType: 'HMAC-SHA256' };
    const expected = 'FB9D1EFB5C509131BBFF729F88A99CA2DE9B724D06D3B3262832A53083862BC0';
    expect(simSign(fields, payKey, 'HMAC-SHA256')).toBe(expected);
    expect(plugin.Hash.sign('HMAC-SHA256', fields, payKey)).toBe(expected);
  });

  it('T6: stringA drops empty values and sign', () => {
    const fields = { appid: '3', mchid: '2', openid: '', sign: '0' };
    expect(simSigningString(fields)).toBe('appid=3&mchid=2');
    expect(plugin.Formatter.queryStringLike(plugin.Formatter.ksort(fields))).toBe('appid=3&mchid=2');
  });

  it('T7: MD5 of an empty stringA is MD5("&key=" + key)', () => {
    const key = 'exposed_your_key_here_have_risks';
    expect(simSign({}, key, 'MD5')).toBe('b3d43c8390f26e2030d4d17bd580fbc8'.toUpperCase());
    expect(plugin.Hash.md5('', key)).toBe('b3d43c8390f26e2030d4d17bd580fbc8');
  });

  it('T8: AES-256-ECB/PKCS#7 of "hello" under a raw key', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef', 'ascii');
    expect(simAesEcbEncryptWithKey('hello', key)).toBe('pZwJZBLuy3mDACEQT4YTBw==');
    expect(plugin.Aes.AesEcb.encrypt('hello', key)).toBe('pZwJZBLuy3mDACEQT4YTBw==');
  });

  it('T9: a real refund notify req_info decrypts and parses to the published fields', () => {
    const apiKey = 'ziR0QKsTUfMOuochC9RfCdmfHECorQAP';
    expect(simRefundAesKey(apiKey).toString('ascii')).toBe('a1fdc4d1da9fb443b1091d34bcee9493');
    const plaintext = simAesEcbDecrypt(T9_REQ_INFO, apiKey);
    expect(plugin.Aes.AesEcb.decrypt(T9_REQ_INFO, simRefundAesKey(apiKey))).toBe(plaintext);
    expect({ ...simParseXml(plaintext, { maxBytes: 4096, root: 'root' }) }).toEqual({
      out_refund_no: '50fd012ed1b311e7af7800163e32c503',
      out_trade_no: '4893e76d8c8b434cb64e9cd536338e33',
      refund_account: 'REFUND_SOURCE_RECHARGE_FUNDS',
      refund_fee: '6',
      refund_id: '50000404922017112502468056157',
      refund_recv_accout: '支付用户零钱',
      refund_request_source: 'API',
      refund_status: 'SUCCESS',
      settlement_refund_fee: '6',
      settlement_total_fee: '6',
      success_time: '2017-11-25 15:36:17',
      total_fee: '6',
      transaction_id: '4200000015201711256947025404',
    });
    // WeChat's own framing (newlines between fields) is not what we write, but our encryptor inverts our decryptor.
    expect(simAesEcbEncrypt(plaintext, apiKey)).toBe(T9_REQ_INFO);
    // The uppercase-hex key, the bug other SDKs shipped, must not decrypt it.
    const upper = Buffer.from(simRefundAesKey(apiKey).toString('ascii').toUpperCase(), 'ascii');
    expect(() => plugin.Aes.AesEcb.decrypt(T9_REQ_INFO, upper)).not.toThrow(); // the plugin never refuses…
    expect(() => simAesEcbDecrypt(T9_REQ_INFO, apiKey.toUpperCase())).toThrow(); // …we do
  });

  it('T10: the refund AES key is the lowercase hex MD5 of the API key, as 32 ASCII bytes', () => {
    const key = simRefundAesKey(T1_KEY);
    expect(key.toString('ascii')).toBe('d96eb16afdd491fa1e705096edbc2205');
    expect(key.length).toBe(32);
    expect(plugin.Hash.md5(T1_KEY)).toBe('d96eb16afdd491fa1e705096edbc2205');
  });
});

const T9_REQ_INFO =
  'YYwp8C48th0wnQzTqeI+41pflB26v+smFj9z6h9RPBgxTyZyxc+4YNEz7QEgZNWj/6rIb2MfyWMZmCc41CfjKSssoSZPXxOhUayb6KvNSZ1p6frOX1P' +
  'DWzhyruXK7ouNND+gDsG4yZ0XXzsL4/pYNwLLba/71QrnkJ/BHcByk4EXnglju5DLup9pJQSnTxjomI9Rxu57m9jg5lLQFxMWXyeASZJNvof0ulnH' +
  'lWJswS4OxKOkmW7VEyKyLGV6npoOm03Qsx2wkRxLsSa9gPpg4hdaReeUqh1FMbm7aWjyrVYT/MEZWg98p4GomEIYvz34XfDncTezX4bf/ZiSLXt79aE' +
  '1/YTZrYfymXeCrGjlbe0rg/T2ezJHAC870u2vsVbY1/KcE2A443N+DEnAziXlBQ1AeWq3Rqk/O6/TMM0lomzgctAOiAMg+bh5+Gu1ubA9O3E+vehULy' +
  'dD5qx2o6i3+qA9ORbH415NyRrQdeFq5vmCiRikp5xYptWiGZA0tkoaLKMPQ4ndE5gWHqiBbGPfULZWokI+QjjhhBmwgbd6J0VqpRorwOuzC/BHdkP72' +
  'DCdNcm7IDUpggnzBIy0+seWIkcHEryKjge3YDHpJeQCqrAH0CgxXHDt1xtbQbST1VqFyuhPhUjDXMXrknrGPN/oE1t0rLRq+78cI+k8xe5E6seeUXQs' +
  'Ee8r3358mpcDYSmXWSXVZxK6er9EF98APqHwcndyEJD2YyCh/mMVhERuX+7kjlRXSiNUWa/Cv/XAKFQuvUYA5ea2eYWtPRHa4DpyuF1SNsaqVKfgqKX' +
  'ZrJHfAgslVpSVqUpX4zkKszHF4kwMZO3M7J1P94Mxa7Tm9mTOJePOoHPXeEB+m9rX6pSfoi3mJDQ5inJ+Vc4gOkg/Wd/lqiy6TTyP/dHDN6/v+AuJx5' +
  'AXBo/2NDD3fWhHjkqEKIuARr2ClZt9ZRQO4HkXdZo7CN06sGCHk48Tg8PmxnxKcMZm7Aoquv5yMIM2gWSWIRJhwJ8cUpafIHc+GesDlbF6Zbt+/KXka' +
  'fJAQq2RklEN+WvZ/zFz113EPgWPjp16TwBoziq96MMekvWKY/vdhjol8VFtGH9F61Oy1Xwf6DJtPw==';
