import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../support/wechat-sandbox.js';
import { SAMPLE } from '../support/wechat-test-signer.js';

/**
 * wechatpay-axios-plugin's own v2 client (TheNorthMemory, an SDK WeChat Pay lists) drives the simulator: it builds
 * and signs requests its way (MD5 by default, HMAC when sign_type says so; no CDATA unless needed) and verifies
 * every answer's signature with its own code. If the simulator spoke anything but WeChat's v2, this would fail.
 */
const require = createRequire(import.meta.url);
interface PluginResponse {
  readonly data: Readonly<Record<string, string>>;
}
type Call = (data: Record<string, string>) => Promise<PluginResponse>;
/** The part of the plugin's chained v2 client (a Proxy: any path works) that this test walks. */
interface V2Client {
  readonly pay: { readonly unifiedorder: Call; readonly orderquery: Call; readonly closeorder: Call; readonly refundquery: Call };
  readonly secapi: { readonly pay: { readonly refund: Call } };
}
interface PluginError {
  readonly code?: string;
  readonly response?: { readonly data?: Record<string, string> };
}
const { Wechatpay, Hash, Transformer } = require('wechatpay-axios-plugin') as {
  Wechatpay: new (config: Record<string, unknown>) => { v2: V2Client };
  Hash: { sign(type: string, data: Record<string, string>, key: string): string };
  Transformer: { toObject(xml: string): Record<string, string> };
};

let sb: Sandbox;
let wxpay: { v2: V2Client };
let serial = 0;

beforeAll(async () => {
  sb = await startSandbox();
  // The client insists on APIv3 settings too; a throwaway key pair satisfies it (v3 is never called here).
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  wxpay = new Wechatpay({
    mchid: sb.simulator.credentials.mchId,
    serial: 'MERCHANT-SERIAL',
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    certs: { 'PLATFORM-SERIAL': publicKey.export({ type: 'spki', format: 'pem' }) },
    secret: sb.simulator.credentials.apiKey,
    baseURL: `${sb.url}/sandbox/wxpay/`,
  });
});
afterAll(async () => {
  await sb.close();
});

const { appId, mchId, apiKey } = SAMPLE;

function unifiedorderFields(extra: Record<string, string> = {}): { out_trade_no: string } & Record<string, string> {
  return {
    appid: appId,
    mch_id: mchId,
    body: 'plugin & simulator <test>',
    out_trade_no: `2026011512000000029${String(++serial).padStart(9, '0')}`,
    total_fee: '101',
    spbill_create_ip: '203.0.113.7',
    notify_url: `${sb.url}/notify`,
    trade_type: 'JSAPI',
    openid: 'oPluginUser',
    ...extra,
  };
}

async function rejection(promise: Promise<unknown>): Promise<PluginError> {
  try {
    await promise;
  } catch (e) {
    return e as PluginError;
  }
  throw new Error('expected a rejection');
}

describe('wechatpay-axios-plugin v2 client ⇄ simulator', () => {
  it.each([
    ['MD5', {}],
    ['HMAC-SHA256', { sign_type: 'HMAC-SHA256' }],
  ])('unifiedorder (%s): the plugin verifies the simulator’s signed answer', async (_type, extra) => {
    const { data } = await wxpay.v2.pay.unifiedorder(unifiedorderFields(extra));
    expect(data).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', trade_type: 'JSAPI' });
    expect(data.prepay_id).toMatch(/^wx\d{14}[0-9a-f]{20}$/);
  });

  it('pay, then orderquery / closeorder / refund / refundquery through the plugin; the notify verifies with its Hash', async () => {
    const order = unifiedorderFields();
    const { data: prepay } = await wxpay.v2.pay.unifiedorder(order);
    await sb.control('/pay', { prepay_id: prepay.prepay_id });

    const { data: query } = await wxpay.v2.pay.orderquery({ appid: appId, mch_id: mchId, out_trade_no: order.out_trade_no });
    expect(query).toMatchObject({ trade_state: 'SUCCESS', total_fee: '101', out_trade_no: order.out_trade_no });

    await sb.waitFor(() => sb.received.some((r) => r.body.includes(order.out_trade_no)));
    const notify = Transformer.toObject(sb.received.find((r) => r.body.includes(order.out_trade_no))?.body ?? '');
    expect(Hash.sign('MD5', notify, apiKey)).toBe(notify.sign);

    sb.clock.advance(5 * 60_000);
    const closed = await rejection(wxpay.v2.pay.closeorder({ appid: appId, mch_id: mchId, out_trade_no: order.out_trade_no }));
    expect(closed.response?.data).toMatchObject({ result_code: 'FAIL', err_code: 'ORDERPAID' });

    const { data: refund } = await wxpay.v2.secapi.pay.refund({
      appid: appId,
      mch_id: mchId,
      out_trade_no: order.out_trade_no,
      out_refund_no: `PR${serial}`,
      total_fee: '101',
      refund_fee: '101',
    });
    expect(refund).toMatchObject({ result_code: 'SUCCESS', refund_fee: '101' });

    const { data: refunds } = await wxpay.v2.pay.refundquery({ appid: appId, mch_id: mchId, out_refund_no: `PR${serial}` });
    expect(refunds).toMatchObject({ refund_count: '1', refund_id_0: refund.refund_id as string });
  });

  it('re-entry with other parameters: INVALID_REQUEST "201 商户订单号重复"', async () => {
    const order = unifiedorderFields();
    await wxpay.v2.pay.unifiedorder(order);
    const error = await rejection(wxpay.v2.pay.unifiedorder({ ...order, total_fee: '102' }));
    expect(error.response?.data).toMatchObject({ err_code: 'INVALID_REQUEST', err_code_des: '201 商户订单号重复' });
  });

  it('the plugin, too, rejects a tampered simulator signature', async () => {
    await sb.control('/faults', { fault: 'badSignature', api: 'unifiedorder' });
    const error = await rejection(wxpay.v2.pay.unifiedorder(unifiedorderFields()));
    expect(error.code).toBe('EV2_RES_SIGNATURE_NOT_EQUAL');
  });
});
