import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requestPaymentParams } from '../../../../src/adapters/wechatpay/shared/request-payment.js';
import { UntrustedResponseError } from '../../../../src/adapters/wechatpay/shared/errors.js';
import { aes256EcbEncrypt, refundNotifyKey } from '../../../../src/adapters/wechatpay/v2/aes-ecb.js';
import { WechatPayV2Gateway, type WechatPayV2Config } from '../../../../src/adapters/wechatpay/v2/gateway.js';
import { WechatPayV2NotifyVerifier } from '../../../../src/adapters/wechatpay/v2/notify-verifier.js';
import type { MerchantKeys } from '../../../../src/adapters/wechatpay/v2/notify.js';
import { signFields, verifyFields } from '../../../../src/adapters/wechatpay/v2/sign.js';
import { buildWechatXml, parseWechatXml } from '../../../../src/adapters/wechatpay/v2/xml.js';
import { Money } from '../../../../src/domain/money.js';
import { CaptureServer, type CannedAnswer, type CapturedRequest } from '../../../support/capture-server.js';
import { ManualClock } from '../../../support/doubles/manual-clock.js';
import { paymentNotifyFields, signedNotifyXml } from '../../../support/wechat-test-signer.js';

/** A provider (服务商) collecting for sub-merchant 1900000111, whose two mini-programs pay through it. */
const SP_APPID = 'wx00000000000000a0';
const SP_MCHID = '1900000100';
const SUB_MCHID = '1900000111';
const MP = 'wx1111111111111111';
const MP2 = 'wx2222222222222222';
const PROVIDER_KEY = 'ProviderApiKey0123456789abcdefAB';

const CONFIG: WechatPayV2Config = {
  appId: SP_APPID,
  mchId: SP_MCHID,
  apiKey: PROVIDER_KEY,
  signType: 'MD5',
  partner: { subMchId: SUB_MCHID, subAppId: MP },
  appIds: [MP2],
  notifyUrl: 'https://pay.example/wechat/pay-notify/south',
  refundNotifyUrl: 'https://pay.example/wechat/refund-notify/south',
};

const KEYS: MerchantKeys = {
  appId: SP_APPID,
  mchId: SP_MCHID,
  apiKey: PROVIDER_KEY,
  signType: 'MD5',
  partner: CONFIG.partner,
  appIds: [MP2],
};

/** What WeChat echoes of a request in its answer: the provider, the sub-merchant, and sub_appid when it was sent. */
let echo: (sent: Record<string, string>) => Record<string, string | undefined> = (sent) => ({
  appid: sent.appid,
  mch_id: sent.mch_id,
  sub_mch_id: sent.sub_mch_id,
  sub_appid: sent.sub_appid,
});

function signed(fields: Record<string, string | undefined>): CannedAnswer {
  const all = Object.fromEntries(Object.entries({ return_code: 'SUCCESS', nonce_str: 'r', ...fields }).filter(([, v]) => v !== undefined));
  return { status: 200, body: buildWechatXml({ ...all, sign: signFields(all, PROVIDER_KEY, 'MD5') }) };
}

function answer(request: CapturedRequest): CannedAnswer {
  const sent = parseWechatXml(request.body, { maxBytes: 64 * 1024 });
  const ours = echo(sent);
  switch (request.url) {
    case '/pay/unifiedorder':
      return signed({ ...ours, result_code: 'SUCCESS', trade_type: 'JSAPI', prepay_id: 'wx201410272009395522657a690389285100' });
    case '/pay/orderquery':
      return signed({ ...ours, result_code: 'SUCCESS', out_trade_no: sent.out_trade_no, trade_state: 'NOTPAY' });
    case '/pay/closeorder':
      return signed({ ...ours, result_code: 'SUCCESS' });
    case '/secapi/pay/refund':
      return signed({
        ...ours,
        result_code: 'SUCCESS',
        out_trade_no: sent.out_trade_no,
        out_refund_no: sent.out_refund_no,
        transaction_id: '4200000015201711256947025404',
        refund_id: '50000404922017112502468056157',
        refund_fee: sent.refund_fee,
        total_fee: sent.total_fee,
      });
    case '/pay/refundquery':
      return signed({ ...ours, result_code: 'FAIL', err_code: 'REFUNDNOTEXIST', err_code_des: '退款订单查询失败' });
    case '/pay/downloadbill':
      return { status: 200, body: buildWechatXml({ return_code: 'FAIL', return_msg: 'No Bill Exist', error_code: '20002' }) };
    default:
      return { status: 404, body: '' };
  }
}

let server: CaptureServer;
beforeAll(async () => {
  server = await CaptureServer.start(answer);
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  echo = (sent) => ({ appid: sent.appid, mch_id: sent.mch_id, sub_mch_id: sent.sub_mch_id, sub_appid: sent.sub_appid });
});

const clock = new ManualClock(Date.UTC(2026, 0, 15, 4, 0, 0));
const gateway = (): WechatPayV2Gateway =>
  new WechatPayV2Gateway({ ...CONFIG, baseUrl: server.baseUrl }, { clock, nonce: () => 'N0NCE', sleep: async () => undefined });

const prepayRequest = {
  outTradeNo: '2026011512000000020000000001',
  description: '南区店-课程',
  amount: Money.ofFen(9900),
  openid: 'oSubOpenid_of_the_mini_program',
  clientIp: '203.0.113.7',
  payableUntil: new Date(Date.UTC(2026, 0, 22, 4, 0, 0)),
};

/** The request's fields, with its sign checked against the provider's key (the sign itself left out). */
function sentFields(request: CapturedRequest): Record<string, string> {
  const fields = parseWechatXml(request.body, { maxBytes: 64 * 1024 });
  expect(verifyFields(fields, PROVIDER_KEY, 'MD5')).toBe(true);
  const { sign, ...rest } = fields;
  expect(sign).toMatch(/^[0-9A-F]{32}$/);
  return rest;
}

describe('v2 partner (服务商) gateway: what goes on the wire', () => {
  it('unifiedorder: the provider as appid/mch_id, sub_appid/sub_mch_id, the payer as sub_openid (no openid)', async () => {
    const outcome = await gateway().createPrepay(prepayRequest);
    expect(outcome).toMatchObject({ kind: 'created', prepay: { prepayId: 'wx201410272009395522657a690389285100', signType: 'MD5' } });
    const request = server.take();
    expect(request.url).toBe('/pay/unifiedorder');
    expect(sentFields(request)).toEqual({
      body: '南区店-课程',
      out_trade_no: prepayRequest.outTradeNo,
      total_fee: '9900',
      spbill_create_ip: '203.0.113.7',
      time_expire: '20260122120000',
      notify_url: CONFIG.notifyUrl,
      trade_type: 'JSAPI',
      sub_appid: MP,
      sub_openid: prepayRequest.openid,
      appid: SP_APPID,
      mch_id: SP_MCHID,
      sub_mch_id: SUB_MCHID,
      nonce_str: 'N0NCE',
    });
  });

  it('unifiedorder for another of the merchant’s mini-programs names it as sub_appid; an unknown appid is refused before sending', async () => {
    await gateway().createPrepay({ ...prepayRequest, appId: MP2 });
    expect(sentFields(server.take())).toMatchObject({ appid: SP_APPID, sub_appid: MP2, sub_openid: prepayRequest.openid });
    await expect(gateway().createPrepay({ ...prepayRequest, appId: 'wx9999999999999999' })).rejects.toThrow(RangeError);
    expect(server.requests).toEqual([]);
  });

  it('orderquery, closeorder, refund, refundquery and downloadbill name the sub-merchant (sub_mch_id), no sub_appid', async () => {
    const g = gateway();
    const no = prepayRequest.outTradeNo;
    const provider = { appid: SP_APPID, mch_id: SP_MCHID, sub_mch_id: SUB_MCHID, nonce_str: 'N0NCE' };

    expect(await g.queryOrder(no)).toEqual({ kind: 'notPaid', state: 'NOTPAY' });
    let request = server.take();
    expect([request.url, sentFields(request)]).toEqual(['/pay/orderquery', { out_trade_no: no, ...provider }]);

    expect(await g.closeOrder(no)).toBe('closed');
    request = server.take();
    expect([request.url, sentFields(request)]).toEqual(['/pay/closeorder', { out_trade_no: no, ...provider }]);

    const refund = { outTradeNo: no, outRefundNo: `${no}R1`, totalFee: Money.ofFen(9900), refundFee: Money.ofFen(100), reason: '课程取消' };
    expect(await g.refund(refund)).toMatchObject({ kind: 'accepted', report: { outRefundNo: `${no}R1`, status: 'PROCESSING' } });
    request = server.take();
    expect([request.url, sentFields(request)]).toEqual([
      '/secapi/pay/refund',
      {
        out_trade_no: no,
        out_refund_no: `${no}R1`,
        total_fee: '9900',
        refund_fee: '100',
        refund_desc: '课程取消',
        notify_url: CONFIG.refundNotifyUrl,
        ...provider,
      },
    ]);

    expect(await g.queryRefund(`${no}R1`)).toEqual({ kind: 'notFound' });
    request = server.take();
    expect([request.url, sentFields(request)]).toEqual(['/pay/refundquery', { out_refund_no: `${no}R1`, ...provider }]);

    expect(await g.billedPayments('20260114')).toBeUndefined();
    request = server.take();
    expect([request.url, sentFields(request)]).toEqual([
      '/pay/downloadbill',
      { bill_date: '20260114', bill_type: 'SUCCESS', tar_type: 'GZIP', ...provider },
    ]);
  });

  it('fetches no fund-flow bill in partner mode (the sub-merchant’s account is not the provider’s)', async () => {
    expect(await gateway().fundFlowBill('20260114')).toBeUndefined();
    expect(server.requests).toEqual([]);
    await expect(gateway().fundFlowBill('2026-01-14')).rejects.toThrow(RangeError);
  });

  it.each<[string, (sent: Record<string, string>) => Record<string, string | undefined>]>([
    ['another sub_mch_id', (sent) => ({ appid: sent.appid, mch_id: sent.mch_id, sub_mch_id: '1900000999' })],
    ['no sub_mch_id', (sent) => ({ appid: sent.appid, mch_id: sent.mch_id })],
    ['another provider mch_id', (sent) => ({ appid: sent.appid, mch_id: '1900000999', sub_mch_id: sent.sub_mch_id })],
    ['another provider appid', (sent) => ({ appid: MP, mch_id: sent.mch_id, sub_mch_id: sent.sub_mch_id })],
    [
      'a sub_appid not of this merchant',
      (sent) => ({ appid: sent.appid, mch_id: sent.mch_id, sub_mch_id: sent.sub_mch_id, sub_appid: 'wx9999999999999999' }),
    ],
  ])('refuses a signed answer naming %s', async (_, named) => {
    echo = named;
    await expect(gateway().queryOrder(prepayRequest.outTradeNo)).rejects.toThrow(UntrustedResponseError);
  });

  it('signs wx.requestPayment over the mini-program’s appid with the provider’s key', () => {
    const prepay = { prepayId: 'wx1', issuedAt: clock.now(), expiresAt: clock.now(), signType: 'MD5' };
    for (const [appId, expected] of [
      [undefined, MP],
      [MP2, MP2],
    ] as const) {
      const params = requestPaymentParams(gateway().clientPayment(prepay, appId));
      expect(params.appId).toBe(expected);
      const { paySign, ...signedParams } = params;
      expect(paySign).toBe(signFields(signedParams, PROVIDER_KEY, 'MD5'));
    }
    expect(() => gateway().clientPayment(prepay, SP_APPID)).toThrow(RangeError);
  });
});

describe('v2 partner notify verifier', () => {
  const partnerNotify = (overrides: Record<string, string | undefined> = {}): string =>
    signedNotifyXml(
      paymentNotifyFields({ appid: SP_APPID, mch_id: SP_MCHID, sub_appid: MP, sub_mch_id: SUB_MCHID, sub_openid: 'oSub', ...overrides }),
      { apiKey: PROVIDER_KEY },
    );
  const verify = (body: string) => new WechatPayV2NotifyVerifier(KEYS).payment({ body, headers: {} });

  it('accepts the provider’s notify for this sub-merchant, naming the mini-program, the provider and the sub-merchant', async () => {
    expect(await verify(partnerNotify())).toEqual({
      ok: true,
      value: {
        appId: MP,
        mchId: SP_MCHID,
        subMchId: SUB_MCHID,
        outTradeNo: '2026011512000000020000000001',
        transactionId: '4200000015201711256947025404',
        totalFee: Money.ofFen(9900),
        succeeded: true,
        signedWith: 'MD5',
      },
    });
    expect(await verify(partnerNotify({ sub_appid: MP2 }))).toMatchObject({ ok: true, value: { appId: MP2 } });
  });

  it.each<[string, Record<string, string | undefined>]>([
    ['another sub_mch_id (a sibling merchant of the same provider)', { sub_mch_id: '1900000112' }],
    ['no sub_mch_id', { sub_mch_id: undefined }],
    ['a sub_appid not of this merchant', { sub_appid: 'wx9999999999999999' }],
    ['another provider mch_id', { mch_id: '1900000999' }],
    ['the mini-program as appid (a direct merchant’s shape)', { appid: MP, sub_appid: undefined }],
  ])('refuses a genuinely signed notify naming %s', async (_, overrides) => {
    const result = await verify(partnerNotify(overrides));
    expect(result).toMatchObject({ ok: false, error: { reason: 'foreignMerchant' } });
  });

  describe('refund notify', () => {
    const reqInfo = aes256EcbEncrypt(
      buildWechatXml(
        {
          out_refund_no: '2026011512000000020000000001R1',
          out_trade_no: '2026011512000000020000000001',
          refund_fee: '100',
          refund_id: '50000404922017112502468056157',
          refund_status: 'SUCCESS',
          success_time: '2026-01-15 13:00:00',
          total_fee: '9900',
          transaction_id: '4200000015201711256947025404',
        },
        'root',
      ),
      refundNotifyKey(PROVIDER_KEY),
    );
    const outer = (overrides: Record<string, string | undefined> = {}): string =>
      buildWechatXml(
        Object.fromEntries(
          Object.entries({
            return_code: 'SUCCESS',
            appid: SP_APPID,
            mch_id: SP_MCHID,
            sub_mch_id: SUB_MCHID,
            nonce_str: 'n',
            req_info: reqInfo,
            ...overrides,
          }).filter(([, v]) => v !== undefined),
        ) as Record<string, string>,
      );
    const verifyRefund = (body: string) => new WechatPayV2NotifyVerifier(KEYS).refund({ body, headers: {} });

    it('accepts one naming this sub-merchant (no sub_appid: the default mini-program)', async () => {
      expect(await verifyRefund(outer())).toMatchObject({
        ok: true,
        value: { appId: MP, mchId: SP_MCHID, subMchId: SUB_MCHID, status: 'SUCCESS' },
      });
    });

    it.each<[string, Record<string, string | undefined>]>([
      ['another sub_mch_id', { sub_mch_id: '1900000112' }],
      ['no sub_mch_id', { sub_mch_id: undefined }],
      ['a sub_appid not of this merchant', { sub_appid: 'wx9999999999999999' }],
    ])('refuses one naming %s, though it decrypts with the provider’s key', async (_, overrides) => {
      expect(await verifyRefund(outer(overrides))).toMatchObject({ ok: false, error: { reason: 'foreignMerchant' } });
    });
  });
});
