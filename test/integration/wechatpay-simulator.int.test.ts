import { afterEach, describe, expect, it } from 'vitest';
import { NOTIFY_ACK_SUCCESS } from '../../src/adapters/wechatpay/v2/notify.js';
import { signFields } from '../../src/adapters/wechatpay/v2/sign.js';
import { buildWechatXml, parseWechatXml } from '../../src/adapters/wechatpay/v2/xml.js';
import { Money } from '../../src/domain/money.js';
import { startSandbox, type Sandbox } from '../support/wechat-sandbox.js';
import { SAMPLE } from '../support/wechat-test-signer.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

let serial = 0;
const outTradeNo = (): string => `2026011512000000020${String(++serial).padStart(9, '0')}`;

/** Creates and pays an order through the gateway; resolves with its out_trade_no. */
async function payAnOrder(s: Sandbox): Promise<string> {
  const no = outTradeNo();
  const created = await s.gateway().createPrepay({
    outTradeNo: no,
    description: 'test',
    amount: Money.ofFen(1),
    openid: 'oUser',
    clientIp: '127.0.0.1',
    payableUntil: new Date(Date.UTC(2026, 0, 22)),
  });
  if (created.kind !== 'created') throw new Error('prepay refused');
  const paid = await s.control('/pay', { prepay_id: created.prepay.prepayId });
  if (paid.status !== 200) throw new Error(`pay refused: ${JSON.stringify(paid.json)}`);
  return no;
}

const notifiesFor = (s: Sandbox, no: string) => s.received.filter((r) => r.path === '/notify' && r.body.includes(no));
const delivery = (s: Sandbox, subject: string) => s.simulator.deliveries().find((d) => d.subject === subject);

async function post(s: Sandbox, path: string, body: string, method = 'POST'): Promise<Record<string, string>> {
  const res = await fetch(`${s.url}/sandbox/wxpay${path}`, method === 'GET' ? { method } : { method, body });
  return { ...parseWechatXml(await res.text(), { maxBytes: 65536 }) };
}

const signedRequest = (fields: Record<string, string>, apiKey: string = SAMPLE.apiKey) =>
  buildWechatXml({ ...fields, sign: signFields(fields, apiKey, 'MD5') });

describe('notify delivery', () => {
  it('retries on WeChat’s schedule until the exact SUCCESS document comes back', async () => {
    sb = await startSandbox();
    let answers = 0;
    sb.respond = () => (++answers <= 3 ? 'success' : NOTIFY_ACK_SUCCESS); // "success" is not an ack
    const no = await payAnOrder(sb);
    await sb.waitFor(() => delivery(sb as Sandbox, no)?.status === 'acked');
    const times = notifiesFor(sb, no).map((r) => r.at);
    expect(times).toHaveLength(4);
    // 15 s, 15 s, 30 s at timeScale 0.001: the third gap is the longest.
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(gaps[2]).toBeGreaterThanOrEqual(25);
    expect(new Set(notifiesFor(sb, no).map((r) => r.body)).size).toBe(1);
  });

  it('gives up after the last retry', async () => {
    sb = await startSandbox({ notifySchedule: [1, 1] });
    sb.respond = () => '<xml><return_code><![CDATA[FAIL]]></return_code></xml>';
    const no = await payAnOrder(sb);
    await sb.waitFor(() => delivery(sb as Sandbox, no)?.status === 'gaveUp');
    expect(notifiesFor(sb, no)).toHaveLength(3);
  });

  it('close() cancels pending retries', async () => {
    sb = await startSandbox({ timeScale: 1 });
    sb.respond = () => 'FAIL';
    const no = await payAnOrder(sb);
    await sb.waitFor(() => notifiesFor(sb as Sandbox, no).length === 1);
    sb.simulator.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(delivery(sb, no)).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('xml ack mode accepts any XML whose return_code is SUCCESS', async () => {
    sb = await startSandbox({ ackMode: 'xml' });
    sb.respond = () => '<xml><return_code>SUCCESS</return_code></xml>';
    const no = await payAnOrder(sb);
    await sb.waitFor(() => delivery(sb as Sandbox, no)?.status === 'acked');
    expect(notifiesFor(sb, no)).toHaveLength(1);
  });

  it('fault drop: the first attempt never arrives, the retry does', async () => {
    sb = await startSandbox();
    await sb.control('/faults', { fault: 'drop', notify: 'payment', count: 1 });
    const no = await payAnOrder(sb);
    await sb.waitFor(() => delivery(sb as Sandbox, no)?.status === 'acked');
    expect(notifiesFor(sb, no)).toHaveLength(1);
    expect(delivery(sb, no)?.attempts).toBe(2);
  });

  it('fault lose: the notify never arrives; orderquery still knows the payment', async () => {
    sb = await startSandbox();
    await sb.control('/faults', { fault: 'lose', notify: 'payment' });
    const no = await payAnOrder(sb);
    await sb.waitFor(() => delivery(sb as Sandbox, no)?.status === 'lost');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(notifiesFor(sb, no)).toHaveLength(0);
    expect((await sb.gateway().queryOrder(no)).kind).toBe('paid');
  });

  it('fault duplicate: two concurrent copies', async () => {
    sb = await startSandbox();
    await sb.control('/faults', { fault: 'duplicate', notify: 'any' });
    const no = await payAnOrder(sb);
    await sb.waitFor(() => notifiesFor(sb as Sandbox, no).length === 2 && delivery(sb as Sandbox, no)?.status === 'acked');
    const [a, b] = notifiesFor(sb, no);
    expect(a?.body).toBe(b?.body);
    // Sent together in the first attempt, not a second copy on the retry schedule: one attempt, two answers.
    expect(delivery(sb, no)).toMatchObject({ attempts: 1, results: ['acked', 'acked'] });
  });

  it('fault delay: the first attempt arrives late (WeChat time, scaled)', async () => {
    sb = await startSandbox();
    await sb.control('/faults', { fault: 'delay', notify: 'payment', delayMs: 200_000 }); // 200 ms at 0.001
    const started = Date.now();
    const no = await payAnOrder(sb);
    await sb.waitFor(() => notifiesFor(sb as Sandbox, no).length === 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('fault reorder: three notifies arrive in reverse order', async () => {
    sb = await startSandbox();
    await sb.control('/faults', { fault: 'reorder', notify: 'payment', count: 3 });
    const paid = [await payAnOrder(sb), await payAnOrder(sb), await payAnOrder(sb)];
    await sb.waitFor(() => sb?.received.length === 3);
    const arrived = sb.received.map((r) => paid.find((no) => r.body.includes(no)));
    expect(arrived).toEqual([...paid].reverse());
  });

  it('fault badSignature: the merchant refuses the forged copy, the retry verifies', async () => {
    sb = await startSandbox();
    await sb.control('/faults', { fault: 'badSignature', notify: 'payment' });
    const no = await payAnOrder(sb);
    await sb.waitFor(() => delivery(sb as Sandbox, no)?.status === 'acked');
    const [forged, real] = notifiesFor(sb, no);
    const verifier = sb.verifier();
    expect(await verifier.payment({ body: forged?.body ?? '', headers: {} })).toMatchObject({ ok: false, error: { reason: 'badSign' } });
    expect((await verifier.payment({ body: real?.body ?? '', headers: {} })).ok).toBe(true);
  });

  it('a forged refund notify (req_info under another key) is refused; the retry decrypts', async () => {
    sb = await startSandbox();
    const no = await payAnOrder(sb);
    await sb.control('/faults', { fault: 'badSignature', notify: 'refund' });
    const gateway = sb.gateway();
    await gateway.refund({ outTradeNo: no, outRefundNo: 'R-forged', totalFee: Money.ofFen(1), refundFee: Money.ofFen(1) });
    await sb.waitFor(() => delivery(sb as Sandbox, 'R-forged')?.status === 'acked');
    const [forged, real] = sb.received.filter((r) => r.path === '/refund-notify');
    expect((await sb.verifier().refund({ body: forged?.body ?? '', headers: {} })).ok).toBe(false);
    expect((await sb.verifier().refund({ body: real?.body ?? '', headers: {} })).ok).toBe(true);
  });

  it('an HMAC order’s notify can be told to carry sign_type', async () => {
    sb = await startSandbox({ signType: 'HMAC-SHA256', notifyIncludesSignType: true });
    const no = await payAnOrder(sb);
    await sb.waitFor(() => delivery(sb as Sandbox, no)?.status === 'acked');
    expect(notifiesFor(sb, no)[0]?.body).toContain('<sign_type><![CDATA[HMAC-SHA256]]></sign_type>');
  });

  it('POST /control/refund-notify re-sends a refund notify on demand', async () => {
    sb = await startSandbox({ autoRefundNotify: false });
    const no = await payAnOrder(sb);
    await sb.gateway().refund({ outTradeNo: no, outRefundNo: 'R-manual', totalFee: Money.ofFen(1), refundFee: Money.ofFen(1) });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sb.received.filter((r) => r.path === '/refund-notify')).toHaveLength(0);
    expect((await sb.control('/refund-notify', { out_refund_no: 'R-manual' })).json).toEqual({
      out_refund_no: 'R-manual',
      refund_status: 'SUCCESS',
    });
    await sb.waitFor(() => sb?.received.some((r) => r.path === '/refund-notify') ?? false);
    expect((await sb.control('/refund-notify', { out_refund_no: 'nope' })).status).toBe(404);
  });
});

describe('wire rules', () => {
  it('unsigned return_code FAIL for what WeChat cannot authenticate', async () => {
    sb = await startSandbox();
    const base = { appid: SAMPLE.appId, mch_id: SAMPLE.mchId, nonce_str: 'n', out_trade_no: '123456' };
    expect(await post(sb, '/pay/orderquery', '<xml><a>1</a')).toEqual({ return_code: 'FAIL', return_msg: 'XML格式错误' });
    expect(await post(sb, '/pay/orderquery', '<!DOCTYPE x><xml/>')).toEqual({ return_code: 'FAIL', return_msg: 'XML格式错误' });
    expect(await post(sb, '/pay/orderquery', '')).toEqual({ return_code: 'FAIL', return_msg: 'post数据为空' });
    expect(await post(sb, '/pay/orderquery', '', 'GET')).toEqual({ return_code: 'FAIL', return_msg: '请使用post方法' });
    expect(await post(sb, '/pay/orderquery', signedRequest(base, 'k'.repeat(32)))).toEqual({ return_code: 'FAIL', return_msg: '签名错误' });
    expect(await post(sb, '/pay/orderquery', buildWechatXml(base))).toEqual({ return_code: 'FAIL', return_msg: '签名错误' });
    expect(await post(sb, '/pay/orderquery', signedRequest({ ...base, sign_type: 'SHA1' }))).toEqual({
      return_code: 'FAIL',
      return_msg: 'sign_type参数格式错误',
    });
    expect(await post(sb, '/pay/orderquery', `<xml>${'<a>x</a>'.repeat(10_000)}</xml>`)).toEqual({
      return_code: 'FAIL',
      return_msg: 'XML格式错误',
    });
  });

  it('signed business answers: LACK_PARAMS, then ORDERNOTEXIST', async () => {
    sb = await startSandbox();
    const lack = await post(sb, '/pay/orderquery', signedRequest({ appid: SAMPLE.appId, mch_id: SAMPLE.mchId, nonce_str: 'n' }));
    expect(lack).toMatchObject({ return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'LACK_PARAMS' });
    expect(signFields(lack, SAMPLE.apiKey, 'MD5')).toBe(lack.sign);
    const missing = await post(
      sb,
      '/pay/orderquery',
      signedRequest({ appid: SAMPLE.appId, mch_id: SAMPLE.mchId, nonce_str: 'n', out_trade_no: '123456' }),
    );
    expect(missing).toMatchObject({ result_code: 'FAIL', err_code: 'ORDERNOTEXIST' });
  });

  it('control endpoints validate their input', async () => {
    sb = await startSandbox();
    expect((await sb.control('/faults', { fault: 'explode' })).status).toBe(400);
    expect((await sb.control('/faults', { fault: 'systemError', api: 'nope' })).status).toBe(400);
    expect((await sb.control('/faults', { fault: 'drop', notify: 'payment', count: 0 })).status).toBe(400);
    expect((await sb.control('/pay', {})).status).toBe(400);
    expect((await sb.control('/pay', { prepay_id: 'wx-unknown' })).status).toBe(404);
    expect((await sb.control('/code', { openid: 42 })).status).toBe(400);
    expect((await sb.control('/clock', { advanceMs: -1 })).status).toBe(400);
    const before = sb.clock.now().getTime();
    expect((await sb.control('/clock', { advanceMs: 1000 })).status).toBe(200);
    expect(sb.clock.now().getTime()).toBe(before + 1000);
    await sb.control('/faults', { fault: 'timeout', api: 'refund', count: 5 });
    expect(sb.simulator.faults.list()).toHaveLength(1);
    expect((await sb.control('/faults', undefined, 'DELETE')).status).toBe(204);
    expect(sb.simulator.faults.list()).toHaveLength(0);
  });
});
