import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHttpTransport, type HttpRequest, type HttpTransport } from '../../src/adapters/wechatpay/shared/http-transport.js';
import { Money } from '../../src/domain/money.js';
import { ManualClock } from '../support/doubles/manual-clock.js';
import { pluginFormatter, pluginRsa } from '../support/v3-callback-signer.js';
import { startV3Sandbox, type V3Sandbox } from '../support/wechat-sandbox-v3.js';

/**
 * wechatpay-axios-plugin (WeChat Pay's SDK author) as the independent party on every v3 edge: its client signs
 * requests to the simulator and verifies the simulator's answers; its Rsa/Formatter verify the adapter's requests;
 * its Rsa/AesGcm verify and open the simulator's notifies. So the adapter and the simulator never only agree with
 * each other.
 */
const require = createRequire(import.meta.url);
type Answer = Promise<{ status: number; headers: Record<string, unknown>; data: Record<string, unknown> }>;
/** An endpoint of the plugin's chained client; `client['v3/pay/transactions/jsapi']` names it by its path. */
interface Endpoint {
  post(data: unknown, config?: Record<string, unknown>): Answer;
  get(config?: Record<string, unknown>): Answer;
}
type PluginClient = Readonly<Record<string, Endpoint>>;
const { Wechatpay, Aes } = require('wechatpay-axios-plugin') as {
  Wechatpay: new (config: Record<string, unknown>) => PluginClient;
  Aes: { AesGcm: { decrypt(ciphertext: string, key: string, iv: string, aad?: string): string } };
};

let sb: V3Sandbox;
let serial = 0;
const nextNo = (): string => `2026011512000000021${String(++serial).padStart(5, '0')}${String(process.pid % 10_000).padStart(4, '0')}`;

beforeAll(async () => {
  // The plugin signs with real time: the simulator's clock starts now (and the gateways share it).
  sb = await startV3Sandbox({ refundSettleMs: 3_600_000_000, clock: new ManualClock(Date.now()) });
});
afterAll(async () => sb?.close());

/** `wechatpaySerial`: the key WeChat should sign its answers with (a public-key merchant names its key's ID). */
const pluginClient = (certs: Record<string, string>, wechatpaySerial?: string) =>
  new Wechatpay({
    mchid: sb.simulator.credentials.mchId,
    serial: sb.identity.merchant.serialNo,
    privateKey: sb.identity.merchant.privateKeyPem,
    certs,
    baseURL: `${sb.url}/sandbox/wxpay/`,
    ...(wechatpaySerial ? { headers: { 'Wechatpay-Serial': wechatpaySerial } } : {}),
  });
const publicKeyClient = () =>
  pluginClient({ [sb.identity.wechatpayPublicKey.id]: sb.identity.wechatpayPublicKey.publicKeyPem }, sb.identity.wechatpayPublicKey.id);

async function rejection(
  promise: Promise<unknown>,
): Promise<{ response?: { status: number; data: Record<string, unknown> }; code?: string }> {
  try {
    await promise;
  } catch (e) {
    return e as { response?: { status: number; data: Record<string, unknown> } };
  }
  throw new Error('expected a rejection');
}

describe('wechatpay-axios-plugin v3 client ⇄ simulator', () => {
  it('prepay, pay, query, close-after-pay, refund, refund query: every answer verified by the plugin with the public key', async () => {
    const wxpay = publicKeyClient();
    const { appId, mchId } = sb.simulator.credentials;
    const no = nextNo();
    const { data: prepay } = await (wxpay['v3/pay/transactions/jsapi'] as Endpoint).post({
      appid: appId,
      mchid: mchId,
      description: 'plugin & simulator',
      out_trade_no: no,
      notify_url: `${sb.url}/notify`,
      amount: { total: 101, currency: 'CNY' },
      payer: { openid: 'oPluginUser' },
    });
    expect(prepay.prepay_id).toMatch(/^wx\d{14}[0-9a-f]{20}$/);
    await sb.control('/pay', { prepay_id: prepay.prepay_id });

    const { data: query } = await (wxpay['v3/pay/transactions/out-trade-no/{out_trade_no}'] as Endpoint).get({
      params: { mchid: mchId },
      out_trade_no: no,
    });
    expect(query).toMatchObject({ out_trade_no: no, trade_state: 'SUCCESS', amount: { total: 101, payer_total: 101 } });
    const { data: byId } = await (wxpay['v3/pay/transactions/id/{transaction_id}'] as Endpoint).get({
      params: { mchid: mchId },
      transaction_id: query.transaction_id,
    });
    expect(byId).toEqual(query);
    const unknownId = await rejection(
      (wxpay['v3/pay/transactions/id/{transaction_id}'] as Endpoint).get({
        params: { mchid: mchId },
        transaction_id: '4200000000000000000000000000',
      }),
    );
    expect(unknownId.response).toMatchObject({ status: 404, data: { code: 'ORDER_NOT_EXIST' } });

    const closed = await rejection(
      (wxpay['v3/pay/transactions/out-trade-no/{out_trade_no}/close'] as Endpoint).post({ mchid: mchId }, { out_trade_no: no }),
    );
    expect(closed.response).toMatchObject({ status: 403, data: { code: 'ORDERPAID' } });

    const { data: refund } = await (wxpay['v3/refund/domestic/refunds'] as Endpoint).post({
      out_trade_no: no,
      out_refund_no: `${no}R1`,
      amount: { refund: 100, total: 101, currency: 'CNY' },
    });
    expect(refund).toMatchObject({ out_refund_no: `${no}R1`, status: 'PROCESSING', amount: { refund: 100, total: 101 } });
    const { data: again } = await (wxpay['v3/refund/domestic/refunds/{out_refund_no}'] as Endpoint).get({ out_refund_no: `${no}R1` });
    expect(again).toMatchObject({ refund_id: refund.refund_id, status: 'PROCESSING' });
  });

  it('answers a request that names no Wechatpay-Serial with the platform certificate, as WeChat does (WxJava #3548)', async () => {
    const { id, publicKeyPem } = sb.identity.wechatpayPublicKey;
    const { appId, mchId } = sb.simulator.credentials;
    const no = nextNo();
    await (publicKeyClient()['v3/pay/transactions/jsapi'] as Endpoint).post({
      appid: appId,
      mchid: mchId,
      description: 'which key signs',
      out_trade_no: no,
      notify_url: 'https://merchant.example/notify',
      amount: { total: 1, currency: 'CNY' },
      payer: { openid: 'oPluginUser' },
    });
    const query = (client: PluginClient) =>
      (client['v3/pay/transactions/out-trade-no/{out_trade_no}'] as Endpoint).get({ params: { mchid: mchId }, out_trade_no: no });
    // Notifies are signed with the public key here; that does not decide how answers are signed.
    expect(sb.simulator.v3Keys?.signWith).toBe('publicKey');
    // A client that trusts only the public key and names no key cannot verify the answer: WxJava's report.
    const unnamed = await rejection(query(pluginClient({ [id]: publicKeyPem })));
    expect(unnamed.code).toBe('EV3_RES_HEADER_PLATFORM_SERIAL');
    // The platform certificate verifies it.
    const platform = await query(pluginClient({ [sb.identity.platform.serialNo]: sb.identity.platform.certificatePem }));
    expect(platform).toMatchObject({ headers: { 'wechatpay-serial': sb.identity.platform.serialNo }, data: { out_trade_no: no } });
    // Naming the public key's ID (WxJava's fix) gets an answer signed with it.
    expect(await query(publicKeyClient())).toMatchObject({ headers: { 'wechatpay-serial': id }, data: { out_trade_no: no } });
  });

  it('serves /v3/certificates signed with the platform certificate; the plugin verifies it and opens the certificate', async () => {
    await sb.control('/keys/signer', { sign_with: 'platformCertificate' });
    try {
      const wxpay = pluginClient({ [sb.identity.platform.serialNo]: sb.identity.platform.certificatePem });
      const { data } = await (wxpay['v3/certificates'] as Endpoint).get();
      const [entry] = data.data as { serial_no: string; encrypt_certificate: Record<string, string> }[];
      expect(entry?.serial_no).toBe(sb.identity.platform.serialNo);
      const { ciphertext = '', nonce = '', associated_data: aad = '' } = entry?.encrypt_certificate ?? {};
      expect(Aes.AesGcm.decrypt(ciphertext, sb.identity.apiV3Key, nonce, aad)).toBe(sb.identity.platform.certificatePem);
    } finally {
      await sb.control('/keys/signer', { sign_with: 'publicKey' });
    }
  });

  it('the plugin, too, rejects a tampered simulator answer, and the simulator refuses a request signed with another key', async () => {
    const wxpay = publicKeyClient();
    await sb.control('/faults', { fault: 'badSignature', api: 'unifiedorder' });
    const tampered = await rejection(
      (wxpay['v3/pay/transactions/jsapi'] as Endpoint).post({
        appid: sb.simulator.credentials.appId,
        mchid: '10000100',
        description: 'tampered answer',
        out_trade_no: nextNo(),
        notify_url: `${sb.url}/notify`,
        amount: { total: 1 },
        payer: { openid: 'oPluginUser' },
      }),
    );
    expect(tampered.code).toBe('EV3_RES_HEADER_SIGNATURE_DIGEST');
    const impostor = new Wechatpay({
      mchid: '10000100',
      serial: sb.identity.merchant.serialNo,
      privateKey: sb.identity.wechatpayPublicKey.privateKeyPem,
      certs: { [sb.identity.wechatpayPublicKey.id]: sb.identity.wechatpayPublicKey.publicKeyPem },
      baseURL: `${sb.url}/sandbox/wxpay/`,
    });
    const refused = await rejection(
      (impostor['v3/pay/transactions/out-trade-no/{out_trade_no}'] as Endpoint).get({
        params: { mchid: '10000100' },
        out_trade_no: nextNo(),
      }),
    );
    expect(refused.response).toMatchObject({ status: 401, data: { code: 'SIGN_ERROR' } });
  });
});

describe('the plugin checks the adapter’s requests and the simulator’s notifies', () => {
  it('every v3 request of the gateway carries an Authorization the plugin verifies with the merchant certificate', async () => {
    const sent: HttpRequest[] = [];
    const recording: HttpTransport = { send: (request) => (sent.push(request), nodeHttpTransport.send(request)) };
    const g = sb.gatewayV3('publicKey', {}, { transport: recording });
    const no = nextNo();
    const created = await g.createPrepay({
      outTradeNo: no,
      description: '课程',
      amount: Money.ofFen(300),
      openid: 'oPluginCheck',
      clientIp: '203.0.113.9',
      payableUntil: new Date(sb.clock.now().getTime() + 3_600_000),
    });
    if (created.kind !== 'created') throw new Error(JSON.stringify(created));
    await sb.control('/pay', { prepay_id: created.prepay.prepayId });
    await g.queryOrder(no);
    await g.refund({ outTradeNo: no, outRefundNo: `${no}R1`, totalFee: Money.ofFen(300), refundFee: Money.ofFen(100) });
    await g.queryRefund(`${no}R1`);
    sb.clock.advance(5 * 60_000);
    expect(await g.closeOrder(no)).toBe('alreadyPaid');
    expect(sent.map((r) => `${r.method} ${new URL(r.url).pathname.replace(/.*\/v3\//, '/v3/')}`)).toHaveLength(5);
    for (const request of sent) {
      const url = new URL(request.url);
      const auth = /mchid="(\d+)",serial_no="(\w+)",timestamp="(\d+)",nonce_str="(\w+)",signature="([^"]+)"/.exec(
        request.headers?.authorization ?? '',
      );
      const [, mchid, serialNo, ts = '', nonce = '', signature = ''] = auth ?? [];
      expect([mchid, serialNo]).toEqual(['10000100', sb.identity.merchant.serialNo]);
      const message = pluginFormatter.request(request.method, `${url.pathname}${url.search}`, ts, nonce, request.body ?? '');
      expect(pluginRsa.verify(message, signature, sb.identity.merchantPublicKey)).toBe(true);
    }
  });

  it('a payment notify verifies with the plugin (public key) and its resource opens with the APIv3 key', async () => {
    const gateway = sb.gatewayV3('publicKey');
    const no = nextNo();
    const created = await gateway.createPrepay({
      outTradeNo: no,
      description: '课程',
      amount: Money.ofFen(500),
      openid: 'oPluginNotify',
      clientIp: '203.0.113.9',
      payableUntil: new Date(sb.clock.now().getTime() + 3_600_000),
    });
    if (created.kind !== 'created') throw new Error(JSON.stringify(created));
    await sb.control('/pay', { prepay_id: created.prepay.prepayId });
    const opened = (body: string): Record<string, unknown> | undefined => {
      const { resource } = JSON.parse(body) as { resource?: Record<string, string> };
      if (!resource) return undefined;
      const plain = Aes.AesGcm.decrypt(resource.ciphertext ?? '', sb.identity.apiV3Key, resource.nonce ?? '', resource.associated_data);
      return JSON.parse(plain) as Record<string, unknown>;
    };
    const ours = () => sb.received.find((r) => r.headers['wechatpay-signature'] !== undefined && opened(r.body)?.out_trade_no === no);
    await sb.waitFor(() => ours() !== undefined);
    const notify = ours();
    if (!notify) throw new Error('no v3 notify');
    const h = notify.headers;
    const message = pluginFormatter.response(h['wechatpay-timestamp'] ?? '', h['wechatpay-nonce'] ?? '', notify.body);
    expect(h['wechatpay-serial']).toBe(sb.identity.wechatpayPublicKey.id);
    expect(pluginRsa.verify(message, h['wechatpay-signature'] ?? '', sb.identity.wechatpayPublicKeyObject)).toBe(true);
    expect(opened(notify.body)).toMatchObject({ out_trade_no: no, trade_state: 'SUCCESS', amount: { total: 500 }, mchid: '10000100' });
    await sb.waitFor(() => sb.simulator.deliveries().find((d) => d.subject === no)?.status === 'acked');
  });
});
