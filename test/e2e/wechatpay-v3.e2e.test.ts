/**
 * The service on embedded defaults with WECHAT_API_VERSION=v3, end to end over HTTP: the sandbox keys are generated
 * in the data folder, the embedded simulator speaks v3, and every payment, refund and reconciliation path runs on
 * v3's JSON, RSA signatures and encrypted notifies.
 */
import { createPublicKey, verify } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBillsOut } from '../support/bill-clock.js';
import { MiniProgramUser, postJson } from '../support/mini-program.js';
import { startService, tempSqliteUrl, type ServiceProcess } from '../support/service-process.js';
import { AdminClient, metric, scrapeMetrics, until } from '../support/service-ops.js';
import { loadOrCreateSandboxIdentity } from '../../src/sandbox/identity/identity-store.js';

const require = createRequire(import.meta.url);
const { Wechatpay } = require('wechatpay-axios-plugin') as {
  Wechatpay: new (
    config: Record<string, unknown>,
  ) => Readonly<Record<string, { get(config: Record<string, unknown>): Promise<{ status: number; data: Record<string, unknown> }> }>>;
};

const ADMIN_TOKEN = 'v3-e2e-admin-token-0123456789';

describe('WeChat Pay API v3 end to end (embedded simulator, SQLite)', () => {
  let service: ServiceProcess;
  let admin: AdminClient;
  let sim: string;
  const databaseUrl = tempSqliteUrl();

  beforeAll(async () => {
    service = await startService({
      DATABASE_URL: databaseUrl,
      WECHAT_API_VERSION: 'v3',
      ADMIN_TOKEN,
      SANDBOX_TIME_SCALE: '0.01',
      RECONCILE_INTERVAL_MS: '600000',
    });
    admin = new AdminClient(service.baseUrl, ADMIN_TOKEN);
    sim = `${service.baseUrl}/sandbox/wxpay`;
  });
  afterAll(async () => service?.stop());

  const recorded = async (): Promise<number> =>
    metric(await scrapeMetrics(service.baseUrl), 'wxpay_notify_total', { kind: 'pay', verdict: 'recorded' });
  const fault = (spec: Record<string, unknown>): Promise<unknown> => postJson(`${sim}/control/faults`, spec);
  /** Waits until WeChat (the simulator) holds the notifies of these orders acknowledged — before anyone polls them. */
  const acked = async (...outTradeNos: string[]): Promise<void> => {
    const statuses = await until(
      async () =>
        ((await (await fetch(`${sim}/control/notifies`)).json()) as { deliveries: { subject: string; status: string }[] }).deliveries,
      (list) => outTradeNos.every((no) => list.some((d) => d.subject === no && d.status === 'acked')),
    );
    expect(outTradeNos.map((no) => statuses.find((d) => d.subject === no && d.status === 'acked')?.status)).toEqual(
      outTradeNos.map(() => 'acked'),
    );
  };
  const adminPost = async (path: string, body: unknown = {}) => {
    const res = await fetch(`${service.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { data: Record<string, unknown> } };
  };

  it('takes an order from login to SUCC through the signed, encrypted v3 notify; paySign verifies with /control/keys', async () => {
    expect(service.output.join('\n')).toContain('3b. API v3: paySign is SHA256-RSA');
    const before = await recorded();
    const user = await new MiniProgramUser(service.baseUrl).login();
    const params = await user.prepay(1);
    expect(params).toMatchObject({ appId: 'wxd930ea5d5a258f4f', signType: 'RSA', package: expect.stringMatching(/^prepay_id=wx/) });

    const keys = (await (await fetch(`${sim}/control/keys`)).json()) as { merchant_certificates: { public_key: string }[] };
    const merchantKey = createPublicKey(keys.merchant_certificates[0]?.public_key ?? '');
    const message = `${params.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`;
    expect(verify('sha256', Buffer.from(message), merchantKey, Buffer.from(params.paySign, 'base64'))).toBe(true);

    await user.pay(params);
    await acked(params.outTradeNo);
    expect(await recorded()).toBe(before + 1);
    expect(await user.waitForStatus(params.outTradeNo, 'SUCC')).toMatchObject({
      status: 'SUCC',
      paidMoney: 9900,
      billNo: expect.stringMatching(/^\d{28}$/),
    });
  });

  it('records each payment exactly once through duplicate and out-of-order notifies', async () => {
    const before = await recorded();
    const users = await Promise.all([0, 1, 2].map(() => new MiniProgramUser(service.baseUrl).login()));
    const orders = await Promise.all(users.map((u) => u.prepay(2)));
    await fault({ fault: 'duplicate', notify: 'payment', count: 1 });
    await (users[0] as MiniProgramUser).pay(orders[0] as never);
    await fault({ fault: 'reorder', notify: 'payment', count: 2 });
    await (users[1] as MiniProgramUser).pay(orders[1] as never);
    await (users[2] as MiniProgramUser).pay(orders[2] as never);
    await acked(...orders.map((o) => o.outTradeNo));
    expect(await recorded()).toBe(before + 3);
    for (const [i, user] of users.entries()) expect((await user.waitForStatus(orders[i]?.outTradeNo ?? '', 'SUCC')).status).toBe('SUCC');
  });

  it('refunds over v3 and settles the order on the v3 refund notify (confirmed by the refund query)', async () => {
    const user = await new MiniProgramUser(service.baseUrl).login();
    const params = await user.prepay(2);
    await user.pay(params);
    await user.waitForStatus(params.outTradeNo, 'SUCC');
    const refund = await adminPost(`/admin/orders/${params.outTradeNo}/refund`);
    expect(refund).toMatchObject({
      status: 200,
      body: { data: { outRefundNo: `${params.outTradeNo}R1`, amountFen: 1900, completed: false } },
    });
    expect((await user.waitForStatus(params.outTradeNo, 'REFUND', 15_000)).status).toBe('REFUND');
    const refundVerdicts = metric(await scrapeMetrics(service.baseUrl), 'wxpay_notify_total', { kind: 'refund', verdict: 'refunded' });
    expect(refundVerdicts).toBeGreaterThanOrEqual(1);
  });

  it('settles a payment whose notify WeChat lost, by reconciliation (orderquery over v3)', async () => {
    const user = await new MiniProgramUser(service.baseUrl).login();
    const params = await user.prepay(1);
    await fault({ fault: 'lose', notify: 'payment', count: 1 });
    await user.pay(params);
    expect((await admin.order(params.outTradeNo))?.status).toBe('CHECKED');
    await admin.reconcile();
    expect((await admin.waitForStatus(params.outTradeNo, 'SUCC'))?.status).toBe('SUCC');
  });

  it('records a payment only the next day’s v3 trade bill shows (download checked against its SHA1)', async () => {
    const user = await new MiniProgramUser(service.baseUrl).login();
    const params = await user.prepay(2);
    await fault({ fault: 'lose', notify: 'payment', count: 1 });
    await user.pay(params);
    await postJson(`${sim}/control/clock`, { advanceMs: 24 * 3_600_000 });
    await ensureBillsOut(`${sim}/control`, params.outTradeNo.slice(0, 8));
    const report = await adminPost('/admin/reconcile-bill', { date: params.outTradeNo.slice(0, 8) });
    expect(report.body.data).toMatchObject({ available: true, repaired: [params.outTradeNo], unknown: [], mismatched: [] });
    expect((await admin.order(params.outTradeNo))?.status).toBe('SUCC');
  });
  it('after /control/clock, business time moves but signatures stay on real time: an outside SDK and the service both get through', async () => {
    const user = await new MiniProgramUser(service.baseUrl).login();
    const params = await user.prepay(1);
    await postJson(`${sim}/control/clock`, { advanceMs: 3 * 24 * 3_600_000 });
    // The sandbox keys the service generated in its data folder: the merchant's key signs, WeChat's public key verifies.
    const { identity } = loadOrCreateSandboxIdentity(dirname(databaseUrl.slice('sqlite:'.length)), '10000100', new Date());
    const sdk = new Wechatpay({
      mchid: '10000100',
      serial: identity.merchant.serialNo,
      privateKey: identity.merchant.privateKeyPem,
      certs: { [identity.wechatpayPublicKey.id]: identity.wechatpayPublicKey.publicKeyPem },
      headers: { 'Wechatpay-Serial': identity.wechatpayPublicKey.id },
      baseURL: `${sim}/`,
    });
    const query = await sdk['v3/pay/transactions/out-trade-no/{out_trade_no}']?.get({
      params: { mchid: '10000100' },
      out_trade_no: params.outTradeNo,
    });
    expect(query).toMatchObject({ status: 200, data: { out_trade_no: params.outTradeNo, trade_state: 'NOTPAY' } });
    // The service's own requests, answers and notifies still verify: a new order is paid and recorded.
    const next = await user.prepay(2);
    await user.pay(next);
    expect(await user.waitForStatus(next.outTradeNo, 'SUCC')).toMatchObject({ status: 'SUCC' });
  });
});
