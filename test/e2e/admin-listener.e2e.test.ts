import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniProgramUser } from '../support/mini-program.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

const ADMIN_TOKEN = 'listener-admin-token-0123456789';
const METRICS_TOKEN = 'listener-metrics-token-0123456789';

/** Issue 14 §3: /metrics and the admin API on their own listener, the request id on every answer and log line. */
describe('ADMIN_PORT, METRICS_TOKEN and the request id', () => {
  let service: ServiceProcess;
  let adminUrl: string;

  beforeAll(async () => {
    service = await startService({ ADMIN_TOKEN, METRICS_TOKEN, ADMIN_PORT: '0' });
    const listening = service.output.find((line) => line.includes('"msg":"listening"')) ?? '';
    adminUrl = `http://127.0.0.1:${/"adminPort":(\d+)/.exec(listening)?.[1]}`;
  });
  afterAll(async () => service?.stop());

  const get = (url: string, token?: string, headers: Record<string, string> = {}) =>
    fetch(url, { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });

  it('the public listener answers 404 for /admin/* and /metrics, even with the right tokens', async () => {
    expect((await get(`${service.baseUrl}/admin/orders`, ADMIN_TOKEN)).status).toBe(404);
    expect((await get(`${service.baseUrl}/admin/goods`, ADMIN_TOKEN)).status).toBe(404);
    expect((await get(`${service.baseUrl}/metrics`, METRICS_TOKEN)).status).toBe(404);
    expect((await get(`${service.baseUrl}/goods`)).status).toBe(200);
    expect((await get(`${service.baseUrl}/healthz`)).status).toBe(200);
  });

  it('the admin listener serves the admin API and /metrics (behind METRICS_TOKEN), and nothing public', async () => {
    expect((await get(`${adminUrl}/admin/orders`, ADMIN_TOKEN)).status).toBe(200);
    expect((await get(`${adminUrl}/admin/orders`)).status).toBe(401);
    expect((await get(`${adminUrl}/metrics`)).status).toBe(401);
    expect((await get(`${adminUrl}/metrics`, 'wrong-token-wrong-token')).status).toBe(401);
    const metrics = await get(`${adminUrl}/metrics`, METRICS_TOKEN);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('wxpay_prepay_total');
    expect((await get(`${adminUrl}/goods`)).status).toBe(404);
    expect((await get(`${adminUrl}/wechat/prepay?goods_id=1`)).status).toBe(404);
    expect((await get(`${adminUrl}/readyz`)).status).toBe(200);
  });

  it('keeps a safe incoming X-Request-Id, replaces an unsafe one, and logs it on the access line', async () => {
    const kept = await get(`${service.baseUrl}/goods`, undefined, { 'x-request-id': 'edge-7f3a.1' });
    expect(kept.headers.get('x-request-id')).toBe('edge-7f3a.1');
    for (const unsafe of ['a b', 'x'.repeat(65), '-leading', 'semi;colon']) {
      const replaced = (await get(`${service.baseUrl}/goods`, undefined, { 'x-request-id': unsafe })).headers.get('x-request-id');
      expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    }
    const generated = (await get(`${service.baseUrl}/goods/1`)).headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((r) => setTimeout(r, 100));
    const access = service.output.filter((l) => l.includes('"msg":"request"'));
    expect(access.some((l) => l.includes('"reqId":"edge-7f3a.1"') && l.includes('"url":"/goods"') && l.includes('"status":200'))).toBe(
      true,
    );
    expect(access.some((l) => l.includes(`"reqId":"${generated}"`))).toBe(true);
  });

  it('attaches the request id to every line logged while serving the request, not only the access line', async () => {
    const user = await new MiniProgramUser(service.baseUrl).login();
    // A payment refused by WeChat is logged by the route (a warning naming WeChat's code) inside the request.
    await fetch(`${service.baseUrl}/sandbox/wxpay/control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault: 'systemError', api: 'unifiedorder', count: 10 }),
    });
    const res = await get(`${service.baseUrl}/wechat/prepay?goods_id=1`, user.token, { 'x-request-id': 'trace-prepay-1' });
    expect(res.status).toBeGreaterThanOrEqual(500);
    await fetch(`${service.baseUrl}/sandbox/wxpay/control/faults`, { method: 'DELETE' });
    await new Promise((r) => setTimeout(r, 100));
    const lines = service.output.filter((l) => l.includes('"reqId":"trace-prepay-1"'));
    expect(lines.some((l) => l.includes('"msg":"request"'))).toBe(true);
    expect(lines.filter((l) => !l.includes('"msg":"request"')).length).toBeGreaterThan(0);
  });
});
