import { NOTIFY_ACK_SUCCESS, notifyFailReply } from '../../wechatpay/v2/notify.js';
import { signFields } from '../../wechatpay/v2/sign.js';
import { buildWechatXml } from '../../wechatpay/v2/xml.js';
import { SAMPLE_MERCHANT } from '../../wechatpay/shared/sample-merchant.js';

const OUT_TRADE_NO = '2026112723160200021095267930';

/**
 * A payment notify as WeChat Pay v2 sends it, for WeChat's published sample merchant and signed with that merchant's
 * published sample key, so the sandbox would verify it.
 */
function sampleNotify(): string {
  const fields = {
    appid: SAMPLE_MERCHANT.appId,
    bank_type: 'OTHERS',
    cash_fee: '9900',
    fee_type: 'CNY',
    is_subscribe: 'N',
    mch_id: SAMPLE_MERCHANT.mchId,
    nonce_str: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
    openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
    out_trade_no: OUT_TRADE_NO,
    result_code: 'SUCCESS',
    return_code: 'SUCCESS',
    time_end: '20261127231630',
    total_fee: '9900',
    trade_type: 'JSAPI',
    transaction_id: '4200937066883585385593630306',
  };
  return buildWechatXml({ ...fields, sign: signFields(fields, SAMPLE_MERCHANT.apiKey, 'MD5') });
}

/** Examples shown in the OpenAPI document: real answers of the sandbox, shortened where a value is long. */
export const EXAMPLES = {
  login: {
    errcode: 200,
    msg: 'SUCCESS',
    data: { token: 'v1.1.1796397362.fwG7Hq1v9yQ0pJcWk3Tn5LrA2sXe8dUbZmOiCgVhYtE', uid: 1, expiresIn: 604800 },
  },
  prepay: {
    errcode: 200,
    msg: 'SUCCESS',
    data: {
      status: 1,
      result: 'success',
      data: {
        appId: SAMPLE_MERCHANT.appId,
        timeStamp: '1795792562',
        nonceStr: 'YriQWBPJ5vAqwHwEPeaOJSJumRBVgKr3',
        package: 'prepay_id=wx20261127231602d3812b1dc10cc3835ee2',
        signType: 'MD5',
        paySign: 'C7D2613A479A15D68B02BA5FA29B18FC',
        outTradeNo: OUT_TRADE_NO,
      },
    },
  },
  order: {
    errcode: 200,
    msg: 'SUCCESS',
    data: {
      outTradeNo: OUT_TRADE_NO,
      status: 'SUCC',
      paidMoney: 9900,
      paidIntegral: 0,
      paidType: 'WXPAY',
      goodsId: 1,
      billNo: '4200937066883585385593630306',
      paidTime: 1795792562,
      refundedMoney: 0,
    },
  },
  goodsList: {
    errcode: 200,
    msg: 'SUCCESS',
    data: [{ id: 1, name: '瑜伽入门课 Yoga basics', marketPrice: 9900, salePrice: 6900, integral: 30, online: true }],
  },
  badInput: { errcode: 400, msg: 'goods_id must be a whole number from 1 to 2147483647', data: null },
  notify: sampleNotify(),
  callbackSuccess: NOTIFY_ACK_SUCCESS,
  callbackFail: notifyFailReply('FAIL'),
} as const;
