import { requestPaymentParams } from '../../../../src/adapters/wechatpay/shared/request-payment.js';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../support/doubles/manual-clock.js';
import { PrepayOfAnotherApiError, UntrustedResponseError, WechatAnswerError } from '../../../../src/adapters/wechatpay/shared/errors.js';
import type { HttpResponse } from '../../../../src/adapters/wechatpay/shared/http-transport.js';
import { verifyFields } from '../../../../src/adapters/wechatpay/v2/sign.js';
import { WechatPayV2Gateway, type WechatPayV2Config } from '../../../../src/adapters/wechatpay/v2/gateway.js';
import { truncateUtf8 } from '../../../../src/adapters/wechatpay/shared/payer-text.js';
import { parseWechatXml } from '../../../../src/adapters/wechatpay/v2/xml.js';
import { Money } from '../../../../src/domain/money.js';
import { okAnswer, refusalAnswer, ScriptedTransport } from '../../../support/scripted-transport.js';
import { SAMPLE } from '../../../support/wechat-test-signer.js';

const CONFIG: WechatPayV2Config = {
  ...SAMPLE,
  signType: 'MD5',
  notifyUrl: 'https://merchant.example/wechat/pay-notify',
};

function gatewayWith(answers: HttpResponse[], config: Partial<WechatPayV2Config> = {}) {
  const transport = new ScriptedTransport(answers);
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 4, 0, 0));
  const gateway = new WechatPayV2Gateway(
    { ...CONFIG, ...config },
    { clock, transport, nonce: () => 'N0NCE', sleep: async () => undefined },
  );
  return { gateway, transport, clock };
}

const prepayRequest = {
  outTradeNo: '2026011512000000020000000001',
  description: '  课程 ',
  amount: Money.ofFen(9900),
  openid: 'oU',
  clientIp: '::ffff:203.0.113.7',
  payableUntil: new Date(Date.UTC(2026, 0, 22, 4, 0, 0)),
};

describe('createPrepay', () => {
  it('sends a JSAPI unifiedorder with fen, the unmapped client IP and our notify_url', async () => {
    const { gateway, transport } = gatewayWith([okAnswer({ trade_type: 'JSAPI', prepay_id: 'wx1' })]);
    const outcome = await gateway.createPrepay(prepayRequest);
    expect(outcome).toMatchObject({ kind: 'created', prepay: { prepayId: 'wx1', signType: 'MD5' } });
    const sent = parseWechatXml(transport.requests[0]?.body, { maxBytes: 4096 });
    expect({ ...sent }).toMatchObject({
      trade_type: 'JSAPI',
      total_fee: '9900',
      spbill_create_ip: '203.0.113.7',
      notify_url: CONFIG.notifyUrl,
      openid: 'oU',
      body: '课程',
      // Beijing time: the order can be paid for 7 days.
      time_expire: '20260122120000',
    });
    expect(transport.requests[0]?.url).toBe('https://api.mch.weixin.qq.com/pay/unifiedorder');
  });

  it.each<[string, HttpResponse, unknown]>([
    ['ORDERPAID', refusalAnswer('ORDERPAID', '该订单已支付'), { kind: 'alreadyPaid' }],
    ['ORDERCLOSED', refusalAnswer('ORDERCLOSED', '该订单已关闭'), { kind: 'closed' }],
    ['INVALID_REQUEST 201', refusalAnswer('INVALID_REQUEST', '201 商户订单号重复'), { kind: 'parametersChanged' }],
    ['OUT_TRADE_NO_USED', refusalAnswer('OUT_TRADE_NO_USED', '商户订单号重复'), { kind: 'parametersChanged' }],
    [
      'INVALID_REQUEST other',
      refusalAnswer('INVALID_REQUEST', '参数错误'),
      { kind: 'rejected', code: 'INVALID_REQUEST', message: '参数错误', category: 'request' },
    ],
    [
      'NOAUTH',
      refusalAnswer('NOAUTH', '商户无此接口权限'),
      { kind: 'rejected', code: 'NOAUTH', message: '商户无此接口权限', category: 'configuration' },
    ],
    [
      'SIGNERROR',
      refusalAnswer('SIGNERROR', '签名错误'),
      { kind: 'rejected', code: 'SIGNERROR', message: '签名错误', category: 'configuration' },
    ],
    [
      'FREQUENCY_LIMITED',
      refusalAnswer('FREQUENCY_LIMITED', '频繁'),
      { kind: 'rejected', code: 'FREQUENCY_LIMITED', message: '频繁', category: 'rateLimited' },
    ],
    [
      'PARAM_ERROR',
      refusalAnswer('PARAM_ERROR', 'appid和openid不匹配'),
      { kind: 'rejected', code: 'PARAM_ERROR', message: 'appid和openid不匹配', category: 'request' },
    ],
  ])('%s → %j', async (_name, answer, expected) => {
    expect(await gatewayWith([answer]).gateway.createPrepay(prepayRequest)).toEqual(expected);
  });

  it('a SUCCESS without prepay_id is not trusted', async () => {
    await expect(gatewayWith([okAnswer()]).gateway.createPrepay(prepayRequest)).rejects.toBeInstanceOf(UntrustedResponseError);
  });

  it('uses the configured server IP when set', async () => {
    const { gateway, transport } = gatewayWith([okAnswer({ prepay_id: 'wx1' })], { spbillCreateIp: '198.51.100.1' });
    await gateway.createPrepay(prepayRequest);
    expect(transport.requests[0]?.body).toContain('<spbill_create_ip><![CDATA[198.51.100.1]]></spbill_create_ip>');
  });
});

describe('queryOrder maps trade_state', () => {
  const paid = { out_trade_no: prepayRequest.outTradeNo, transaction_id: '4200', total_fee: '9900', time_end: '20260115120102' };
  it.each<[string, Record<string, string>, unknown]>([
    [
      'SUCCESS',
      { ...paid, trade_state: 'SUCCESS' },
      { kind: 'paid', transactionId: '4200', amount: Money.ofFen(9900), paidAt: new Date('2026-01-15T04:01:02Z') },
    ],
    [
      'REFUND (money was taken)',
      { ...paid, trade_state: 'REFUND' },
      { kind: 'paid', transactionId: '4200', amount: Money.ofFen(9900), paidAt: new Date('2026-01-15T04:01:02Z') },
    ],
    ['NOTPAY', { trade_state: 'NOTPAY' }, { kind: 'notPaid', state: 'NOTPAY' }],
    ['USERPAYING', { trade_state: 'USERPAYING' }, { kind: 'notPaid', state: 'USERPAYING' }],
    ['ACCEPT', { trade_state: 'ACCEPT' }, { kind: 'notPaid', state: 'ACCEPT' }],
    ['CLOSED', { trade_state: 'CLOSED' }, { kind: 'failed', reason: 'CLOSED' }],
    ['PAYERROR', { trade_state: 'PAYERROR' }, { kind: 'failed', reason: 'PAYERROR' }],
    ['REVOKED', { trade_state: 'REVOKED' }, { kind: 'failed', reason: 'REVOKED' }],
  ])('%s', async (_name, fields, expected) => {
    expect(await gatewayWith([okAnswer(fields)]).gateway.queryOrder(prepayRequest.outTradeNo)).toEqual(expected);
  });

  it('reads a coupon payment: the order amount is total_fee, what the user paid in cash is cash_fee', async () => {
    const coupon = {
      ...paid,
      trade_state: 'SUCCESS',
      cash_fee: '9000',
      coupon_fee: '900',
      coupon_count: '1',
      coupon_id_0: 'C1',
      coupon_fee_0: '900',
    };
    expect(await gatewayWith([okAnswer(coupon)]).gateway.queryOrder(prepayRequest.outTradeNo)).toMatchObject({
      kind: 'paid',
      amount: Money.ofFen(9900),
      cashPaid: Money.ofFen(9000),
    });
    await expect(
      gatewayWith([okAnswer({ ...coupon, cash_fee: '9901' })]).gateway.queryOrder(prepayRequest.outTradeNo),
    ).rejects.toBeInstanceOf(UntrustedResponseError);
  });

  it('ORDERNOTEXIST → notFound', async () => {
    expect(await gatewayWith([refusalAnswer('ORDERNOTEXIST')]).gateway.queryOrder('x')).toEqual({ kind: 'notFound' });
  });

  it.each<[string, Record<string, string>]>([
    ['an unknown trade_state', { trade_state: 'MAYBE' }],
    ['a coerced total_fee', { ...paid, trade_state: 'SUCCESS', total_fee: '1e2' }],
    ['a zero total_fee', { ...paid, trade_state: 'SUCCESS', total_fee: '0' }],
    ['no transaction_id', { ...paid, trade_state: 'SUCCESS', transaction_id: '' }],
    ['an impossible time_end', { ...paid, trade_state: 'SUCCESS', time_end: '20260230120000' }],
    ['another out_trade_no', { ...paid, trade_state: 'SUCCESS', out_trade_no: '2026011512000000020000000002' }],
  ])('%s is never guessed at: GatewayUnavailableError', async (_name, fields) => {
    await expect(gatewayWith([okAnswer(fields)]).gateway.queryOrder(prepayRequest.outTradeNo)).rejects.toBeInstanceOf(
      UntrustedResponseError,
    );
  });

  it('another business refusal is thrown with its code', async () => {
    await expect(gatewayWith([refusalAnswer('NOAUTH')]).gateway.queryOrder('x')).rejects.toBeInstanceOf(WechatAnswerError);
  });
});

describe('closeOrder', () => {
  it.each<[string, HttpResponse, string]>([
    ['SUCCESS', okAnswer(), 'closed'],
    ['ORDERPAID', refusalAnswer('ORDERPAID'), 'alreadyPaid'],
    ['ORDERCLOSED', refusalAnswer('ORDERCLOSED'), 'alreadyClosed'],
  ])('%s → %s', async (_name, answer, expected) => {
    expect(await gatewayWith([answer]).gateway.closeOrder('x')).toBe(expected);
  });
});

describe('refunds', () => {
  const no = prepayRequest.outTradeNo;
  const accepted = {
    transaction_id: '4200',
    out_trade_no: no,
    out_refund_no: `${no}R1`,
    refund_id: '5000',
    refund_fee: '100',
    total_fee: '9900',
  };
  const submission = {
    outTradeNo: no,
    outRefundNo: `${no}R1`,
    totalFee: Money.ofFen(9900),
    refundFee: Money.ofFen(100),
    reason: `  ${'退'.repeat(90)}`,
  };

  it('reads the acceptance as WeChat holds the refund now, and keeps refund_desc within 80 characters', async () => {
    const { gateway, transport } = gatewayWith([okAnswer(accepted)]);
    const outcome = await gateway.refund(submission);
    expect(outcome).toEqual({
      kind: 'accepted',
      report: {
        outTradeNo: no,
        transactionId: '4200',
        outRefundNo: `${no}R1`,
        refundId: '5000',
        amount: Money.ofFen(100),
        totalFee: Money.ofFen(9900),
        status: 'PROCESSING',
        at: new Date(Date.UTC(2026, 0, 15, 4)),
      },
    });
    expect(parseWechatXml(transport.requests[0]?.body, { maxBytes: 8192 }).refund_desc).toBe('退'.repeat(80));
  });

  it('does not trust an acceptance that names another refund or amount', async () => {
    await expect(gatewayWith([okAnswer({ ...accepted, refund_fee: '200' })]).gateway.refund(submission)).rejects.toBeInstanceOf(
      UntrustedResponseError,
    );
    await expect(gatewayWith([okAnswer({ ...accepted, out_refund_no: `${no}R2` })]).gateway.refund(submission)).rejects.toBeInstanceOf(
      UntrustedResponseError,
    );
  });

  it('reads how WeChat split the refund of a coupon order (cash_refund_fee, coupon_refund_fee), and refuses parts that do not add up', async () => {
    const split = { ...accepted, cash_fee: '9400', cash_refund_fee: '95', coupon_refund_fee: '5' };
    const outcome = await gatewayWith([okAnswer(split)]).gateway.refund(submission);
    expect(outcome).toMatchObject({ kind: 'accepted', report: { parts: { cash: Money.ofFen(95), coupon: Money.ofFen(5) } } });
    const cashOnly = await gatewayWith([okAnswer({ ...accepted, cash_refund_fee: '100' })]).gateway.refund(submission);
    expect(cashOnly).toMatchObject({ report: { parts: { cash: Money.ofFen(100), coupon: Money.ofFen(0) } } });
    for (const wrong of [{ cash_refund_fee: '95' }, { cash_refund_fee: '95', coupon_refund_fee: '6' }, { cash_refund_fee: 'x' }]) {
      await expect(gatewayWith([okAnswer({ ...accepted, ...wrong })]).gateway.refund(submission)).rejects.toBeInstanceOf(
        UntrustedResponseError,
      );
    }
  });

  it('accepts WeChat’s own example of the refund answer, which carries refund_fee but no total_fee, as refundquery does', async () => {
    // The business fields of the 申请退款 example answer, as published (re-signed: the example's sign is for another key).
    const example = {
      transaction_id: '1008450740201411110005820873',
      out_trade_no: '1415757673',
      out_refund_no: '1415701182',
      refund_id: '2008450740201411110000174436',
      refund_channel: '',
      refund_fee: '1',
      coupon_refund_fee: '0',
    };
    const outcome = await gatewayWith([okAnswer(example)]).gateway.refund({
      outTradeNo: '1415757673',
      outRefundNo: '1415701182',
      totalFee: Money.ofFen(1),
      refundFee: Money.ofFen(1),
      reason: '',
    });
    expect(outcome).toEqual({
      kind: 'accepted',
      report: {
        outTradeNo: '1415757673',
        transactionId: '1008450740201411110005820873',
        outRefundNo: '1415701182',
        refundId: '2008450740201411110000174436',
        amount: Money.ofFen(1),
        status: 'PROCESSING',
        at: new Date(Date.UTC(2026, 0, 15, 4)),
      },
    });
  });

  it.each<[string, Record<string, string | undefined>, Record<string, string | undefined>]>([
    ['refund_id', { refund_id: undefined }, { refund_id_0: undefined }],
    ['transaction_id', { transaction_id: undefined }, { transaction_id: undefined }],
    ['refund_fee', { refund_fee: undefined }, { refund_fee_0: undefined }],
    ['a total_fee that is no amount', { total_fee: '99.00' }, { total_fee: '99.00' }],
  ])('does not trust a refund answer without %s, nor a refundquery answer', async (_what, refundChange, queryChange) => {
    await expect(gatewayWith([okAnswer({ ...accepted, ...refundChange })]).gateway.refund(submission)).rejects.toBeInstanceOf(
      UntrustedResponseError,
    );
    const queried = {
      out_trade_no: no,
      transaction_id: '4200',
      total_fee: '9900',
      refund_count: '1',
      out_refund_no_0: `${no}R1`,
      refund_id_0: '5000',
      refund_fee_0: '100',
      refund_status_0: 'PROCESSING',
      ...queryChange,
    };
    await expect(gatewayWith([okAnswer(queried)]).gateway.queryRefund(`${no}R1`)).rejects.toBeInstanceOf(UntrustedResponseError);
  });

  it('reads the HTTP 400 WeChat answers a refund without an acceptable client certificate as a configuration refusal', async () => {
    const page = '<html><head><title>400 No required SSL certificate was sent</title></head></html>';
    const { gateway } = gatewayWith([{ status: 400, body: page }]);
    expect(await gateway.refund(submission)).toEqual({
      kind: 'rejected',
      code: 'FAIL',
      message: expect.stringContaining('HTTP 400: WeChat did not accept a client certificate'),
      category: 'configuration',
    });
  });

  it('still takes an HTTP 400 from an API without a certificate for a failure to reach WeChat', async () => {
    const { gateway } = gatewayWith([{ status: 400, body: '' }]);
    await expect(gateway.queryOrder('2026011512000000020000000001')).rejects.toThrow(/unexpected HTTP 400/);
  });

  it('understands a refundquery answer without total_fee, as WeChat’s own example has none', async () => {
    const answer = {
      out_trade_no: no,
      transaction_id: '4200',
      refund_count: '1',
      out_refund_no_0: `${no}R1`,
      refund_id_0: '5000',
      refund_fee_0: '100',
      refund_status_0: 'SUCCESS',
      refund_success_time_0: '2026-01-15 12:30:00',
    };
    expect(await gatewayWith([okAnswer(answer)]).gateway.queryRefund(`${no}R1`)).toEqual({
      kind: 'found',
      report: {
        outTradeNo: no,
        transactionId: '4200',
        outRefundNo: `${no}R1`,
        refundId: '5000',
        amount: Money.ofFen(100),
        status: 'SUCCESS',
        at: new Date('2026-01-15T04:30:00Z'),
      },
    });
  });

  it.each([
    ['REFUNDCLOSE', 'CLOSED'],
    ['CHANGE', 'ABNORMAL'],
    ['PROCESSING', 'PROCESSING'],
  ])('maps refund_status %s to %s', async (wire, status) => {
    const answer = {
      out_trade_no: no,
      transaction_id: '4200',
      total_fee: '9900',
      refund_count: '1',
      out_refund_no_0: `${no}R1`,
      refund_id_0: '5000',
      refund_fee_0: '100',
      refund_status_0: wire,
    };
    expect(await gatewayWith([okAnswer(answer)]).gateway.queryRefund(`${no}R1`)).toMatchObject({ kind: 'found', report: { status } });
  });
});

describe('billedPayments (downloadbill)', () => {
  const BILL = [
    '\uFEFF交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,商品名称,商户数据包,手续费,费率,订单金额,费率备注',
    '`2026-01-14 12:01:02,`wxd930ea5d5a258f4f,`10000100,`0,`,`4200000015201711256947025404,`2026011412000000020000000001,`oU,`JSAPI,`SUCCESS,`OTHERS,`CNY,`98.00,`1.00,`课程,`,`0.58800,`0.60%,`99.00,`',
    '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
  ];
  const summary = (count: string, settled: string) => `\`${count},\`${settled},\`0.00,\`0.00,\`0.58800,\`99.00,\`0.00`;
  const text = (lines: string[]): HttpResponse => ({ status: 200, body: [...lines, ''].join('\r\n') });

  it('asks for the SUCCESS bill compressed, and reads it: order amount, a count written "1.0", a clean summary', async () => {
    const body = [...BILL, summary('1.0', '98.00'), ''].join('\r\n');
    const bytes = gzipSync(body);
    const { gateway, transport } = gatewayWith([{ status: 200, body: bytes.toString('latin1'), bytes }]);
    expect(await gateway.billedPayments('20260114')).toEqual({
      payments: [
        { outTradeNo: '2026011412000000020000000001', transactionId: '4200000015201711256947025404', totalFee: Money.ofFen(9900) },
      ],
      discrepancies: [],
    });
    expect({ ...parseWechatXml(transport.requests[0]?.body, { maxBytes: 4096 }) }).toMatchObject({
      bill_type: 'SUCCESS',
      tar_type: 'GZIP',
    });
  });

  it('reads an uncompressed bill too, and reports where its summary disagrees with its rows', async () => {
    const { gateway } = gatewayWith([text([...BILL, summary('2', '99.00')])]);
    expect(await gateway.billedPayments('20260114')).toMatchObject({
      discrepancies: ['总交易单数 2, but the bill has 1 rows', '应结订单总金额 9900 fen, but the rows add up to 9800 fen'],
    });
  });

  it('recognises an error answer that opens with an XML declaration', async () => {
    const declared = (message: string, code: string): HttpResponse => ({
      status: 200,
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[${message}]]></return_msg><error_code><![CDATA[${code}]]></error_code></xml>`,
    });
    expect(await gatewayWith([declared('No Bill Exist', '20002')]).gateway.billedPayments('20260114')).toBeUndefined();
    await expect(gatewayWith([declared('invalid bill_date', '20001')]).gateway.billedPayments('20260114')).rejects.toThrow(
      /invalid bill_date/,
    );
  });

  it('refuses a compressed answer that unpacks past the size limit', async () => {
    const bomb = gzipSync(Buffer.alloc(65 * 1024 * 1024, 0x20));
    const { gateway } = gatewayWith([{ status: 200, body: '', bytes: bomb }]);
    await expect(gateway.billedPayments('20260114')).rejects.toThrow(UntrustedResponseError);
  });
});

describe('clientPayment', () => {
  it('signs appId, nonceStr, package, signType, timeStamp with the prepay’s sign type', () => {
    const { gateway, clock } = gatewayWith([]);
    const prepay = { prepayId: 'wx1', issuedAt: clock.now(), expiresAt: clock.now(), signType: 'HMAC-SHA256' };
    const params = requestPaymentParams(gateway.clientPayment(prepay));
    expect(params).toMatchObject({
      appId: SAMPLE.appId,
      timeStamp: String(Date.UTC(2026, 0, 15, 4) / 1000),
      nonceStr: 'N0NCE',
      package: 'prepay_id=wx1',
      signType: 'HMAC-SHA256',
    });
    const { paySign, ...signed } = params;
    expect(paySign).toHaveLength(64);
    expect(verifyFields({ ...signed, sign: paySign }, SAMPLE.apiKey, 'HMAC-SHA256')).toBe(true);
  });

  it('refuses a prepay it did not make (no v2 sign type)', () => {
    const { gateway, clock } = gatewayWith([]);
    expect(() => gateway.clientPayment({ prepayId: 'wx1', issuedAt: clock.now(), expiresAt: clock.now(), signType: '' })).toThrow(
      PrepayOfAnotherApiError,
    );
  });
});

describe('configuration', () => {
  it.each<[string, Partial<WechatPayV2Config>]>([
    ['a missing API key', { apiKey: '' }],
    ['an unknown sign type', { signType: 'SHA1' as never }],
    ['a notify URL with a query string', { notifyUrl: 'https://merchant.example/notify?x=1' }],
    ['a non-http base URL', { baseUrl: 'ftp://api.mch.weixin.qq.com' }],
  ])('refuses %s', (_name, config) => {
    expect(() => gatewayWith([], config)).toThrow(TypeError);
  });

  it('names problems without echoing secrets', () => {
    expect(() => gatewayWith([], { mchId: '', apiKey: '' })).toThrow(/mchId is required; apiKey is required/);
  });
});

describe('truncateUtf8', () => {
  it('cuts at a code point boundary within the byte budget', () => {
    expect(truncateUtf8('课'.repeat(100), 127)).toBe('课'.repeat(42));
    expect(truncateUtf8('ab😀c', 5)).toBe('ab');
    expect(truncateUtf8('short', 127)).toBe('short');
  });
});

describe('refundBill (downloadbill, bill_type REFUND)', () => {
  it('asks for the REFUND bill compressed and reads each refund: its order, its numbers, the amount and the status', async () => {
    // The REFUND layout (退款申请时间, 退款成功时间 before the refund columns), as WeChat's downloadbill page lists it.
    const body = [
      '\uFEFF交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率',
      '`2026-01-14 12:01:02,`wxd930ea5d5a258f4f,`10000100,`0,`,`4200000015201711256947025404,`2026011412000000020000000001,`oU,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`2026-01-14 15:00:00,`2026-01-14 15:00:05,`50000000382019052709732678859,`2026011412000000020000000001R1,`30.00,`0.00,`ORIGINAL,`SUCCESS,`课程,`,`0.00000,`0.60%',
      '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额',
      '`1,`0.00,`30.00,`0.00,`0.00000',
      '',
    ].join('\r\n');
    const bytes = gzipSync(body);
    const { gateway, transport } = gatewayWith([{ status: 200, body: '', bytes }]);
    expect(await gateway.refundBill('20260114')).toEqual({
      refunds: [
        {
          outTradeNo: '2026011412000000020000000001',
          transactionId: '4200000015201711256947025404',
          outRefundNo: '2026011412000000020000000001R1',
          refundId: '50000000382019052709732678859',
          amount: Money.ofFen(3000),
          status: 'SUCCESS',
        },
      ],
      discrepancies: [],
    });
    expect({ ...parseWechatXml(transport.requests[0]?.body, { maxBytes: 4096 }) }).toMatchObject({ bill_type: 'REFUND', tar_type: 'GZIP' });
  });

  it('refuses a bill whose rows are not refunds (no 商户退款单号)', async () => {
    const body = [
      '交易时间,微信订单号,商户订单号,交易状态,应结订单金额,微信退款单号,商户退款单号,退款金额',
      '`2026-01-14 12:01:02,`4200000015201711256947025404,`2026011412000000020000000001,`SUCCESS,`99.00,`0,`0,`0.00',
      '总交易单数,应结订单总金额,退款总金额',
      '`1,`99.00,`0.00',
    ].join('\r\n');
    await expect(gatewayWith([{ status: 200, body }]).gateway.refundBill('20260114')).rejects.toThrow(/no 商户退款单号/);
  });
});

describe('fundFlowBill (downloadfundflow)', () => {
  // WeChat's downloadfundflow sample, as WxJava (BaseWxPayServiceImpl.handleFundFlow) and uniCloud's uni-pay docs quote
  // it: full-width （元）, counts written "20.0". Its summary counts the 20 lines of the full bill, not the one shown.
  const SAMPLE_BILL = [
    '记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,资金变更提交申请人,备注,业务凭证号',
    '`2018-02-01 04:21:23,`50000305742018020103387128253,`1900009231201802015884652186,`退款,`退款,`支出,`0.02,`0.17,`system,`缺货,`REF4200000068201801293084726067',
    '资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额',
    '`20.0,`17.0,`0.35,`3.0,`0.18',
  ].join('\r\n');

  it('signs HMAC-SHA256 whatever the merchant signs with, asks for the basic account compressed, and reads the sample', async () => {
    const bytes = gzipSync(SAMPLE_BILL);
    const { gateway, transport } = gatewayWith([{ status: 200, body: '', bytes }], { signType: 'MD5' });
    expect(await gateway.fundFlowBill('20180201')).toEqual({
      lines: [
        {
          flowId: '1900009231201802015884652186',
          kind: 'refund',
          income: false,
          amount: Money.ofFen(2),
          businessNo: '50000305742018020103387128253',
          voucherNo: 'REF4200000068201801293084726067',
          bookedAt: '2018-02-01 04:21:23',
          description: '退款 / 退款 / 缺货',
        },
      ],
      discrepancies: [
        '资金流水总笔数 20, but the bill has 1 lines',
        '收入笔数 17, but the bill has 0 income lines',
        '收入金额 35 fen, but the income lines add up to 0 fen',
        '支出笔数 3, but the bill has 1 expense lines',
        '支出金额 18 fen, but the expense lines add up to 2 fen',
      ],
    });
    const request = transport.requests[0];
    expect(request?.url).toBe('https://api.mch.weixin.qq.com/pay/downloadfundflow');
    const sent = parseWechatXml(request?.body, { maxBytes: 4096 });
    expect({ ...sent }).toMatchObject({ sign_type: 'HMAC-SHA256', bill_date: '20180201', account_type: 'Basic', tar_type: 'GZIP' });
    expect(verifyFields(sent, SAMPLE.apiKey, 'HMAC-SHA256')).toBe(true);
  });

  it('says plainly that WeChat wants the merchant certificate when its front end answers HTTP 400', async () => {
    const { gateway } = gatewayWith([{ status: 400, body: '<html>400 No required SSL certificate was sent</html>' }]);
    await expect(gateway.fundFlowBill('20180201')).rejects.toThrow(/client certificate/);
  });

  it('has no bill for a day with no movement ("No Bill Exist")', async () => {
    const none: HttpResponse = {
      status: 200,
      body: '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[No Bill Exist]]></return_msg><error_code><![CDATA[20002]]></error_code></xml>',
    };
    expect(await gatewayWith([none]).gateway.fundFlowBill('20180201')).toBeUndefined();
  });
});
