import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { signFields } from '../../../src/adapters/wechatpay/v2/sign.js';
import { buildWechatXml, parseWechatXml } from '../../../src/adapters/wechatpay/v2/xml.js';
import { authorizeRequest } from '../../../src/adapters/wechatpay/v3/request-signature.js';
import type { WechatPaySimulatorOptions } from '../../../src/sandbox/simulator/router.js';
import { startV3Sandbox, type V3Sandbox } from '../../support/wechat-sandbox-v3.js';
import { SAMPLE } from '../../support/wechat-test-signer.js';

/**
 * What WeChat refuses that a lax simulator would let through, so a merchant meets it in the sandbox and not in
 * production: plain-http notify URLs, v3 requests without the headers WeChat's rules demand, an over-long attach,
 * a missing mchid, and PARAM_ERROR answers with WeChat's `detail` object.
 */
let sb: V3Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

let serial = 0;
const nextNo = (): string => `2026011512000000040${String(++serial).padStart(9, '0')}`;

/** The standalone simulator's defaults: no loopback allowance (the test harness turns it on for its own callbacks). */
const strict = (options: WechatPaySimulatorOptions = {}): Promise<V3Sandbox> => startV3Sandbox({ loopbackHttpNotify: false, ...options });

interface Headers {
  readonly accept?: string | null;
  readonly userAgent?: string | null;
  readonly contentType?: string | null;
}

interface Answer {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

/**
 * A correctly signed v3 request through node:http, which adds no Accept or User-Agent of its own (fetch would), so
 * each header is present exactly when the test says.
 */
function v3(s: V3Sandbox, method: 'GET' | 'POST', pathAndQuery: string, body?: unknown, headers: Headers = {}): Promise<Answer> {
  const path = `/sandbox/wxpay${pathAndQuery}`;
  const text = body === undefined ? '' : JSON.stringify(body);
  const authorization = authorizeRequest(
    { mchId: SAMPLE.mchId, serialNo: s.identity.merchant.serialNo, privateKey: s.identity.merchantKey },
    { method, pathAndQuery: path, body: text },
    Math.floor(s.clock.now().getTime() / 1000),
    `nonce${++serial}`,
  );
  const wanted: Record<string, string | null> = {
    authorization,
    accept: headers.accept === undefined ? 'application/json' : headers.accept,
    'user-agent': headers.userAgent === undefined ? 'refusals-test/1.0' : headers.userAgent,
    'content-type': headers.contentType === undefined ? (body === undefined ? null : 'application/json') : headers.contentType,
  };
  const sent = Object.fromEntries(Object.entries(wanted).filter((e): e is [string, string] => e[1] !== null));
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${s.url}${path}`, { method, headers: sent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, json: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

const prepayBody = (s: V3Sandbox, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  appid: s.simulator.credentials.appId,
  mchid: s.simulator.credentials.mchId,
  description: 'refusals',
  out_trade_no: nextNo(),
  notify_url: 'https://merchant.example/wechat/pay-notify',
  amount: { total: 100, currency: 'CNY' },
  payer: { openid: 'oRefusals' },
  ...overrides,
});

/** WeChat's PARAM_ERROR: a message, and a detail naming the field (a JSON pointer into the body), value and issue. */
const paramError = (field: string, location = 'body') => ({
  code: 'PARAM_ERROR',
  message: expect.any(String),
  detail: { field, value: expect.anything(), issue: expect.any(String), location },
});

async function v2(s: V3Sandbox, path: string, fields: Record<string, string>): Promise<Record<string, string>> {
  const request = { appid: SAMPLE.appId, mch_id: SAMPLE.mchId, nonce_str: `n${++serial}`, ...fields };
  const res = await fetch(`${s.url}/sandbox/wxpay${path}`, {
    method: 'POST',
    body: buildWechatXml({ ...request, sign: signFields(request, SAMPLE.apiKey, 'MD5') }),
  });
  return { ...parseWechatXml(await res.text(), { maxBytes: 65_536 }) } as Record<string, string>;
}

const unifiedOrder = (overrides: Record<string, string> = {}) => ({
  body: 'refusals',
  out_trade_no: nextNo(),
  total_fee: '100',
  spbill_create_ip: '127.0.0.1',
  notify_url: 'https://merchant.example/wechat/pay-notify',
  trade_type: 'JSAPI',
  openid: 'oRefusals',
  ...overrides,
});

describe('notify URLs: https only, as WeChat requires', () => {
  it.each(['http://merchant.example/wechat/pay-notify', 'http://127.0.0.1:3000/wechat/pay-notify', 'HTTP://merchant.example/n'])(
    'v3 prepay and refund refuse %s with PARAM_ERROR and its detail',
    async (url) => {
      sb = await strict();
      const prepay = await v3(sb, 'POST', '/v3/pay/transactions/jsapi', prepayBody(sb, { notify_url: url }));
      expect(prepay).toEqual({ status: 400, json: paramError('/notify_url') });
      const refund = await v3(sb, 'POST', '/v3/refund/domestic/refunds', {
        out_trade_no: nextNo(),
        out_refund_no: `R${nextNo()}`,
        notify_url: url,
        amount: { refund: 1, total: 100, currency: 'CNY' },
      });
      expect(refund).toEqual({ status: 400, json: paramError('/notify_url') });
    },
  );

  it('v2 unifiedorder and refund refuse an http notify_url with PARAM_ERROR', async () => {
    sb = await strict();
    const order = await v2(sb, '/pay/unifiedorder', unifiedOrder({ notify_url: 'http://merchant.example/n' }));
    expect(order).toMatchObject({ return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'PARAM_ERROR' });
    const refund = await v2(sb, '/secapi/pay/refund', {
      out_trade_no: nextNo(),
      out_refund_no: `R${nextNo()}`,
      total_fee: '100',
      refund_fee: '1',
      notify_url: 'http://127.0.0.1:3000/wechat/refund-notify',
    });
    expect(refund).toMatchObject({ result_code: 'FAIL', err_code: 'PARAM_ERROR' });
  });

  it('loopbackHttpNotify (the embedded sandbox) lets http reach a loopback host only', async () => {
    sb = await strict({ loopbackHttpNotify: true });
    for (const host of ['127.0.0.1:3000', 'localhost:3000', '[::1]:3000']) {
      const url = `http://${host}/wechat/pay-notify`;
      expect((await v3(sb, 'POST', '/v3/pay/transactions/jsapi', prepayBody(sb, { notify_url: url }))).status).toBe(200);
      expect(await v2(sb, '/pay/unifiedorder', unifiedOrder({ notify_url: url }))).toMatchObject({ result_code: 'SUCCESS' });
    }
    for (const url of ['http://merchant.example/n', 'http://127.0.0.1.merchant.example/n', 'http://10.0.0.1/n']) {
      expect(await v3(sb, 'POST', '/v3/pay/transactions/jsapi', prepayBody(sb, { notify_url: url }))).toEqual({
        status: 400,
        json: paramError('/notify_url'),
      });
      expect(await v2(sb, '/pay/unifiedorder', unifiedOrder({ notify_url: url }))).toMatchObject({ err_code: 'PARAM_ERROR' });
    }
  });
});

describe('v3 headers WeChat demands', () => {
  const missing = { code: 'INVALID_REQUEST', message: 'Http头缺少Accept或User-Agent' };

  it.each([
    ['Accept', { accept: null }],
    ['User-Agent', { userAgent: null }],
    ['an empty User-Agent', { userAgent: '' }],
  ] as const)('refuses a request without %s: 400 INVALID_REQUEST, before anything is done', async (_name, headers) => {
    sb = await strict();
    const body = prepayBody(sb);
    expect(await v3(sb, 'POST', '/v3/pay/transactions/jsapi', body, headers)).toEqual({ status: 400, json: missing });
    expect(
      await v3(sb, 'GET', `/v3/pay/transactions/out-trade-no/${String(body.out_trade_no)}?mchid=${SAMPLE.mchId}`, undefined, headers),
    ).toEqual({
      status: 400,
      json: missing,
    });
    // Nothing was created: the same order number is free afterwards.
    expect((await v3(sb, 'POST', '/v3/pay/transactions/jsapi', body)).status).toBe(200);
  });

  it.each([null, 'text/plain', 'application/x-www-form-urlencoded'])('refuses a body sent with Content-Type %s', async (contentType) => {
    sb = await strict();
    const answer = await v3(sb, 'POST', '/v3/pay/transactions/jsapi', prepayBody(sb), { contentType });
    expect(answer).toMatchObject({ status: 400, json: { code: 'INVALID_REQUEST' } });
  });

  it('takes any Accept (wechatpay-go sends */*) and application/json with a charset; a GET needs no Content-Type', async () => {
    sb = await strict();
    const body = prepayBody(sb);
    const headers = { accept: '*/*', contentType: 'application/json; charset=utf-8' };
    expect((await v3(sb, 'POST', '/v3/pay/transactions/jsapi', body, headers)).status).toBe(200);
    const query = await v3(sb, 'GET', `/v3/pay/transactions/out-trade-no/${String(body.out_trade_no)}?mchid=${SAMPLE.mchId}`);
    expect(query.status).toBe(200);
  });
});

describe('v3 parameters', () => {
  it('attach: 128 bytes accepted, 129 refused (the 128 is bytes: 43 three-byte characters are 129)', async () => {
    sb = await strict();
    expect((await v3(sb, 'POST', '/v3/pay/transactions/jsapi', prepayBody(sb, { attach: 'a'.repeat(128) }))).status).toBe(200);
    for (const attach of ['a'.repeat(129), '附'.repeat(43), 'a'.repeat(200)]) {
      expect(await v3(sb, 'POST', '/v3/pay/transactions/jsapi', prepayBody(sb, { attach }))).toEqual({
        status: 400,
        json: paramError('/attach'),
      });
    }
  });

  it('a missing mchid is PARAM_ERROR (body and query), a wrong one MCH_NOT_EXISTS', async () => {
    sb = await strict();
    const { mchid: _mchid, ...withoutMchid } = prepayBody(sb);
    expect(await v3(sb, 'POST', '/v3/pay/transactions/jsapi', withoutMchid)).toEqual({ status: 400, json: paramError('/mchid') });
    expect(await v3(sb, 'POST', `/v3/pay/transactions/out-trade-no/${nextNo()}/close`, {})).toEqual({
      status: 400,
      json: paramError('/mchid'),
    });
    expect(await v3(sb, 'GET', `/v3/pay/transactions/out-trade-no/${nextNo()}`)).toEqual({
      status: 400,
      json: paramError('mchid', 'query'),
    });
    expect(await v3(sb, 'GET', '/v3/pay/transactions/id/4200000000000000000000000001')).toEqual({
      status: 400,
      json: paramError('mchid', 'query'),
    });
    const wrong = await v3(sb, 'POST', '/v3/pay/transactions/jsapi', prepayBody(sb, { mchid: '1900000109' }));
    expect(wrong).toMatchObject({ status: 400, json: { code: 'MCH_NOT_EXISTS' } });
  });

  it('every PARAM_ERROR of the prepay carries WeChat’s detail: field, value, issue, location', async () => {
    sb = await strict();
    const bad: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
      ['/description', { description: '' }],
      ['/out_trade_no', { out_trade_no: 'x' }],
      ['/notify_url', { notify_url: 'ftp://merchant.example/n' }],
      ['/time_expire', { time_expire: 'tomorrow' }],
      ['/amount/total', { amount: { total: 0, currency: 'CNY' } }],
      ['/amount/currency', { amount: { total: 1, currency: 'USD' } }],
      ['/payer/openid', { payer: {} }],
    ];
    for (const [field, overrides] of bad) {
      expect(await v3(sb, 'POST', '/v3/pay/transactions/jsapi', prepayBody(sb, overrides))).toEqual({
        status: 400,
        json: paramError(field),
      });
    }
  });
});

describe('v2 parameters', () => {
  it('attach: String(127), so 128 bytes are refused with PARAM_ERROR', async () => {
    sb = await strict();
    expect(await v2(sb, '/pay/unifiedorder', unifiedOrder({ attach: 'a'.repeat(127) }))).toMatchObject({ result_code: 'SUCCESS' });
    expect(await v2(sb, '/pay/unifiedorder', unifiedOrder({ attach: 'a'.repeat(128) }))).toMatchObject({ err_code: 'PARAM_ERROR' });
  });
});
