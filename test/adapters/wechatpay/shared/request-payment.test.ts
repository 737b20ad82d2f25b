import { describe, expect, it } from 'vitest';
import { requestPayment, requestPaymentParams } from '../../../../src/adapters/wechatpay/shared/request-payment.js';

const PARAMS = { appId: 'wx1', timeStamp: '1', nonceStr: 'n', package: 'prepay_id=wx1', signType: 'MD5', paySign: 'S' };

describe('a WeChat Pay client payment', () => {
  it('round-trips wx.requestPayment’s parameters in their fixed order, whatever order they were built in', () => {
    const shuffled = { paySign: 'S', signType: 'MD5', package: 'prepay_id=wx1', nonceStr: 'n', timeStamp: '1', appId: 'wx1' };
    expect(JSON.stringify(requestPaymentParams(requestPayment(shuffled)))).toBe(JSON.stringify(PARAMS));
    expect(requestPayment(PARAMS).provider).toBe('wechatpay');
  });

  it('refuses a payment of another provider, or one that lacks a field, rather than send the mini-program something unpayable', () => {
    expect(() => requestPaymentParams({ provider: 'alipay', params: PARAMS })).toThrow(
      /alipay payment cannot be paid with wx.requestPayment/,
    );
    const { paySign: _dropped, ...incomplete } = PARAMS;
    expect(() => requestPaymentParams({ provider: 'wechatpay', params: incomplete })).toThrow(/lack paySign/);
  });
});
