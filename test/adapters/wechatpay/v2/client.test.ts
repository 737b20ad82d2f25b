import { describe, expect, it } from 'vitest';
import { GatewayUnavailableError } from '../../../../src/application/ports/payment-gateway.js';
import { UntrustedResponseError, WechatAnswerError } from '../../../../src/adapters/wechatpay/shared/errors.js';
import type { HttpResponse } from '../../../../src/adapters/wechatpay/shared/http-transport.js';
import { signFields, verifyFields, type SignType } from '../../../../src/adapters/wechatpay/v2/sign.js';
import { WechatV2Client } from '../../../../src/adapters/wechatpay/v2/client.js';
import { buildWechatXml, parseWechatXml } from '../../../../src/adapters/wechatpay/v2/xml.js';
import { okAnswer, refusalAnswer, ScriptedTransport, signedAnswer, type Step } from '../../../support/scripted-transport.js';
import { SAMPLE } from '../../../support/wechat-test-signer.js';

const signed = signedAnswer;
const ok = okAnswer;
const systemError = () => refusalAnswer('SYSTEMERROR', '系统超时');

function client(steps: Step[], signType: SignType = 'MD5') {
  const transport = new ScriptedTransport(steps);
  const sleeps: number[] = [];
  let n = 0;
  const c = new WechatV2Client(
    { ...SAMPLE, signType, baseUrl: 'https://wx.example/', timeoutMs: 1000, retries: 2, retryBackoffMs: 100 },
    { nonce: () => `nonce${n++}`, transport, sleep: async (ms) => void sleeps.push(ms) },
  );
  return { c, transport, sleeps };
}

describe('WechatV2Client', () => {
  it('signs the request (HMAC names its sign_type) and verifies the answer', async () => {
    const { c, transport } = client([ok({ prepay_id: 'wx1' }, 'HMAC-SHA256')], 'HMAC-SHA256');
    const answer = await c.call('/pay/unifiedorder', { out_trade_no: '123456', attach: undefined, detail: '' });
    expect(answer).toEqual({ kind: 'ok', fields: expect.objectContaining({ prepay_id: 'wx1' }) });
    const sent = parseWechatXml(transport.requests[0]?.body, { maxBytes: 4096 });
    expect(transport.requests[0]?.url).toBe('https://wx.example/pay/unifiedorder');
    expect({ ...sent }).toMatchObject({ appid: SAMPLE.appId, mch_id: SAMPLE.mchId, nonce_str: 'nonce0', sign_type: 'HMAC-SHA256' });
    expect(sent.attach).toBeUndefined();
    expect(sent.detail).toBeUndefined();
    expect(verifyFields(sent, SAMPLE.apiKey, 'HMAC-SHA256')).toBe(true);
  });

  it('MD5 requests carry no sign_type (MD5 is the default)', async () => {
    const { c, transport } = client([ok()]);
    await c.call('/pay/orderquery', { out_trade_no: '123456' });
    expect(transport.requests[0]?.body).not.toContain('sign_type');
  });

  it('retries SYSTEMERROR, network errors and 5xx with byte-identical bodies and bounded backoff', async () => {
    const { c, transport, sleeps } = client([systemError(), new Error('ECONNRESET'), ok({ x: '1' })]);
    expect((await c.call('/pay/orderquery', { out_trade_no: '123456' })).kind).toBe('ok');
    const bodies = transport.requests.map((r) => r.body);
    expect(new Set(bodies).size).toBe(1);
    expect(sleeps).toEqual([100, 200]);
    const five = client([{ status: 503, body: '' }, ok()]);
    expect((await five.c.call('/pay/orderquery', {})).kind).toBe('ok');
  });

  it('gives up after retries: a persistent SYSTEMERROR is a WechatAnswerError (a GatewayUnavailableError)', async () => {
    const { c, transport } = client([systemError(), systemError(), systemError()]);
    const failure = c.call('/pay/orderquery', { out_trade_no: '123456' });
    await expect(failure).rejects.toBeInstanceOf(WechatAnswerError);
    await expect(failure).rejects.toBeInstanceOf(GatewayUnavailableError);
    expect(transport.requests).toHaveLength(3);
  });

  it('gives up after retries on timeouts', async () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const { c } = client([timeout, timeout, timeout]);
    await expect(c.call('/pay/orderquery', {})).rejects.toThrow(GatewayUnavailableError);
  });

  it('retries an unreadable (cut-off) answer', async () => {
    const { c } = client([{ status: 200, body: '<xml><return_code>SUC' }, ok()]);
    expect((await c.call('/pay/orderquery', {})).kind).toBe('ok');
  });

  it.each<[string, HttpResponse]>([
    [
      'a tampered signature',
      { status: 200, body: ok().body.replace(/<sign><!\[CDATA\[(.)/, (_m, c: string) => `<sign><![CDATA[${c === 'A' ? 'B' : 'A'}`) },
    ],
    [
      'no sign',
      { status: 200, body: buildWechatXml({ return_code: 'SUCCESS', result_code: 'SUCCESS', appid: SAMPLE.appId, mch_id: SAMPLE.mchId }) },
    ],
    ['another merchant (validly signed)', signed({ result_code: 'SUCCESS', mch_id: '999' })],
    ['another sign type named in the answer', signed({ result_code: 'SUCCESS', sign_type: 'HMAC-SHA256' })],
    [
      'a signature made with another key',
      {
        status: 200,
        body: buildWechatXml({
          return_code: 'SUCCESS',
          result_code: 'SUCCESS',
          appid: SAMPLE.appId,
          mch_id: SAMPLE.mchId,
          sign: signFields(
            { return_code: 'SUCCESS', result_code: 'SUCCESS', appid: SAMPLE.appId, mch_id: SAMPLE.mchId },
            'k'.repeat(32),
            'MD5',
          ),
        }),
      },
    ],
  ])('never trusts %s, and does not retry it into trust', async (_name, response) => {
    const { c, transport } = client([response, ok(), ok()]);
    await expect(c.call('/pay/orderquery', {})).rejects.toBeInstanceOf(UntrustedResponseError);
    expect(transport.requests).toHaveLength(1);
  });

  it('returns return_code FAIL (unsigned) and signed business refusals', async () => {
    const { c } = client([
      { status: 200, body: buildWechatXml({ return_code: 'FAIL', return_msg: '签名错误' }) },
      signed({ result_code: 'FAIL', err_code: 'ORDERPAID', err_code_des: '该订单已支付' }),
    ]);
    expect(await c.call('/pay/unifiedorder', {})).toEqual({ kind: 'returnFail', message: '签名错误', fields: expect.anything() });
    expect(await c.call('/pay/unifiedorder', {})).toMatchObject({ kind: 'resultFail', code: 'ORDERPAID', message: '该订单已支付' });
  });

  it('an HTTP 4xx is not retried', async () => {
    const { c, transport } = client([{ status: 404, body: 'not found' }, ok()]);
    await expect(c.call('/pay/orderquery', {})).rejects.toThrow(GatewayUnavailableError);
    expect(transport.requests).toHaveLength(1);
  });
});
