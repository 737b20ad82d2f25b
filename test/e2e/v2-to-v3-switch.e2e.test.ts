/**
 * The migration without downtime, over HTTP: a merchant runs on API v2, then restarts with WECHAT_API_VERSION=v3 and
 * its v3 credentials (inline PEMs in the environment) on the same database, against one WeChat (a simulator that
 * outlives both processes). Orders opened on v2 still complete and refund after the switch; new prepays are v3.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniProgramUser, type PaymentParams } from '../support/mini-program.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { AdminClient, OffsetClock, metric, scrapeMetrics } from '../support/service-ops.js';
import { startV3Sandbox, type V3Sandbox } from '../support/wechat-sandbox-v3.js';

const ADMIN_TOKEN = 'switch-e2e-admin-token-0123456789';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('switching a running merchant from API v2 to v3', () => {
  let sandbox: V3Sandbox;
  let simUrl: string;
  let common: Record<string, string>;
  let service: ServiceProcess | undefined;
  let user: MiniProgramUser;
  let openedOnV2: PaymentParams;
  let unpaidOnV2: PaymentParams;

  beforeAll(async () => {
    sandbox = await startV3Sandbox({ clock: new OffsetClock(), timeScale: 0.01, refundSettleMs: 1_000 });
    simUrl = `${sandbox.url}/sandbox/wxpay`;
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-switch-'));
    common = {
      DATABASE_URL: `sqlite:${join(dir, 'wxpay.sqlite')}`,
      PORT: String(await freePort()), // notify_url names the port: the same before and after the restart
      SESSION_SECRET: 'switch-e2e-session-secret-0123456789abcdef',
      WECHAT_BASE_URL: simUrl,
      WECHAT_LOGIN_BASE_URL: simUrl,
      ADMIN_TOKEN,
      RECONCILE_INTERVAL_MS: '600000',
    };
    service = await startService({ ...common, WECHAT_API_VERSION: 'v2' });
    user = await new MiniProgramUser(service.baseUrl, simUrl).login();
    openedOnV2 = await user.prepay(1);
    unpaidOnV2 = await user.prepay(2);
    await service.stop();
    const id = sandbox.identity;
    service = await startService({
      ...common,
      WECHAT_API_VERSION: 'v3',
      WECHAT_MCH_PRIVATE_KEY: id.merchant.privateKeyPem,
      WECHAT_MCH_CERT_SERIAL: id.merchant.serialNo,
      WECHAT_MCH_CERT: id.merchant.certificatePem,
      WECHAT_API_V3_KEY: id.apiV3Key,
      WECHAT_PAY_PUBLIC_KEY: id.wechatpayPublicKey.publicKeyPem,
      WECHAT_PAY_PUBLIC_KEY_ID: id.wechatpayPublicKey.id,
    });
    user = Object.assign(new MiniProgramUser(service.baseUrl, simUrl), { token: user.token, uid: user.uid });
  });
  afterAll(async () => {
    await service?.stop();
    await sandbox?.close();
  });

  it('opened the first orders on v2 (MD5 paySign)', () => {
    expect([openedOnV2.signType, unpaidOnV2.signType]).toEqual(['MD5', 'MD5']);
  });

  it('completes a v2 order paid after the switch: its XML notify meets the v2 verifier, orderquery goes over v3', async () => {
    const admin = new AdminClient((service as ServiceProcess).baseUrl, ADMIN_TOKEN);
    await user.pay(openedOnV2);
    expect((await admin.waitForStatus(openedOnV2.outTradeNo, 'SUCC'))?.status).toBe('SUCC');
    const delivery = sandbox.simulator.deliveries().find((d) => d.subject === openedOnV2.outTradeNo);
    expect(delivery?.status).toBe('acked');
    expect(await sandbox.control(`/orders/${openedOnV2.outTradeNo}`, undefined, 'GET')).toMatchObject({ json: { trade_state: 'SUCCESS' } });
  });

  it('still hands out the live v2 prepay of an open order with its v2 paySign; new orders get v3 prepays', async () => {
    const again = await user.prepay(2);
    expect(again).toMatchObject({ outTradeNo: unpaidOnV2.outTradeNo, package: unpaidOnV2.package, signType: 'MD5' });
    const fresh = await user.prepay(3);
    expect(fresh.signType).toBe('RSA');
    await user.pay(fresh);
    expect((await user.waitForStatus(fresh.outTradeNo, 'SUCC')).status).toBe('SUCC');
  });

  it('refunds the v2-opened order over v3, settled by the v3 refund notify', async () => {
    const res = await fetch(`${(service as ServiceProcess).baseUrl}/admin/orders/${openedOnV2.outTradeNo}/refund`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect((await user.waitForStatus(openedOnV2.outTradeNo, 'REFUND', 15_000)).status).toBe('REFUND');
    const values = await scrapeMetrics((service as ServiceProcess).baseUrl);
    expect(metric(values, 'wxpay_notify_total', { kind: 'refund', verdict: 'refunded' })).toBe(1);
    const refundDelivery = sandbox.simulator.deliveries().find((d) => d.type === 'refund');
    expect(refundDelivery?.status).toBe('acked');
  });
});
