/**
 * Concurrent partial refunds of one order across two service processes on one MariaDB and one Redis, sharing one
 * WeChat Pay simulator (issue 24 #2). Each request ends in its refund (200, and the same answer again on a retry
 * with its Idempotency-Key) or in a refusal that moved nothing (409 with Retry-After, or 4xx): never a 5xx, every
 * refund WeChat holds was answered 200, and WeChat never holds more than was paid.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scratchMariaDb, type ScratchDatabase } from '../support/databases.js';
import { describeIfServices, REDIS_URL } from '../support/integration.js';
import { MiniProgramUser, type Envelope } from '../support/mini-program.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { OffsetClock, spreadUids } from '../support/service-ops.js';
import { startSandbox, type Sandbox } from '../support/wechat-sandbox.js';

const ADMIN_TOKEN = 'refund-race-admin-token-0123456789';
const SESSION_SECRET = 'refund-race-session-secret-0123456789abcdef';
const REQUESTS = 20;
const AMOUNT = 1_000;

const describeWithServers = await describeIfServices(['mariadb', 'redis']);

describeWithServers(`${REQUESTS} concurrent partial refunds of one order across 2 instances`, () => {
  let db: ScratchDatabase;
  let sandbox: Sandbox;
  let simUrl: string;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    db = await scratchMariaDb('refunds');
    sandbox = await startSandbox({ clock: new OffsetClock(), timeScale: 0.01 });
    simUrl = `${sandbox.url}/sandbox/wxpay`;
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      // Lock keys name the order; a prefix of this run's own keeps parallel suites on the shared Redis apart.
      REDIS_KEY_PREFIX: `wxpay-test:${process.pid}:refunds:`,
      WECHAT_BASE_URL: simUrl,
      WECHAT_LOGIN_BASE_URL: simUrl,
      SESSION_SECRET,
      ADMIN_TOKEN,
    };
    services.push(await startService(env));
    await spreadUids(db);
    services.push(await startService(env));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await sandbox?.close();
    await db?.drop();
  });

  const refund = async (service: ServiceProcess, no: string, key: string) => {
    const res = await fetch(`${service.baseUrl}/admin/orders/${no}/refund`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ amount: AMOUNT }),
    });
    const body = (await res.json()) as Envelope<{ outRefundNo: string; amountFen: number } | null>;
    return { key, status: res.status, retryAfter: res.headers.get('retry-after'), body };
  };

  it('no 5xx; every refund WeChat holds was answered 200, the same on a keyed retry; never more than was paid', async () => {
    const [a, b] = services as [ServiceProcess, ServiceProcess];
    const user = await new MiniProgramUser(a.baseUrl, simUrl).login();
    const params = await user.prepay(1); // ¥99.00
    await user.pay(params);
    await user.waitForStatus(params.outTradeNo, 'SUCC');
    const no = params.outTradeNo;

    const answers = await Promise.all(Array.from({ length: REQUESTS }, (_, i) => refund(i % 2 === 0 ? a : b, no, `race-${i}`)));
    console.info('[refunds x2 instances]', JSON.stringify(answers.map((r) => [r.status, r.body.msg])));

    expect(answers.filter((r) => r.status >= 500)).toEqual([]);
    for (const r of answers.filter((x) => x.status === 409 && x.body.msg.includes('retry')))
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
    const answered = new Map(answers.flatMap((r) => (r.status === 200 && r.body.data ? [[r.body.data.outRefundNo, r]] : [])));
    const held = sandbox.simulator.snapshot().orders.find((o) => o.outTradeNo === no)?.refunds ?? [];
    expect(held.length).toBeGreaterThan(0);
    for (const r of held) expect(answered.has(r.outRefundNo)).toBe(true);
    expect(held.reduce((sum, r) => sum + r.refundFee, 0)).toBeLessThanOrEqual(9_900);
    expect(answered.size).toBe(held.length);

    // A retry with its key is the same refund, answered the same way, whichever instance gets it.
    for (const [outRefundNo, first] of answered) {
      const again = await refund(b, no, first.key);
      expect([again.status, again.body.data?.outRefundNo]).toEqual([200, outRefundNo]);
    }
    expect(sandbox.simulator.snapshot().orders.find((o) => o.outTradeNo === no)?.refunds).toHaveLength(held.length);
  }, 120_000);
});
