/**
 * Hostile API v3 callbacks against the running service (sandbox, v3): each is answered with a retryable failure
 * (a 4xx/5xx with {code, message} that names no check) and changes nothing. Forgeries are made with
 * wechatpay-axios-plugin; the "validly signed" ones use the sandbox's own WeChat Pay key from the data folder, as an
 * attacker holding WeChat's key would — and are stopped by orderquery.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredSandboxIdentity } from '../../src/sandbox/identity/identity-store.js';
import { MiniProgramUser, type PaymentParams } from '../support/mini-program.js';
import { startService, tempSqliteUrl, type ServiceProcess } from '../support/service-process.js';
import { AdminClient, metric, scrapeMetrics } from '../support/service-ops.js';
import { notifyBody, sealedResource, signCallback, transactionResource, type SignOptions } from '../support/v3-callback-signer.js';

const ADMIN_TOKEN = 'hostile-v3-admin-token-0123456789';

describe('hostile v3 callbacks against the running service', () => {
  let service: ServiceProcess;
  let admin: AdminClient;
  let identity: StoredSandboxIdentity;
  let wechatKey: KeyObject;
  let order: PaymentParams;
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  beforeAll(async () => {
    const database = tempSqliteUrl();
    service = await startService({ DATABASE_URL: database, WECHAT_API_VERSION: 'v3', ADMIN_TOKEN, RECONCILE_INTERVAL_MS: '600000' });
    admin = new AdminClient(service.baseUrl, ADMIN_TOKEN);
    const folder = database.slice('sqlite:'.length).replace(/\/wxpay\.sqlite$/, '');
    identity = JSON.parse(readFileSync(join(folder, 'wechatpay-v3-sandbox-10000100.json'), 'utf8')) as StoredSandboxIdentity;
    wechatKey = createPrivateKey(identity.wechatpayPublicKey.privateKeyPem);
    order = await (await new MiniProgramUser(service.baseUrl).login()).prepay(1);
  });
  afterAll(async () => service?.stop());

  const now = (): number => Math.floor(Date.now() / 1000);
  const genuine = (): SignOptions => ({ serial: identity.wechatpayPublicKey.id, privateKey: wechatKey, timestamp: now() });
  const resource = (overrides: Record<string, unknown> = {}) =>
    transactionResource({ out_trade_no: order.outTradeNo, amount: { total: 9900, payer_total: 9900, currency: 'CNY' }, ...overrides });
  const body = (plain = resource(), key = identity.apiV3Key, aad = 'transaction') =>
    notifyBody('TRANSACTION.SUCCESS', sealedResource(plain, key, aad));

  async function post(text: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
    const res = await fetch(`${service.baseUrl}/wechat/pay-notify`, { method: 'POST', headers, body: text });
    return { status: res.status, text: await res.text() };
  }

  function edit(text: string, change: (resource: Record<string, string>) => void): string {
    const json = JSON.parse(text) as { resource: Record<string, string> };
    change(json.resource);
    return JSON.stringify(json);
  }

  const cases: [string, () => { text: string; headers: Record<string, string> }, string][] = [
    [
      'a wrong signature',
      () => ((t) => ({ text: t, headers: signCallback(t, { ...genuine(), privateKey: stranger }) }))(body()),
      'badSignature',
    ],
    [
      'a timestamp 301 s old',
      () => ((t) => ({ text: t, headers: signCallback(t, { ...genuine(), timestamp: now() - 301 }) }))(body()),
      'timestampOutOfWindow',
    ],
    [
      'an unknown serial',
      () => ((t) => ({ text: t, headers: signCallback(t, { ...genuine(), serial: 'PUB_KEY_ID_0110000100209912319999999999' }) }))(body()),
      'unknownSerial',
    ],
    [
      'a platform certificate the merchant does not hold',
      () =>
        ((t) => ({
          text: t,
          headers: signCallback(t, { serial: '6D2A8E8F0C1B2A3948576A7B8C9DAEBFC0D1E2F3', privateKey: stranger, timestamp: now() }),
        }))(body()),
      'unknownSerial',
    ],
    [
      'a WECHATPAY/SIGNTEST/ probe',
      () => ((t) => ({ text: t, headers: signCallback(t, { ...genuine(), signature: `WECHATPAY/SIGNTEST/${'A'.repeat(344)}` }) }))(body()),
      'probeSignature',
    ],
    [
      'a tampered ciphertext, validly re-signed',
      () =>
        ((t) => ({ text: t, headers: signCallback(t, genuine()) }))(
          edit(body(), (r) => {
            const bytes = Buffer.from(r.ciphertext ?? '', 'base64');
            bytes[10] = (bytes[10] ?? 0) ^ 0x20;
            r.ciphertext = bytes.toString('base64');
          }),
        ),
      'undecryptable',
    ],
    [
      'a tampered associated_data, validly re-signed',
      () => ((t) => ({ text: t, headers: signCallback(t, genuine()) }))(edit(body(), (r) => (r.associated_data = 'refund'))),
      'undecryptable',
    ],
    [
      'a resource sealed with the wrong APIv3 key',
      () => ((t) => ({ text: t, headers: signCallback(t, genuine()) }))(body(resource(), 'WRONGapiV3key0123456789abcdefghi')),
      'undecryptable',
    ],
    [
      'a genuine-looking TRANSACTION.SUCCESS whose amount disagrees with the order',
      () =>
        ((t) => ({ text: t, headers: signCallback(t, genuine()) }))(
          body(resource({ amount: { total: 1, payer_total: 1, currency: 'CNY' } })),
        ),
      'AmountMismatch',
    ],
    [
      'a genuine-looking TRANSACTION.SUCCESS for an order WeChat says is unpaid',
      () => ((t) => ({ text: t, headers: signCallback(t, genuine()) }))(body()),
      'NotConfirmedByWechat',
    ],
    [
      'a genuine-looking TRANSACTION.SUCCESS naming an out_trade_no nobody opened',
      () => ((t) => ({ text: t, headers: signCallback(t, genuine()) }))(body(resource({ out_trade_no: '2026011512000000029999999999' }))),
      'UnknownOrder',
    ],
  ];

  it.each(cases)('refuses %s with a retryable failure and changes nothing', async (_name, make, verdict) => {
    const before = metric(await scrapeMetrics(service.baseUrl), 'wxpay_notify_total', { kind: 'pay', verdict });
    const { text, headers } = make();
    const answer = await post(text, headers);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(JSON.parse(answer.text)).toEqual({ code: 'FAIL', message: 'FAIL' });
    expect(metric(await scrapeMetrics(service.baseUrl), 'wxpay_notify_total', { kind: 'pay', verdict })).toBe(before + 1);
    expect((await admin.order(order.outTradeNo))?.status).toBe('CHECKED');
  });

  it('answers an oversize body with 413 in v3’s dialect, without reading it', async () => {
    const big = JSON.stringify({ padding: 'x'.repeat(20_000) });
    const answer = await post(big, signCallback(big, genuine()));
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toEqual({ code: 'FAIL', message: 'FAIL' });
    expect((await admin.order(order.outTradeNo))?.status).toBe('CHECKED');
  });

  it('still takes the genuine notify afterwards', async () => {
    const user = await new MiniProgramUser(service.baseUrl).login();
    const params = await user.prepay(3);
    await user.pay(params);
    expect((await admin.waitForStatus(params.outTradeNo, 'SUCC'))?.status).toBe('SUCC');
  });
});
