import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requestPaymentParams } from '../../../../src/adapters/wechatpay/shared/request-payment.js';
import { UntrustedResponseError } from '../../../../src/adapters/wechatpay/shared/errors.js';
import { WechatPayV3Gateway, type WechatPayV3Config } from '../../../../src/adapters/wechatpay/v3/gateway.js';
import { WechatPayV3NotifyVerifier } from '../../../../src/adapters/wechatpay/v3/notify-verifier.js';
import { verifyPaySign } from '../../../../src/adapters/wechatpay/v3/pay-sign.js';
import { V3Trust } from '../../../../src/adapters/wechatpay/v3/trust.js';
import type { InboundCallback } from '../../../../src/application/ports/notify-verifier.js';
import { Money } from '../../../../src/domain/money.js';
import { CaptureServer, type CannedAnswer, type CapturedRequest } from '../../../support/capture-server.js';
import { ManualClock } from '../../../support/doubles/manual-clock.js';
import {
  notifyBody,
  pluginRsa,
  refundResource,
  sealedResource,
  signCallback,
  transactionResource,
} from '../../../support/v3-callback-signer.js';
import { testIdentity } from '../../../support/v3-identity.js';

/** A provider (服务商) collecting for sub-merchant 1900000111, whose two mini-programs pay through it. */
const SP_APPID = 'wx00000000000000a0';
const SP_MCHID = '1900000100';
const SUB_MCHID = '1900000111';
const MP = 'wx1111111111111111';
const MP2 = 'wx2222222222222222';

const id = testIdentity();
const clock = new ManualClock();
const now = Math.floor(clock.now().getTime() / 1000);
const trust = (): V3Trust => new V3Trust({ publicKey: { id: id.wechatpayPublicKey.id, key: id.wechatpayPublicKeyObject } }, clock);

/** An answer WeChat signed with its public key (made with wechatpay-axios-plugin, not the adapter's code). */
function signed(status: number, json?: unknown): CannedAnswer {
  const body = json === undefined ? '' : JSON.stringify(json);
  return {
    status,
    body,
    headers: signCallback(body, { serial: id.wechatpayPublicKey.id, privateKey: id.wechatpayPrivateKey, timestamp: now }),
  };
}

/** The partner transaction WeChat answers a query with; `named` replaces who it names. */
let named: Record<string, unknown> = {};
const partnerTransaction = (no: string): Record<string, unknown> => ({
  sp_appid: SP_APPID,
  sp_mchid: SP_MCHID,
  sub_appid: MP,
  sub_mchid: SUB_MCHID,
  out_trade_no: no,
  trade_state: 'NOTPAY',
  trade_state_desc: '订单未支付',
  ...named,
});

function answer(request: CapturedRequest): CannedAnswer {
  const path = request.url.split('?')[0] ?? '';
  if (request.method === 'POST' && path === '/v3/pay/partner/transactions/jsapi')
    return signed(200, { prepay_id: 'wx201410272009395522657a690389285100' });
  if (request.method === 'POST' && path.endsWith('/close')) return signed(204);
  const query = /^\/v3\/pay\/partner\/transactions\/out-trade-no\/([^/]+)$/.exec(path);
  if (request.method === 'GET' && query) return signed(200, partnerTransaction(decodeURIComponent(query[1] ?? '')));
  if (request.method === 'POST' && path === '/v3/refund/domestic/refunds') {
    const sent = JSON.parse(request.body) as { out_trade_no: string; out_refund_no: string; amount: { refund: number; total: number } };
    return signed(200, {
      refund_id: '50000404922017112502468056157',
      out_refund_no: sent.out_refund_no,
      transaction_id: '4200000015201711256947025404',
      out_trade_no: sent.out_trade_no,
      status: 'PROCESSING',
      create_time: '2026-01-15T12:30:00+08:00',
      amount: { refund: sent.amount.refund, total: sent.amount.total, currency: 'CNY' },
    });
  }
  if (request.method === 'GET' && path.startsWith('/v3/refund/domestic/refunds/')) {
    return signed(404, { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' });
  }
  if (request.method === 'GET' && path === '/v3/bill/tradebill')
    return signed(400, { code: 'NO_STATEMENT_EXIST', message: '要下载的账单不存在' });
  return { status: 404, body: '' };
}

let server: CaptureServer;
beforeAll(async () => {
  server = await CaptureServer.start(answer);
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  named = {};
});

const config = (): WechatPayV3Config => ({
  appId: SP_APPID,
  mchId: SP_MCHID,
  partner: { subMchId: SUB_MCHID, subAppId: MP },
  appIds: [MP2],
  privateKey: id.merchantKey,
  merchantSerialNo: id.merchant.serialNo,
  apiV3Key: Buffer.from(id.apiV3Key),
  notifyUrl: 'https://pay.example/wechat/pay-notify/south',
  refundNotifyUrl: 'https://pay.example/wechat/refund-notify/south',
  baseUrl: server.baseUrl,
  retries: 0,
});
const gateway = (): WechatPayV3Gateway =>
  new WechatPayV3Gateway(config(), { clock, trust: trust(), nonce: () => 'NONCE0123456789', sleep: async () => undefined });

const prepayRequest = {
  outTradeNo: '2026011512000000020000000001',
  description: '南区店-课程',
  amount: Money.ofFen(9900),
  openid: 'oSubOpenid_of_the_mini_program',
  clientIp: '203.0.113.7',
  payableUntil: new Date('2026-01-22T04:00:00.600Z'),
};

/** The request is the provider's: signed with its key, its sp_mchid in the Authorization header. */
function expectSignedByProvider(request: CapturedRequest): void {
  const auth =
    /^WECHATPAY2-SHA256-RSA2048 mchid="(\d+)",serial_no="([0-9A-F]+)",timestamp="(\d+)",nonce_str="(\w+)",signature="([^"]+)"$/.exec(
      String(request.headers.authorization),
    );
  const [, mchid, serial, ts = '', nonce = '', signature = ''] = auth ?? [];
  expect([mchid, serial]).toEqual([SP_MCHID, id.merchant.serialNo]);
  const message = `${request.method}\n${request.url}\n${ts}\n${nonce}\n${request.body}\n`;
  expect(pluginRsa.verify(message, signature, id.merchantPublicKey)).toBe(true);
}

describe('v3 partner (服务商) gateway: what goes on the wire', () => {
  it('POST /v3/pay/partner/transactions/jsapi with sp_appid, sp_mchid, sub_appid, sub_mchid and payer.sub_openid, byte for byte', async () => {
    const outcome = await gateway().createPrepay(prepayRequest);
    expect(outcome).toMatchObject({ kind: 'created', prepay: { prepayId: 'wx201410272009395522657a690389285100', signType: 'RSA' } });
    const request = server.take();
    expect([request.method, request.url]).toEqual(['POST', '/v3/pay/partner/transactions/jsapi']);
    expectSignedByProvider(request);
    // wechatpay-go's partnerpayments/jsapi PrepayRequest field order.
    expect(request.body).toBe(
      JSON.stringify({
        sp_appid: SP_APPID,
        sp_mchid: SP_MCHID,
        sub_appid: MP,
        sub_mchid: SUB_MCHID,
        description: '南区店-课程',
        out_trade_no: prepayRequest.outTradeNo,
        time_expire: '2026-01-22T12:00:00+08:00',
        notify_url: 'https://pay.example/wechat/pay-notify/south',
        amount: { total: 9900, currency: 'CNY' },
        payer: { sub_openid: prepayRequest.openid },
      }),
    );
  });

  it('names another of the merchant’s mini-programs as sub_appid when the prepay is for it; refuses an unknown appid unsent', async () => {
    await gateway().createPrepay({ ...prepayRequest, appId: MP2 });
    expect(JSON.parse(server.take().body)).toMatchObject({ sp_appid: SP_APPID, sub_appid: MP2 });
    await expect(gateway().createPrepay({ ...prepayRequest, appId: 'wx9999999999999999' })).rejects.toThrow(RangeError);
    expect(server.requests).toEqual([]);
  });

  it('queries and closes under /v3/pay/partner/transactions/out-trade-no/{no} with sp_mchid and sub_mchid', async () => {
    const g = gateway();
    const no = prepayRequest.outTradeNo;
    expect(await g.queryOrder(no)).toEqual({ kind: 'notPaid', state: 'NOTPAY' });
    let request = server.take();
    expect([request.method, request.url, request.body]).toEqual([
      'GET',
      `/v3/pay/partner/transactions/out-trade-no/${no}?sp_mchid=${SP_MCHID}&sub_mchid=${SUB_MCHID}`,
      '',
    ]);
    expectSignedByProvider(request);

    expect(await g.closeOrder(no)).toBe('closed');
    request = server.take();
    expect([request.method, request.url, request.body]).toEqual([
      'POST',
      `/v3/pay/partner/transactions/out-trade-no/${no}/close`,
      JSON.stringify({ sp_mchid: SP_MCHID, sub_mchid: SUB_MCHID }),
    ]);
  });

  it('refunds and queries refunds with sub_mchid, and asks for the sub-merchant’s trade bill', async () => {
    const g = gateway();
    const no = prepayRequest.outTradeNo;
    const refund = { outTradeNo: no, outRefundNo: `${no}R1`, totalFee: Money.ofFen(9900), refundFee: Money.ofFen(100), reason: '课程取消' };
    expect(await g.refund(refund)).toMatchObject({ kind: 'accepted', report: { outRefundNo: `${no}R1`, status: 'PROCESSING' } });
    let request = server.take();
    expect([request.method, request.url]).toEqual(['POST', '/v3/refund/domestic/refunds']);
    expect(request.body).toBe(
      JSON.stringify({
        sub_mchid: SUB_MCHID,
        out_trade_no: no,
        out_refund_no: `${no}R1`,
        reason: '课程取消',
        notify_url: 'https://pay.example/wechat/refund-notify/south',
        amount: { refund: 100, total: 9900, currency: 'CNY' },
      }),
    );

    expect(await g.queryRefund(`${no}R1`)).toEqual({ kind: 'notFound' });
    request = server.take();
    expect([request.method, request.url]).toEqual(['GET', `/v3/refund/domestic/refunds/${no}R1?sub_mchid=${SUB_MCHID}`]);

    expect(await g.billedPayments('20260114')).toBeUndefined();
    expect(server.take().url).toBe(`/v3/bill/tradebill?bill_date=2026-01-14&sub_mchid=${SUB_MCHID}&bill_type=SUCCESS&tar_type=GZIP`);
    expect(await g.refundBill('20260114')).toBeUndefined();
    expect(server.take().url).toBe(`/v3/bill/tradebill?bill_date=2026-01-14&sub_mchid=${SUB_MCHID}&bill_type=REFUND&tar_type=GZIP`);
  });

  it('fetches no fund-flow bill in partner mode (the sub-merchant’s is encrypted and permission-gated)', async () => {
    expect(await gateway().fundFlowBill('20260114')).toBeUndefined();
    expect(server.requests).toEqual([]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['another sub_mchid', { sub_mchid: '1900000112' }],
    ['no sub_mchid', { sub_mchid: undefined }],
    ['another sp_mchid', { sp_mchid: '1900000999' }],
    ['another sp_appid', { sp_appid: MP }],
    ['a sub_appid not of this merchant', { sub_appid: 'wx9999999999999999' }],
    ['a direct merchant’s mchid instead', { sp_mchid: undefined, sub_mchid: undefined, mchid: SP_MCHID }],
  ])('refuses a signed query answer naming %s', async (_, who) => {
    named = who;
    await expect(gateway().queryOrder(prepayRequest.outTradeNo)).rejects.toThrow(UntrustedResponseError);
  });

  it('signs wx.requestPayment over the mini-program’s appid with the provider’s key', () => {
    const prepay = { prepayId: 'wx1', issuedAt: clock.now(), expiresAt: clock.now(), signType: 'RSA' };
    for (const [appId, expected] of [
      [undefined, MP],
      [MP2, MP2],
    ] as const) {
      const params = requestPaymentParams(gateway().clientPayment(prepay, appId));
      expect(params.appId).toBe(expected);
      expect(verifyPaySign(params, id.merchantPublicKey)).toBe(true);
    }
    expect(() => gateway().clientPayment(prepay, SP_APPID)).toThrow(RangeError);
  });
});

describe('v3 partner notify verifier', () => {
  const verifier = (): WechatPayV3NotifyVerifier =>
    new WechatPayV3NotifyVerifier({
      merchant: { appId: SP_APPID, mchId: SP_MCHID, partner: { subMchId: SUB_MCHID, subAppId: MP }, appIds: [MP2] },
      apiV3Key: Buffer.from(id.apiV3Key),
      trust: trust(),
      clock,
    });
  const callback = (body: string): InboundCallback => ({
    body,
    headers: signCallback(body, { serial: id.wechatpayPublicKey.id, privateKey: id.wechatpayPrivateKey, timestamp: now }),
  });
  const partnerResource = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
    const { appid: _appid, mchid: _mchid, payer: _payer, ...rest } = transactionResource();
    return {
      sp_appid: SP_APPID,
      sp_mchid: SP_MCHID,
      sub_appid: MP,
      sub_mchid: SUB_MCHID,
      ...rest,
      payer: { sub_openid: 'oSub' },
      ...overrides,
    };
  };
  const payment = (resource: Record<string, unknown>) =>
    verifier().payment(callback(notifyBody('TRANSACTION.SUCCESS', sealedResource(resource, id.apiV3Key, 'transaction'))));
  const refund = (resource: Record<string, unknown>) =>
    verifier().refund(callback(notifyBody('REFUND.SUCCESS', sealedResource(resource, id.apiV3Key, 'refund'))));

  it('accepts a transaction naming the provider and this sub-merchant, as a notice of the mini-program and the sub-merchant', async () => {
    expect(await payment(partnerResource())).toEqual({
      ok: true,
      value: {
        appId: MP,
        mchId: SP_MCHID,
        subMchId: SUB_MCHID,
        outTradeNo: '2026011512000000020000000001',
        transactionId: '4200000015201711256947025404',
        totalFee: Money.ofFen(9900),
        succeeded: true,
        signedWith: 'RSA',
      },
    });
    expect(await payment(partnerResource({ sub_appid: MP2 }))).toMatchObject({ ok: true, value: { appId: MP2 } });
  });

  it.each<[string, Record<string, unknown>]>([
    ['another sub_mchid (a sibling merchant of the same provider)', { sub_mchid: '1900000112' }],
    ['no sub_mchid', { sub_mchid: undefined }],
    ['another sp_mchid', { sp_mchid: '1900000999' }],
    ['no sp_mchid', { sp_mchid: undefined }],
    ['another sp_appid', { sp_appid: MP2 }],
    ['a sub_appid not of this merchant', { sub_appid: 'wx9999999999999999' }],
  ])('refuses a genuine transaction resource naming %s', async (_, overrides) => {
    expect(await payment(partnerResource(overrides))).toMatchObject({ ok: false, error: { reason: 'foreignMerchant' } });
  });

  it('accepts a refund resource naming this sub-merchant, and refuses one naming another', async () => {
    const { mchid: _mchid, ...rest } = refundResource();
    const ours = { sp_mchid: SP_MCHID, sub_mchid: SUB_MCHID, ...rest };
    expect(await refund(ours)).toMatchObject({ ok: true, value: { appId: MP, mchId: SP_MCHID, subMchId: SUB_MCHID, status: 'SUCCESS' } });
    expect(await refund({ ...ours, sub_mchid: '1900000112' })).toMatchObject({ ok: false, error: { reason: 'foreignMerchant' } });
    expect(await refund({ ...ours, sp_mchid: '1900000999' })).toMatchObject({ ok: false, error: { reason: 'foreignMerchant' } });
    expect(await refund({ ...rest, mchid: SP_MCHID })).toMatchObject({ ok: false, error: { reason: 'foreignMerchant' } });
  });
});
