import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniProgramUser, postJson } from '../support/mini-program.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

const ADMIN_TOKEN = 'bill-admin-token-0123456789';

describe('T+1 trade-bill reconciliation over HTTP (simulator downloadbill)', () => {
  let service: ServiceProcess;
  beforeAll(async () => {
    service = await startService({ ADMIN_TOKEN, RECONCILE_INTERVAL_MS: '3600000' });
  });
  afterAll(async () => service?.stop());

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${service.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await res.json()) as { errcode: number; data: Record<string, unknown> };
  };

  it('records a payment that only the next day’s bill shows', async () => {
    const user = await new MiniProgramUser(service.baseUrl).login();
    const params = await user.prepay(2);
    await postJson(`${service.baseUrl}/sandbox/wxpay/control/faults`, { fault: 'lose', notify: 'payment', count: 1 });
    await user.pay(params);
    const day = params.outTradeNo.slice(0, 8);
    expect((await admin('GET', `/admin/orders/${params.outTradeNo}`)).data.status).toBe('CHECKED');

    // Tomorrow, after WeChat has generated the bill.
    await postJson(`${service.baseUrl}/sandbox/wxpay/control/clock`, { advanceMs: 24 * 3_600_000 });
    const report = await admin('POST', '/admin/reconcile-bill', { date: day });
    expect(report.data).toMatchObject({ billDate: day, available: true, repaired: [params.outTradeNo], unknown: [], mismatched: [] });
    expect((await admin('GET', `/admin/orders/${params.outTradeNo}`)).data.status).toBe('SUCC');
  });

  it('refuses a malformed date', async () => {
    expect((await admin('POST', '/admin/reconcile-bill', { date: '2026-11-27' })).errcode).toBe(400);
  });
});
