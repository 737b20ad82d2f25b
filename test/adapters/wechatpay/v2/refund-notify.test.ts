import { describe, expect, it } from 'vitest';
import { aes256EcbDecrypt, aes256EcbEncrypt, refundNotifyKey } from '../../../../src/adapters/wechatpay/v2/aes-ecb.js';
import { decryptRefundNotify } from '../../../../src/adapters/wechatpay/v2/refund-notify.js';
import { buildWechatXml } from '../../../../src/adapters/wechatpay/v2/xml.js';
import { SAMPLE } from '../../../support/wechat-test-signer.js';

const T9_KEY = 'ziR0QKsTUfMOuochC9RfCdmfHECorQAP';
const T9_REQ_INFO =
  'YYwp8C48th0wnQzTqeI+41pflB26v+smFj9z6h9RPBgxTyZyxc+4YNEz7QEgZNWj/6rIb2MfyWMZmCc41CfjKSssoSZPXxOhUayb6KvNSZ1p6frOX1PDWzhyruXK7ouNND+gDsG4yZ0XXzsL4/pYNwLLba/71QrnkJ/BHcByk4EXnglju5DLup9pJQSnTxjomI9Rxu57m9jg5lLQFxMWXyeASZJNvof0ulnHlWJswS4OxKOkmW7VEyKyLGV6npoOm03Qsx2wkRxLsSa9gPpg4hdaReeUqh1FMbm7aWjyrVYT/MEZWg98p4GomEIYvz34XfDncTezX4bf/ZiSLXt79aE1/YTZrYfymXeCrGjlbe0rg/T2ezJHAC870u2vsVbY1/KcE2A443N+DEnAziXlBQ1AeWq3Rqk/O6/TMM0lomzgctAOiAMg+bh5+Gu1ubA9O3E+vehULydD5qx2o6i3+qA9ORbH415NyRrQdeFq5vmCiRikp5xYptWiGZA0tkoaLKMPQ4ndE5gWHqiBbGPfULZWokI+QjjhhBmwgbd6J0VqpRorwOuzC/BHdkP72DCdNcm7IDUpggnzBIy0+seWIkcHEryKjge3YDHpJeQCqrAH0CgxXHDt1xtbQbST1VqFyuhPhUjDXMXrknrGPN/oE1t0rLRq+78cI+k8xe5E6seeUXQsEe8r3358mpcDYSmXWSXVZxK6er9EF98APqHwcndyEJD2YyCh/mMVhERuX+7kjlRXSiNUWa/Cv/XAKFQuvUYA5ea2eYWtPRHa4DpyuF1SNsaqVKfgqKXZrJHfAgslVpSVqUpX4zkKszHF4kwMZO3M7J1P94Mxa7Tm9mTOJePOoHPXeEB+m9rX6pSfoi3mJDQ5inJ+Vc4gOkg/Wd/lqiy6TTyP/dHDN6/v+AuJx5AXBo/2NDD3fWhHjkqEKIuARr2ClZt9ZRQO4HkXdZo7CN06sGCHk48Tg8PmxnxKcMZm7Aoquv5yMIM2gWSWIRJhwJ8cUpafIHc+GesDlbF6Zbt+/KXkafJAQq2RklEN+WvZ/zFz113EPgWPjp16TwBoziq96MMekvWKY/vdhjol8VFtGH9F61Oy1Xwf6DJtPw==';

const T9_FIELDS = {
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
};

const outer = (reqInfo: string, overrides: Record<string, string> = {}): string =>
  buildWechatXml({ return_code: 'SUCCESS', appid: SAMPLE.appId, mch_id: SAMPLE.mchId, nonce_str: 'n', req_info: reqInfo, ...overrides });

describe('AES-256-ECB (refund notify)', () => {
  it('T8: encrypting "hello" with a 32-byte key', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef', 'ascii');
    expect(aes256EcbEncrypt('hello', key)).toBe('pZwJZBLuy3mDACEQT4YTBw==');
    expect(aes256EcbDecrypt('pZwJZBLuy3mDACEQT4YTBw==', key)?.toString()).toBe('hello');
  });

  it('T9: the real-world req_info decrypts to the documented fields with key md5(API key)', () => {
    expect(refundNotifyKey(T9_KEY).toString('ascii')).toBe('a1fdc4d1da9fb443b1091d34bcee9493');
    const merchant = { ...SAMPLE, apiKey: T9_KEY, signType: 'MD5' as const };
    const result = decryptRefundNotify(outer(T9_REQ_INFO), merchant);
    if (!result.ok) throw new Error(result.error.detail);
    expect({ ...result.value.fields }).toEqual(T9_FIELDS);
    expect(result.value.refundStatus).toBe('SUCCESS');
    expect(result.value.refundFee.fen).toBe(6);
    expect(result.value.successAt?.toISOString()).toBe('2017-11-25T07:36:17.000Z');
  });

  it('the uppercase-MD5 key (a bug other SDKs shipped) does not decrypt it', () => {
    const wrong = Buffer.from(refundNotifyKey(T9_KEY).toString('ascii').toUpperCase(), 'ascii');
    const plain = aes256EcbDecrypt(T9_REQ_INFO, wrong);
    expect(plain?.toString('utf8').startsWith('<root>') ?? false).toBe(false);
  });

  it.each(['', 'not base64!', 'AAAA', 'pZwJZBLuy3mDACEQT4YTBw'])('never throws on bad ciphertext %j', (text) => {
    expect(aes256EcbDecrypt(text, Buffer.alloc(32))).toBeUndefined();
  });
});

describe('decryptRefundNotify', () => {
  const merchant = { ...SAMPLE, signType: 'MD5' as const };
  const encrypt = (inner: string): string => aes256EcbEncrypt(inner, refundNotifyKey(SAMPLE.apiKey));

  it('accepts what the simulator-style encryption produces', () => {
    const result = decryptRefundNotify(outer(encrypt(buildWechatXml(T9_FIELDS, 'root'))), merchant);
    expect(result.ok && result.value.outRefundNo).toBe(T9_FIELDS.out_refund_no);
  });

  it.each<[string, string, string]>([
    ['another merchant', outer(encrypt(buildWechatXml(T9_FIELDS, 'root')), { mch_id: '999' }), 'foreignMerchant'],
    ['return_code FAIL', buildWechatXml({ return_code: 'FAIL', return_msg: 'x' }), 'returnCodeFail'],
    ['no req_info', outer(''), 'missingReqInfo'],
    ['req_info under another key', outer(T9_REQ_INFO), 'undecryptable'],
    ['req_info not XML', outer(encrypt('hello')), 'malformedReqInfo'],
    ['req_info with a DOCTYPE', outer(encrypt('<!DOCTYPE r [<!ENTITY e "x">]><root/>')), 'malformedReqInfo'],
    ['refund above total', outer(encrypt(buildWechatXml({ ...T9_FIELDS, refund_fee: '7' }, 'root'))), 'badField'],
    ['refund_fee coerced', outer(encrypt(buildWechatXml({ ...T9_FIELDS, refund_fee: '6.0' }, 'root'))), 'badField'],
    ['DOCTYPE outside', `<!DOCTYPE x SYSTEM "file:///etc/passwd">${outer('x')}`, 'malformedXml'],
  ])('refuses %s', (_name, body, reason) => {
    const result = decryptRefundNotify(body, merchant);
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ reason }) });
  });
});
