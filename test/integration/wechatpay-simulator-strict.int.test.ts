import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { signFields } from '../../src/adapters/wechatpay/v2/sign.js';
import { buildWechatXml, parseWechatXml } from '../../src/adapters/wechatpay/v2/xml.js';
import { Money } from '../../src/domain/money.js';
import { startSandbox, type Sandbox } from '../support/wechat-sandbox.js';
import { SAMPLE } from '../support/wechat-test-signer.js';

/**
 * What merchants meet at WeChat that a lenient simulator would hide, each reachable by a control endpoint or a
 * fault, and how the v2 gateway reads it.
 */
let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const HOUR = 3_600_000;
let serial = 0;
const outTradeNo = (): string => `2026011512000000030${String(++serial).padStart(9, '0')}`;

async function prepay(s: Sandbox, openid = 'oUser', fen = 300) {
  const no = outTradeNo();
  const outcome = await s.gateway().createPrepay({
    outTradeNo: no,
    description: 'test',
    amount: Money.ofFen(fen),
    openid,
    clientIp: '127.0.0.1',
    payableUntil: new Date(Date.UTC(2026, 0, 22)),
  });
  return { no, outcome };
}

async function paid(s: Sandbox, options: Record<string, unknown> = {}): Promise<string> {
  const { no, outcome } = await prepay(s);
  if (outcome.kind !== 'created') throw new Error('prepay refused');
  const answer = await s.control('/pay', { prepay_id: outcome.prepay.prepayId, ...options });
  if (answer.status !== 200) throw new Error(`pay refused: ${JSON.stringify(answer.json)}`);
  return no;
}

const refundOf = (no: string, seq: number, fen = 1) => ({
  outTradeNo: no,
  outRefundNo: `${no}R${seq}`,
  totalFee: Money.ofFen(300),
  refundFee: Money.ofFen(fen),
});

async function downloadbill(s: Sandbox, fields: Record<string, string>): Promise<Buffer> {
  const request = { appid: SAMPLE.appId, mch_id: SAMPLE.mchId, nonce_str: 'n', ...fields };
  const res = await fetch(`${s.url}/sandbox/wxpay/pay/downloadbill`, {
    method: 'POST',
    body: buildWechatXml({ ...request, sign: signFields(request, SAMPLE.apiKey, 'MD5') }),
  });
  return Buffer.from(await res.arrayBuffer());
}

describe('payments', () => {
  it('refuses an openid of another appid with PARAM_ERROR, which the gateway reports as a refused request', async () => {
    sb = await startSandbox();
    expect((await sb.control('/openids/oForeign/foreign')).status).toBe(200);
    const { outcome } = await prepay(sb, 'oForeign');
    expect(outcome).toEqual({ kind: 'rejected', code: 'PARAM_ERROR', message: 'appid和openid不匹配', category: 'request' });
    expect((await prepay(sb, 'oOwnUser')).outcome.kind).toBe('created');
  });

  it('reports a coupon payment: cash_fee < total_fee with the coupon fields, in the notify and in orderquery', async () => {
    sb = await startSandbox();
    const no = await paid(sb, { coupon_fee: 100 });
    await sb.waitFor(() => sb?.received.some((r) => r.body.includes(no)) ?? false);
    const notify = { ...parseWechatXml(sb.received.find((r) => r.body.includes(no))?.body, { maxBytes: 16384 }) };
    expect(notify).toMatchObject({ total_fee: '300', cash_fee: '200', coupon_fee: '100', coupon_count: '1', coupon_fee_0: '100' });
    expect(await sb.verifier().payment({ body: sb.received[0]?.body ?? '', headers: {} })).toMatchObject({ ok: true });
    expect(await sb.gateway().queryOrder(no)).toMatchObject({ kind: 'paid', amount: Money.ofFen(300), cashPaid: Money.ofFen(200) });
    expect((await sb.control('/pay', { prepay_id: 'x', coupon_fee: 0 })).status).toBe(400);
  });

  it('lets the bank refuse a payment: a signed result_code FAIL notify, and orderquery says PAYERROR', async () => {
    sb = await startSandbox();
    const { no, outcome } = await prepay(sb);
    if (outcome.kind !== 'created') throw new Error('prepay refused');
    expect((await sb.control('/pay', { prepay_id: outcome.prepay.prepayId, result: 'FAIL' })).json).toMatchObject({
      trade_state: 'PAYERROR',
      transaction_id: null,
    });
    await sb.waitFor(() => sb?.received.some((r) => r.body.includes(no)) ?? false);
    const body = sb.received.find((r) => r.body.includes(no))?.body ?? '';
    expect({ ...parseWechatXml(body, { maxBytes: 16384 }) }).toMatchObject({ result_code: 'FAIL', err_code: 'PAYERROR' });
    expect(await sb.gateway().queryOrder(no)).toEqual({ kind: 'failed', reason: 'PAYERROR' });
  });
});

describe('refunds', () => {
  it('refuses with NOTENOUGH and FREQUENCY_LIMITED when told to, which the gateway tells apart', async () => {
    sb = await startSandbox({ requireClientCertForSecapi: false });
    const no = await paid(sb);
    await sb.control('/faults', { fault: 'refusal', api: 'refund', err_code: 'NOTENOUGH' });
    expect(await sb.gateway().refund(refundOf(no, 1))).toMatchObject({ kind: 'rejected', code: 'NOTENOUGH', category: 'request' });
    await sb.control('/faults', { fault: 'refusal', api: 'refund', err_code: 'FREQUENCY_LIMITED' });
    expect(await sb.gateway().refund(refundOf(no, 1))).toMatchObject({
      kind: 'rejected',
      code: 'FREQUENCY_LIMITED',
      category: 'rateLimited',
    });
    // Refused, nothing was created: the same number goes through afterwards.
    expect(await sb.gateway().refund(refundOf(no, 1))).toMatchObject({ kind: 'accepted' });
    expect((await sb.control('/faults', { fault: 'refusal', api: 'refund', err_code: 'BOGUS' })).status).toBe(400);
  });

  it('refuses the 51st refund of one order', async () => {
    sb = await startSandbox({ requireClientCertForSecapi: false });
    const no = await paid(sb);
    for (let seq = 1; seq <= 50; seq++) expect((await sb.gateway().refund(refundOf(no, seq))).kind).toBe('accepted');
    expect(await sb.gateway().refund(refundOf(no, 51))).toMatchObject({ kind: 'rejected', code: 'ERROR' });
  });
});

describe('trade bills', () => {
  it('has a day’s bill only from 10:00 Beijing time the next day', async () => {
    sb = await startSandbox();
    await paid(sb); // 2026-01-15 12:00 Beijing
    const gateway = sb.gateway();
    await expect(gateway.billedPayments('20260116')).rejects.toThrow(/invalid bill_date/); // a day to come
    expect(await gateway.billedPayments('20260115')).toBeUndefined(); // not over yet
    sb.clock.advance(21 * HOUR - 60_000); // 2026-01-16 08:59
    expect(await gateway.billedPayments('20260115')).toBeUndefined();
    sb.clock.advance(HOUR); // 09:59
    expect(await gateway.billedPayments('20260115')).toBeUndefined();
    sb.clock.advance(60_000); // 10:00
    expect((await gateway.billedPayments('20260115'))?.payments).toHaveLength(1);
  });

  it('writes each bill type in its own columns, after a UTF-8 BOM, and compresses it when asked', async () => {
    sb = await startSandbox({ requireClientCertForSecapi: false });
    const no = await paid(sb, { coupon_fee: 100 });
    expect((await sb.gateway().refund(refundOf(no, 1, 50))).kind).toBe('accepted');
    await sb.control(`/refunds/${no}R1/settle`);
    sb.clock.advance(24 * HOUR);
    const header = (bill: Buffer) => bill.toString('utf8').split('\r\n')[0] ?? '';

    const success = await downloadbill(sb, { bill_date: '20260115', bill_type: 'SUCCESS' });
    expect(success.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(header(success)).not.toContain('退款金额');
    expect(success.toString('utf8')).toContain('`2.00,`1.00,'); // 应结订单金额 (cash), 代金券金额

    const refund = await downloadbill(sb, { bill_date: '20260115', bill_type: 'REFUND' });
    expect(header(refund)).toContain('退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额');
    expect(refund.toString('utf8')).toContain(`\`${no}R1,\`0.50,`);

    const all = await downloadbill(sb, { bill_date: '20260115', bill_type: 'ALL' });
    expect(header(all)).toContain('微信退款单号,商户退款单号,退款金额');
    expect(header(all)).not.toContain('退款申请时间');

    const gzip = await downloadbill(sb, { bill_date: '20260115', bill_type: 'SUCCESS', tar_type: 'GZIP' });
    expect(gzip.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gunzipSync(gzip)).toEqual(success);

    // The gateway asks for the compressed SUCCESS bill and finds it sound.
    expect(await sb.gateway().billedPayments('20260115')).toEqual({
      payments: [{ outTradeNo: no, transactionId: expect.any(String), totalFee: Money.ofFen(300) }],
      discrepancies: [],
    });
  });
});
