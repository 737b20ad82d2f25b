import { requestPaymentParams } from '../../src/adapters/wechatpay/shared/request-payment.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayUnavailableError, type PrepayRequest } from '../../src/application/ports/payment-gateway.js';
import { UntrustedResponseError, WechatAnswerError } from '../../src/adapters/wechatpay/shared/errors.js';
import { verifyFields, type SignType } from '../../src/adapters/wechatpay/v2/sign.js';
import { Money } from '../../src/domain/money.js';
import { startSandbox, type Sandbox } from '../support/wechat-sandbox.js';

let serial = 0;
const newOutTradeNo = (): string => `2026011512000000020${String(++serial).padStart(9, '0')}`;

const prepayRequest = (overrides: Partial<PrepayRequest> = {}): PrepayRequest => ({
  outTradeNo: newOutTradeNo(),
  description: '健康商城-课程',
  amount: Money.ofFen(9900),
  openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
  clientIp: '::ffff:203.0.113.7',
  payableUntil: new Date(Date.UTC(2026, 0, 22, 4, 0, 0)),
  ...overrides,
});

const MINUTE = 60_000;

describe.each<SignType>(['MD5', 'HMAC-SHA256'])('WechatPayV2Gateway ⇄ simulator over HTTP (%s)', (signType) => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await startSandbox({ signType });
  });
  afterEach(async () => {
    await sb.close();
  });

  it('the whole cycle: login, prepay, pay, notify, query, refund, refund notify, refundquery, bill', async () => {
    const gateway = sb.gateway();

    const { json: login } = await sb.control('/code');
    const session = await sb.login().codeToSession(login.code as string);
    expect(session).toEqual({ kind: 'session', openid: login.openid });

    const request = prepayRequest({ openid: login.openid as string });
    const created = await gateway.createPrepay(request);
    if (created.kind !== 'created') throw new Error(`prepay: ${JSON.stringify(created)}`);
    expect(created.prepay.signType).toBe(signType);
    expect(created.prepay.expiresAt.getTime() - created.prepay.issuedAt.getTime()).toBe(2 * 60 * MINUTE);

    const params = requestPaymentParams(gateway.clientPayment(created.prepay));
    expect(params).toMatchObject({ appId: sb.simulator.credentials.appId, package: `prepay_id=${created.prepay.prepayId}`, signType });
    const { paySign, ...signed } = params;
    expect(verifyFields({ ...signed, sign: paySign }, sb.simulator.credentials.apiKey, signType)).toBe(true);

    expect(await gateway.queryOrder(request.outTradeNo)).toEqual({ kind: 'notPaid', state: 'NOTPAY' });

    const paid = await sb.control('/pay', { prepay_id: created.prepay.prepayId });
    expect(paid.status).toBe(200);
    await sb.waitFor(() => sb.simulator.deliveries().some((d) => d.subject === request.outTradeNo && d.status === 'acked'));
    const notify = sb.received.find((r) => r.path === '/notify');
    const verdict = await sb.verifier().payment({ body: notify?.body ?? '', headers: {} });
    if (!verdict.ok) throw new Error(verdict.error.detail);
    expect(verdict.value).toMatchObject({
      outTradeNo: request.outTradeNo,
      transactionId: paid.json.transaction_id,
      succeeded: true,
      signedWith: signType,
    });
    expect(verdict.value.totalFee.fen).toBe(9900);
    // WeChat leaves sign_type out of HMAC notifies; we verify with the configured type anyway (T16).
    expect(notify?.body.includes('sign_type')).toBe(false);

    const query = await gateway.queryOrder(request.outTradeNo);
    expect(query).toEqual({
      kind: 'paid',
      transactionId: paid.json.transaction_id,
      amount: Money.ofFen(9900),
      cashPaid: Money.ofFen(9900),
      paidAt: sb.clock.now(),
    });

    const refundRequest = {
      outTradeNo: request.outTradeNo,
      outRefundNo: `R${request.outTradeNo}`,
      totalFee: Money.ofFen(9900),
      refundFee: Money.ofFen(2900),
      reason: '七天无理由',
    };
    const refund = await gateway.refund(refundRequest);
    if (refund.kind !== 'accepted') throw new Error(`refund: ${JSON.stringify(refund)}`);
    // Retrying with the same out_refund_no is the same refund, never a second one.
    const again = await gateway.refund(refundRequest);
    expect(again.kind === 'accepted' && again.report.refundId).toBe(refund.report.refundId);

    await sb.waitFor(() => sb.received.some((r) => r.path === '/refund-notify'));
    const refundNotice = await sb
      .verifier()
      .refund({ body: sb.received.find((r) => r.path === '/refund-notify')?.body ?? '', headers: {} });
    if (!refundNotice.ok) throw new Error(refundNotice.error.detail);
    expect(refundNotice.value).toMatchObject({
      outRefundNo: refundRequest.outRefundNo,
      refundId: refund.report.refundId,
      status: 'SUCCESS',
    });
    expect(refundNotice.value.refundFee.fen).toBe(2900);

    const refunds = await gateway.queryRefund(refundRequest.outRefundNo);
    expect(refunds).toMatchObject({
      kind: 'found',
      report: { outTradeNo: request.outTradeNo, refundId: refund.report.refundId, status: 'SUCCESS' },
    });

    // REFUND still means the money was taken.
    expect((await gateway.queryOrder(request.outTradeNo)).kind).toBe('paid');

    expect(await gateway.billedPayments('20260115')).toBeUndefined();
    sb.clock.advance(24 * 60 * MINUTE);
    expect(await gateway.billedPayments('20260115')).toEqual({
      payments: [{ outTradeNo: request.outTradeNo, transactionId: paid.json.transaction_id, totalFee: Money.ofFen(9900) }],
      discrepancies: [],
    });
  });

  it('identical re-entry returns the live prepay_id; after 2 hours a new one, and the old one can no longer be paid', async () => {
    const gateway = sb.gateway();
    const request = prepayRequest();
    const first = await gateway.createPrepay(request);
    const second = await gateway.createPrepay(request);
    if (first.kind !== 'created' || second.kind !== 'created') throw new Error('prepay refused');
    expect(second.prepay.prepayId).toBe(first.prepay.prepayId);

    sb.clock.advance(2 * 60 * MINUTE + 1);
    expect((await sb.control('/pay', { prepay_id: first.prepay.prepayId })).json).toEqual({ error: 'prepayExpired' });
    const third = await gateway.createPrepay(request);
    if (third.kind !== 'created') throw new Error('prepay refused');
    expect(third.prepay.prepayId).not.toBe(first.prepay.prepayId);
    expect((await sb.control('/pay', { prepay_id: third.prepay.prepayId })).status).toBe(200);
  });

  it('changed parameters for a used number → parametersChanged (INVALID_REQUEST "201 商户订单号重复")', async () => {
    const gateway = sb.gateway();
    const request = prepayRequest();
    expect((await gateway.createPrepay(request)).kind).toBe('created');
    expect(await gateway.createPrepay({ ...request, amount: Money.ofFen(100) })).toEqual({ kind: 'parametersChanged' });
    expect(await gateway.createPrepay({ ...request, openid: 'oOtherUser0000000000000000000' })).toEqual({ kind: 'parametersChanged' });
  });

  it('a configured spbill_create_ip keeps re-entry identical when the user changed network', async () => {
    const gateway = sb.gateway({ spbillCreateIp: '198.51.100.1' });
    const request = prepayRequest();
    expect((await gateway.createPrepay(request)).kind).toBe('created');
    expect((await gateway.createPrepay({ ...request, clientIp: '192.0.2.99' })).kind).toBe('created');
  });

  it('ORDERPAID: a paid number cannot be prepaid or closed again', async () => {
    const gateway = sb.gateway();
    const request = prepayRequest();
    const created = await gateway.createPrepay(request);
    if (created.kind !== 'created') throw new Error('prepay refused');
    await sb.control('/pay', { prepay_id: created.prepay.prepayId });
    expect(await gateway.createPrepay(request)).toEqual({ kind: 'alreadyPaid' });
    sb.clock.advance(10 * MINUTE);
    expect(await gateway.closeOrder(request.outTradeNo)).toBe('alreadyPaid');
    expect((await sb.control('/pay', { prepay_id: created.prepay.prepayId })).json).toEqual({ error: 'alreadyPaid' });
  });

  it('closeorder: refused within 5 minutes, then closed, then ORDERCLOSED everywhere', async () => {
    const gateway = sb.gateway();
    const request = prepayRequest();
    const created = await gateway.createPrepay(request);
    if (created.kind !== 'created') throw new Error('prepay refused');

    const early = gateway.closeOrder(request.outTradeNo);
    await expect(early).rejects.toBeInstanceOf(WechatAnswerError);
    await expect(early).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    expect((await gateway.queryOrder(request.outTradeNo)).kind).toBe('notPaid');

    sb.clock.advance(5 * MINUTE);
    expect(await gateway.closeOrder(request.outTradeNo)).toBe('closed');
    expect(await gateway.closeOrder(request.outTradeNo)).toBe('alreadyClosed');
    expect(await gateway.createPrepay(request)).toEqual({ kind: 'closed' });
    expect(await gateway.queryOrder(request.outTradeNo)).toEqual({ kind: 'failed', reason: 'CLOSED' });
    expect((await sb.control('/pay', { prepay_id: created.prepay.prepayId })).json).toEqual({ error: 'closed' });
  });

  it('ORDERNOTEXIST: query → notFound, close → thrown, refund of an unknown or unpaid order → notFound', async () => {
    const gateway = sb.gateway();
    expect(await gateway.queryOrder('0000000000unknown')).toEqual({ kind: 'notFound' });
    await expect(gateway.closeOrder('0000000000unknown')).rejects.toMatchObject({ code: 'ORDERNOTEXIST' });
    const request = prepayRequest();
    await gateway.createPrepay(request);
    expect(
      await gateway.refund({ outTradeNo: request.outTradeNo, outRefundNo: 'R1', totalFee: Money.ofFen(9900), refundFee: Money.ofFen(1) }),
    ).toEqual({ kind: 'notFound' });
    expect(await gateway.queryRefund('nope')).toEqual({ kind: 'notFound' });
  });

  it('refund refusals: more than paid, or a different amount under the same out_refund_no', async () => {
    const gateway = sb.gateway();
    const request = prepayRequest({ amount: Money.ofFen(500) });
    const created = await gateway.createPrepay(request);
    if (created.kind !== 'created') throw new Error('prepay refused');
    await sb.control('/pay', { prepay_id: created.prepay.prepayId });
    const base = { outTradeNo: request.outTradeNo, totalFee: Money.ofFen(500) };
    expect(await gateway.refund({ ...base, outRefundNo: 'R-big', refundFee: Money.ofFen(501) })).toMatchObject({
      kind: 'rejected',
      code: 'INVALID_REQUEST',
    });
    expect((await gateway.refund({ ...base, outRefundNo: 'R-1', refundFee: Money.ofFen(100) })).kind).toBe('accepted');
    expect(await gateway.refund({ ...base, outRefundNo: 'R-1', refundFee: Money.ofFen(200) })).toMatchObject({
      kind: 'rejected',
      code: 'INVALID_REQUEST',
    });
  });

  it('SYSTEMERROR is retried with the identical request, then succeeds', async () => {
    const gateway = sb.gateway();
    const request = prepayRequest();
    await sb.control('/faults', { fault: 'systemError', api: 'unifiedorder', count: 2 });
    expect((await gateway.createPrepay(request)).kind).toBe('created');
    await sb.control('/faults', { fault: 'systemError', api: 'orderquery', count: 2 });
    expect((await gateway.queryOrder(request.outTradeNo)).kind).toBe('notPaid');
    expect((await sb.control('/faults', {}, 'GET')).json).toEqual({ faults: [] });
  });

  it('SYSTEMERROR beyond the retries → GatewayUnavailableError', async () => {
    const gateway = sb.gateway();
    await sb.control('/faults', { fault: 'systemError', api: 'orderquery', count: 3 });
    await expect(gateway.queryOrder('whatever123')).rejects.toMatchObject({ code: 'SYSTEMERROR' });
  });

  it('a timeout on every attempt → GatewayUnavailableError within the bounded time', async () => {
    const gateway = sb.gateway({ timeoutMs: 150 });
    await sb.control('/faults', { fault: 'timeout', api: 'orderquery', count: 3 });
    const started = Date.now();
    const failure = gateway.queryOrder('whatever123');
    await expect(failure).rejects.toBeInstanceOf(GatewayUnavailableError);
    await expect(failure).rejects.toThrow(/timeout|abort/i);
    // Bounded: three 150 ms attempts, not the simulator's 60 s hang.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('an answer lost after WeChat processed it: the identical retry gets the same prepay_id', async () => {
    const gateway = sb.gateway();
    const request = prepayRequest();
    await sb.control('/faults', { fault: 'timeoutAfterProcessing', api: 'unifiedorder', count: 1 });
    const created = await gateway.createPrepay(request);
    expect(created.kind).toBe('created');
    const order = await sb.control(`/orders/${request.outTradeNo}`, undefined, 'GET');
    expect(order.json.prepay_ids).toEqual([created.kind === 'created' && created.prepay.prepayId]);
  });

  it('HTTP 502 is retried', async () => {
    const gateway = sb.gateway();
    await sb.control('/faults', { fault: 'httpError', api: 'any', count: 1 });
    expect(await gateway.queryOrder('whatever123')).toEqual({ kind: 'notFound' });
  });

  it('a tampered response signature → GatewayUnavailableError, never trusted', async () => {
    const gateway = sb.gateway();
    const request = prepayRequest();
    await sb.control('/faults', { fault: 'badSignature', api: 'unifiedorder', count: 1 });
    const failure = gateway.createPrepay(request);
    await expect(failure).rejects.toBeInstanceOf(UntrustedResponseError);
    await expect(failure).rejects.toBeInstanceOf(GatewayUnavailableError);
  });

  it('return_code FAIL: a wrong API key → 签名错误 (rejected for prepay, thrown for query)', async () => {
    const gateway = sb.gateway({ apiKey: 'x'.repeat(32) });
    expect(await gateway.createPrepay(prepayRequest())).toEqual({
      kind: 'rejected',
      code: 'FAIL',
      message: '签名错误',
      category: 'configuration',
    });
    await expect(gateway.queryOrder('whatever123')).rejects.toMatchObject({ code: 'FAIL', wechatMessage: '签名错误' });
  });

  it('foreign mch_id → FAIL; appid not bound to the mch_id → APPID_MCHID_NOT_MATCH', async () => {
    expect(await sb.gateway({ mchId: '1900000109' }).createPrepay(prepayRequest())).toEqual({
      kind: 'rejected',
      code: 'FAIL',
      message: '商户号mch_id不存在',
      category: 'configuration',
    });
    expect(await sb.gateway({ appId: 'wx0000000000000000' }).createPrepay(prepayRequest())).toMatchObject({
      kind: 'rejected',
      code: 'APPID_MCHID_NOT_MATCH',
    });
  });

  it('LACK_PARAMS and PARAM_ERROR come back as rejected', async () => {
    const gateway = sb.gateway();
    expect(await gateway.createPrepay(prepayRequest({ openid: '' }))).toMatchObject({ kind: 'rejected', code: 'LACK_PARAMS' });
    expect(await gateway.createPrepay(prepayRequest({ amount: Money.ZERO }))).toMatchObject({ kind: 'rejected', code: 'PARAM_ERROR' });
  });

  it('a long Chinese description is cut to 127 bytes, so WeChat accepts it', async () => {
    const gateway = sb.gateway();
    expect((await gateway.createPrepay(prepayRequest({ description: '课'.repeat(100) }))).kind).toBe('created');
  });
});

describe('code2Session against the simulator', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await startSandbox();
  });
  afterEach(async () => {
    await sb.close();
  });

  it('codes are single-use (40163) and live 5 minutes (40029); unknown codes are 40029', async () => {
    const login = sb.login();
    const { json } = await sb.control('/code', { openid: 'oFixedOpenid' });
    expect(await login.codeToSession(json.code as string)).toEqual({ kind: 'session', openid: 'oFixedOpenid' });
    expect(await login.codeToSession(json.code as string)).toEqual({ kind: 'invalidCode' });
    const late = await sb.control('/code');
    sb.clock.advance(5 * MINUTE + 1);
    expect(await login.codeToSession(late.json.code as string)).toEqual({ kind: 'invalidCode' });
    expect(await login.codeToSession('no-such-code')).toEqual({ kind: 'invalidCode' });
    expect(await login.codeToSession('')).toEqual({ kind: 'invalidCode' });
  });

  it('a busy answer (-1) is retried; a wrong secret is a configuration error, not "no session"', async () => {
    const login = sb.login();
    const { json } = await sb.control('/code');
    await sb.control('/faults', { fault: 'systemError', api: 'jscode2session', count: 1 });
    expect(await login.codeToSession(json.code as string)).toEqual({ kind: 'session', openid: json.openid });
    const other = await sb.control('/code');
    expect(await sb.login({ appSecret: 'wrong' }).codeToSession(other.json.code as string)).toMatchObject({
      kind: 'misconfigured',
      code: '40125',
    });
  });

  it('a hanging login endpoint → GatewayUnavailableError', async () => {
    await sb.control('/faults', { fault: 'timeout', api: 'jscode2session', count: 3 });
    await expect(sb.login({ timeoutMs: 150 }).codeToSession('abc')).rejects.toBeInstanceOf(GatewayUnavailableError);
  });
});
