import { gzipSync } from 'node:zlib';
import { requestPaymentParams } from '../../../../src/adapters/wechatpay/shared/request-payment.js';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../../../src/adapters/wechatpay/shared/http-transport.js';
import { PrepayOfAnotherApiError } from '../../../../src/adapters/wechatpay/shared/errors.js';
import { WechatPayV3Gateway } from '../../../../src/adapters/wechatpay/v3/gateway.js';
import type { V3Failure } from '../../../../src/adapters/wechatpay/v3/client.js';
import { V3Trust } from '../../../../src/adapters/wechatpay/v3/trust.js';
import { GatewayUnavailableError } from '../../../../src/application/ports/payment-gateway.js';
import { Money } from '../../../../src/domain/money.js';
import { ManualClock } from '../../../support/doubles/manual-clock.js';
import { ScriptedTransport, type Step } from '../../../support/scripted-transport.js';
import { pluginRsa, signCallback, transactionResource } from '../../../support/v3-callback-signer.js';
import { testIdentity } from '../../../support/v3-identity.js';

const id = testIdentity();
const clock = new ManualClock();
const now = Math.floor(clock.now().getTime() / 1000);

/** An answer WeChat signed with its public key (made with the plugin, not the adapter's signer). */
function signed(status: number, json?: unknown, requestId = 'REQ-0001'): HttpResponse {
  const body = json === undefined ? '' : JSON.stringify(json);
  const headers = signCallback(body, { serial: id.wechatpayPublicKey.id, privateKey: id.wechatpayPrivateKey, timestamp: now });
  return { status, body, headers: { ...headers, 'request-id': requestId } };
}

function gateway(steps: Step[], failures: V3Failure[] = []): { gateway: WechatPayV3Gateway; transport: ScriptedTransport } {
  const transport = new ScriptedTransport(steps);
  const trust = new V3Trust({ publicKey: { id: id.wechatpayPublicKey.id, key: id.wechatpayPublicKeyObject } }, clock);
  const g = new WechatPayV3Gateway(
    {
      appId: 'wxd930ea5d5a258f4f',
      mchId: '10000100',
      privateKey: id.merchantKey,
      merchantSerialNo: id.merchant.serialNo,
      apiV3Key: Buffer.from(id.apiV3Key),
      notifyUrl: 'https://shop.example/wechat/pay-notify',
      baseUrl: 'https://api.mch.weixin.qq.com',
      retries: 2,
      retryBackoffMs: 1,
    },
    { clock, trust, transport, nonce: () => 'NONCE0123456789', onFailure: (f) => failures.push(f) },
  );
  return { gateway: g, transport };
}

const prepayRequest = {
  outTradeNo: '2026011512000000020000000001',
  description: '健康商城-课程',
  amount: Money.ofFen(9900),
  openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
  clientIp: '203.0.113.7',
  payableUntil: new Date('2026-01-22T04:00:00.600Z'),
};

describe('WechatPayV3Gateway on a scripted WeChat', () => {
  it('signs the request the plugin way, names the key to answer with, and sends time_expire in +08:00 and amounts in fen', async () => {
    const { gateway: g, transport } = gateway([signed(200, { prepay_id: 'wx201410272009395522657a690389285100' })]);
    const outcome = await g.createPrepay(prepayRequest);
    expect(outcome).toMatchObject({ kind: 'created', prepay: { prepayId: 'wx201410272009395522657a690389285100', signType: 'RSA' } });
    const sent = transport.requests[0];
    expect(sent?.url).toBe('https://api.mch.weixin.qq.com/v3/pay/transactions/jsapi');
    expect(sent?.headers).toMatchObject({ accept: 'application/json', 'wechatpay-serial': id.wechatpayPublicKey.id });
    const body = JSON.parse(sent?.body ?? '') as Record<string, unknown>;
    expect(body).toMatchObject({
      time_expire: '2026-01-22T12:00:00+08:00',
      amount: { total: 9900, currency: 'CNY' },
      payer: { openid: prepayRequest.openid },
    });
    const auth =
      /^WECHATPAY2-SHA256-RSA2048 mchid="10000100",serial_no="([0-9A-F]+)",timestamp="(\d+)",nonce_str="(\w+)",signature="([^"]+)"$/.exec(
        sent?.headers?.authorization ?? '',
      );
    expect(auth?.[1]).toBe(id.merchant.serialNo);
    const [, , ts = '', nonce = '', signature = ''] = auth ?? [];
    const message = `POST\n/v3/pay/transactions/jsapi\n${ts}\n${nonce}\n${sent?.body ?? ''}\n`;
    expect(pluginRsa.verify(message, signature, id.merchantPublicKey)).toBe(true);
  });

  it('sends Accept and User-Agent on every request and Content-Type application/json with every body (v3 接口规则)', async () => {
    const no = '2026011512000000020000000001';
    const { gateway: g, transport } = gateway(Array.from({ length: 20 }, () => signed(500, { code: 'SYSTEM_ERROR', message: 'x' })));
    const calls = [
      () => g.createPrepay(prepayRequest),
      () => g.queryOrder(no),
      () => g.closeOrder(no),
      () => g.refund({ outTradeNo: no, outRefundNo: `${no}R1`, totalFee: Money.ofFen(9900), refundFee: Money.ofFen(1) }),
      () => g.queryRefund(`${no}R1`),
    ];
    for (const call of calls) {
      const before = transport.requests.length;
      await call().catch(() => undefined);
      expect(transport.requests.length).toBeGreaterThan(before);
    }
    for (const request of transport.requests) {
      expect(request.headers).toMatchObject({ accept: 'application/json', 'user-agent': expect.stringMatching(/\S/) });
      if (request.body !== undefined) expect(request.headers?.['content-type']).toBe('application/json');
      else expect(request.method).toBe('GET');
    }
  });

  it('retries SYSTEM_ERROR and 5xx with the same body, and logs each failure with its Request-ID', async () => {
    const failures: V3Failure[] = [];
    const { gateway: g, transport } = gateway(
      [
        signed(500, { code: 'SYSTEM_ERROR', message: '系统错误' }, 'REQ-A'),
        { status: 502, body: '<html>bad gateway</html>' },
        signed(200, { prepay_id: 'wx2' }),
      ],
      failures,
    );
    expect((await g.createPrepay(prepayRequest)).kind).toBe('created');
    expect(new Set(transport.requests.map((r) => r.body)).size).toBe(1);
    expect(failures).toMatchObject([
      { operation: 'jsapi', attempt: 0, willRetry: true, status: 500, code: 'SYSTEM_ERROR', requestId: 'REQ-A' },
      { operation: 'jsapi', attempt: 1, willRetry: true },
    ]);
  });

  it('gives up after its retries with a GatewayUnavailableError that names the Request-ID', async () => {
    const error = signed(500, { code: 'SYSTEM_ERROR', message: '系统错误' }, 'REQ-LAST');
    const { gateway: g } = gateway([error, error, error]);
    const thrown = await g.queryOrder('2026011512000000020000000001').catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(GatewayUnavailableError);
    expect((thrown as Error).message).toContain('REQ-LAST');
  });

  it.each([
    ['unsigned', { status: 200, body: JSON.stringify({ prepay_id: 'wx1' }) }],
    ['signed over another body', { ...signed(200, { prepay_id: 'wx1' }), headers: { ...signed(200, { prepay_id: 'wx2' }).headers } }],
    [
      'a WECHATPAY/SIGNTEST/ probe',
      {
        ...signed(200, { prepay_id: 'wx1' }),
        headers: { ...signed(200, {}).headers, 'wechatpay-signature': `WECHATPAY/SIGNTEST/${'A'.repeat(344)}` },
      },
    ],
  ])('refuses a 2xx that is %s, without retrying it into trust', async (_name, answer) => {
    const { gateway: g, transport } = gateway([answer as HttpResponse]);
    await expect(g.createPrepay(prepayRequest)).rejects.toBeInstanceOf(GatewayUnavailableError);
    expect(transport.requests).toHaveLength(1);
  });

  it('verifies a 204 too: a close answered with an unsigned 204 is not a close', async () => {
    const { gateway: g } = gateway([{ status: 204, body: '' }]);
    await expect(g.closeOrder('2026011512000000020000000001')).rejects.toBeInstanceOf(GatewayUnavailableError);
    const { gateway: ok } = gateway([signed(204)]);
    expect(await ok.closeOrder('2026011512000000020000000001')).toBe('closed');
  });

  it.each([
    [403, 'ORDERPAID', '订单已支付', { kind: 'alreadyPaid' }],
    [400, 'ORDER_CLOSED', '订单已关闭', { kind: 'closed' }],
    [403, 'OUT_TRADE_NO_USED', '商户订单号重复', { kind: 'parametersChanged' }],
    [400, 'INVALID_REQUEST', '201 商户订单号重复', { kind: 'parametersChanged' }],
    [400, 'PARAM_ERROR', '参数错误', { kind: 'rejected', code: 'PARAM_ERROR' }],
  ])('maps %s %s to the same prepay outcome as v2', async (status, code, message, expected) => {
    const { gateway: g } = gateway([signed(status, { code, message })]);
    expect(await g.createPrepay(prepayRequest)).toMatchObject(expected);
  });

  it('reads a paid order: amount.total is the order amount, payer_total the cash paid', async () => {
    const answer = transactionResource({ amount: { total: 9900, payer_total: 9000, currency: 'CNY' } });
    const { gateway: g, transport } = gateway([signed(200, answer)]);
    expect(await g.queryOrder('2026011512000000020000000001')).toEqual({
      kind: 'paid',
      transactionId: '4200000015201711256947025404',
      amount: Money.ofFen(9900),
      cashPaid: Money.ofFen(9000),
      paidAt: new Date('2026-01-15T04:01:02Z'),
    });
    expect(transport.requests[0]?.url).toBe(
      'https://api.mch.weixin.qq.com/v3/pay/transactions/out-trade-no/2026011512000000020000000001?mchid=10000100',
    );
  });

  it('refuses a query answer about another order or merchant', async () => {
    const { gateway: other } = gateway([signed(200, transactionResource({ out_trade_no: '2026011512000000020000000002' }))]);
    await expect(other.queryOrder('2026011512000000020000000001')).rejects.toBeInstanceOf(GatewayUnavailableError);
    const { gateway: foreign } = gateway([signed(200, transactionResource({ mchid: '10000101' }))]);
    await expect(foreign.queryOrder('2026011512000000020000000001')).rejects.toBeInstanceOf(GatewayUnavailableError);
  });

  it('refuses to send its signature to a bill download URL on another host', async () => {
    const { gateway: g, transport } = gateway([
      signed(200, { hash_type: 'SHA1', hash_value: 'a'.repeat(40), download_url: 'https://evil.example/v3/billdownload/file?token=x' }),
    ]);
    await expect(g.billedPayments('20260114')).rejects.toThrow(/refusing to send our signature/);
    expect(transport.requests).toHaveLength(1);
  });

  it('downloads the bill from WeChat’s host with our signature and refuses it unless its SHA1 is the promised hash_value', async () => {
    const bill = [
      '交易时间,公众账号ID,商户号,微信订单号,商户订单号,交易状态,应结订单金额',
      '`2026-01-14 12:00:00,`wxd930ea5d5a258f4f,`10000100,`4200000015201711256947025404,`2026011412000000020000000001,`SUCCESS,`99.00',
      '总交易单数,应结订单总金额,退款总金额',
      '`1,`99.00,`0.00',
    ].join('\r\n');
    const sha1 = createHash('sha1').update(bill, 'utf8').digest('hex');
    const url = 'https://api.mch.weixin.qq.com/v3/billdownload/file?token=t1';
    const { gateway: good, transport } = gateway([
      signed(200, { hash_type: 'SHA1', hash_value: sha1, download_url: url }),
      { status: 200, body: bill },
    ]);
    expect(await good.billedPayments('20260114')).toEqual({
      payments: [
        { outTradeNo: '2026011412000000020000000001', transactionId: '4200000015201711256947025404', totalFee: Money.ofFen(9900) },
      ],
      discrepancies: [],
    });
    expect(transport.requests.map((r) => r.url)).toEqual([
      'https://api.mch.weixin.qq.com/v3/bill/tradebill?bill_date=2026-01-14&bill_type=SUCCESS&tar_type=GZIP',
      url,
    ]);
    expect(transport.requests[1]?.headers?.authorization).toMatch(/^WECHATPAY2-SHA256-RSA2048 /);
    const { gateway: bad } = gateway([
      signed(200, { hash_type: 'SHA1', hash_value: sha1, download_url: url }),
      { status: 200, body: `${bill}\r\n` },
    ]);
    await expect(bad.billedPayments('20260114')).rejects.toThrow(/SHA1 differs/);
    const { gateway: none } = gateway([signed(400, { code: 'NO_STATEMENT_EXIST', message: '账单文件不存在' })]);
    expect(await none.billedPayments('20260114')).toBeUndefined();
  });

  it('asks for the fund-flow bill gzip-compressed and checks the SHA1 of the unpacked file, as WeChat promises it', async () => {
    // The table of go-pay's v3 fund-flow fixture (wechat/v3 client_test.go), half-width (元) and plain counts.
    const bill = [
      '记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号',
      '`2021-02-01 13:54:01,`50300806962021020105978994968,`4200000920202101197964319284,`退款,`退款,`支出,`0.01,`0.22,`1601959334API,`退款总金额0.01元;含手续费0.00元,`S20210201135356381941',
      '资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额',
      '`1,`0,`0.00,`1,`0.01',
    ].join('\n');
    const packed = gzipSync(bill);
    const url = 'https://api.mch.weixin.qq.com/v3/billdownload/file?token=f1';
    const answer = (hash: string) => signed(200, { hash_type: 'SHA1', hash_value: hash, download_url: url });
    const file = { status: 200, body: packed.toString('latin1'), bytes: packed };
    const sha1 = (data: string | Buffer) => createHash('sha1').update(data).digest('hex');
    const { gateway: good, transport } = gateway([answer(sha1(bill)), file]);
    expect(await good.fundFlowBill('20210201')).toEqual({
      lines: [
        {
          flowId: '4200000920202101197964319284',
          kind: 'refund',
          income: false,
          amount: Money.ofFen(1),
          businessNo: '50300806962021020105978994968',
          voucherNo: 'S20210201135356381941',
          bookedAt: '2021-02-01 13:54:01',
          description: '退款 / 退款 / 退款总金额0.01元;含手续费0.00元',
        },
      ],
      discrepancies: [],
    });
    expect(transport.requests[0]?.url).toBe(
      'https://api.mch.weixin.qq.com/v3/bill/fundflowbill?bill_date=2021-02-01&account_type=BASIC&tar_type=GZIP',
    );
    const { gateway: packedHash } = gateway([answer(sha1(packed)), file]);
    await expect(packedHash.fundFlowBill('20210201')).rejects.toThrow(/SHA1 differs/);
    const { gateway: none } = gateway([signed(400, { code: 'NO_STATEMENT_EXIST', message: '账单文件不存在' })]);
    expect(await none.fundFlowBill('20210201')).toBeUndefined();
  });

  it('asks for the refund bill as the trade bill of bill_type REFUND', async () => {
    const bill = [
      '交易时间,公众账号ID,商户号,微信订单号,商户订单号,交易状态,应结订单金额,微信退款单号,商户退款单号,退款金额,退款状态',
      '`2026-01-14 12:00:00,`wxd930ea5d5a258f4f,`10000100,`4200000015201711256947025404,`2026011412000000020000000001,`REFUND,`0.00,`50000000382019052709732678859,`2026011412000000020000000001R1,`12.34,`SUCCESS',
      '总交易单数,应结订单总金额,退款总金额',
      '`1,`0.00,`12.34',
    ].join('\r\n');
    const url = 'https://api.mch.weixin.qq.com/v3/billdownload/file?token=r1';
    const { gateway: g, transport } = gateway([
      signed(200, { hash_type: 'SHA1', hash_value: createHash('sha1').update(bill).digest('hex'), download_url: url }),
      { status: 200, body: bill },
    ]);
    expect(await g.refundBill('20260114')).toEqual({
      refunds: [
        {
          outTradeNo: '2026011412000000020000000001',
          transactionId: '4200000015201711256947025404',
          outRefundNo: '2026011412000000020000000001R1',
          refundId: '50000000382019052709732678859',
          amount: Money.ofFen(1234),
          status: 'SUCCESS',
        },
      ],
      discrepancies: [],
    });
    expect(transport.requests[0]?.url).toBe(
      'https://api.mch.weixin.qq.com/v3/bill/tradebill?bill_date=2026-01-14&bill_type=REFUND&tar_type=GZIP',
    );
  });

  it('signs paySign over appId, timeStamp, nonceStr and package with the merchant key (digest §4.2)', () => {
    const { gateway: g } = gateway([]);
    const prepay = { prepayId: 'wx1', issuedAt: clock.now(), expiresAt: clock.now(), signType: 'RSA' };
    const params = requestPaymentParams(g.clientPayment(prepay));
    expect(params).toMatchObject({ appId: 'wxd930ea5d5a258f4f', signType: 'RSA', package: 'prepay_id=wx1', nonceStr: 'NONCE0123456789' });
    const message = `${params.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`;
    expect(pluginRsa.verify(message, params.paySign, id.merchantPublicKey)).toBe(true);
    expect(() => g.clientPayment({ ...prepay, signType: 'MD5' })).toThrow(PrepayOfAnotherApiError);
  });
});
