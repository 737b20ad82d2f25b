/**
 * Notify storm (reliability checklist 17, 36): two service processes on one MariaDB database and one Redis, sharing
 * one WeChat Pay simulator. N orders are paid; WeChat's signed notify of each is captured and delivered three times,
 * concurrently, to both instances, in shuffled order. Exactly N orders end SUCC with N OrderPaid events, every
 * delivery is acknowledged, and nothing answers 5xx.
 *
 * STORM_ORDERS sets N (60 in the normal suite; `npm run test:load` runs 500). One JSON summary line is printed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scratchMariaDb, type ScratchDatabase } from '../support/databases.js';
import { describeIfServices, REDIS_URL } from '../support/integration.js';
import { MiniProgramUser, postJson, type PaymentParams } from '../support/mini-program.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { ACK, OffsetClock, mapPool, metric, percentile, scrapeMetrics, shuffled, spreadUids, until } from '../support/service-ops.js';
import { startSandbox, type Sandbox } from '../support/wechat-sandbox.js';

const ORDERS = Number(process.env.STORM_ORDERS ?? 60);
const COPIES = 3;
/** Orders whose copies are in flight at once (each order's copies go out together): 3 × this many requests. */
const ORDERS_IN_FLIGHT = 16;
const SETUP_CONCURRENCY = 16;
const SEED = Number(process.env.STORM_SEED ?? 20260601);
const SESSION_SECRET = 'storm-e2e-session-secret-0123456789abcdef';

if (!Number.isSafeInteger(ORDERS) || ORDERS < 1 || ORDERS > 5_000)
  throw new Error(`STORM_ORDERS must be 1..5000, got ${process.env.STORM_ORDERS}`);

interface Delivery {
  readonly status: number;
  readonly acked: boolean;
  readonly ms: number;
}

const describeWithServers = await describeIfServices(['mariadb', 'redis']);

describeWithServers(`notify storm: ${ORDERS} orders × ${COPIES} deliveries across 2 instances`, () => {
  let db: ScratchDatabase;
  let sandbox: Sandbox;
  let simUrl: string;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    db = await scratchMariaDb('storm');
    sandbox = await startSandbox({ clock: new OffsetClock(), timeScale: 0.01, hangMs: 5_000 });
    simUrl = `${sandbox.url}/sandbox/wxpay`;
    // The simulator's own notify goes to the test's capture endpoint (acknowledged there); the test replays it.
    sandbox.respond = () => ACK;
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      WECHAT_BASE_URL: simUrl,
      WECHAT_LOGIN_BASE_URL: simUrl,
      WECHAT_NOTIFY_URL: `${sandbox.url}/notify`,
      SESSION_SECRET,
    };
    // One after the other: the first migrates the scratch database and creates the demo goods.
    services.push(await startService(env));
    await spreadUids(db);
    services.push(await startService(env));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await sandbox?.close();
    await db?.drop();
  });

  it(
    'every order ends SUCC once, with one OrderPaid event, every delivery acknowledged and no 5xx',
    async () => {
      const [a, b] = services as [ServiceProcess, ServiceProcess];
      const setupStarted = Date.now();
      // Users sign in and ask to pay on alternating instances; the simulator plays WeChat for both.
      const orders = await mapPool(
        Array.from({ length: ORDERS }, (_, i) => i),
        SETUP_CONCURRENCY,
        async (i): Promise<PaymentParams> => {
          const user = await new MiniProgramUser((i % 2 === 0 ? a : b).baseUrl, simUrl).login();
          return user.prepay(1);
        },
      );
      const numbers = orders.map((o) => o.outTradeNo);
      expect(new Set(numbers).size).toBe(ORDERS);
      await mapPool(orders, SETUP_CONCURRENCY, (o) =>
        postJson(`${simUrl}/control/pay`, { prepay_id: o.package.replace(/^prepay_id=/, '') }),
      );

      // WeChat's signed notifies, byte for byte as the simulator sent them.
      const captured = new Map<string, string>();
      await until(
        async () => {
          for (const got of sandbox.received) {
            const no = /<out_trade_no><!\[CDATA\[(\d+)\]\]>|<out_trade_no>(\d+)</.exec(got.body);
            const key = no?.[1] ?? no?.[2];
            if (got.path === '/notify' && key) captured.set(key, got.body);
          }
          return captured.size;
        },
        (n) => n >= ORDERS,
        30_000,
        50,
      );
      expect([...captured.keys()].sort()).toEqual([...numbers].sort());
      const setupMs = Date.now() - setupStarted;

      const before = await Promise.all(services.map((s) => scrapeMetrics(s.baseUrl)));
      const deliveries: Delivery[] = [];
      const deliver = async (service: ServiceProcess, xml: string): Promise<void> => {
        const started = performance.now();
        try {
          const res = await fetch(`${service.baseUrl}/wechat/pay-notify`, {
            method: 'POST',
            headers: { 'content-type': 'text/xml' },
            body: xml,
          });
          const text = await res.text();
          deliveries.push({ status: res.status, acked: res.status === 200 && text === ACK, ms: performance.now() - started });
        } catch {
          deliveries.push({ status: 0, acked: false, ms: performance.now() - started });
        }
      };

      const stormStarted = performance.now();
      await mapPool(shuffled(numbers, SEED), ORDERS_IN_FLIGHT, async (no, i) => {
        const xml = captured.get(no) as string;
        // Three copies at once, to both instances (which one gets two alternates).
        await Promise.all(Array.from({ length: COPIES }, (_, c) => deliver(services[(i + c) % 2] as ServiceProcess, xml)));
      });
      const stormMs = performance.now() - stormStarted;

      const after = await Promise.all(services.map((s) => scrapeMetrics(s.baseUrl)));
      const delta = (verdict: string): number =>
        after.reduce(
          (sum, m, i) =>
            sum +
            metric(m, 'wxpay_notify_total', { verdict }) -
            metric(before[i] as Map<string, number>, 'wxpay_notify_total', { verdict }),
          0,
        );
      const latencies = deliveries.map((d) => d.ms);
      const statuses: Record<string, number> = {};
      for (const d of deliveries) statuses[d.status] = (statuses[d.status] ?? 0) + 1;
      const summary = {
        storm: {
          orders: ORDERS,
          notifies: deliveries.length,
          instances: services.length,
          inFlight: ORDERS_IN_FLIGHT * COPIES,
          setupMs,
          stormMs: Math.round(stormMs),
          notifiesPerSecond: Math.round((deliveries.length / stormMs) * 1000 * 10) / 10,
          latencyMs: {
            p50: Math.round(percentile(latencies, 50)),
            p99: Math.round(percentile(latencies, 99)),
            max: Math.round(Math.max(...latencies)),
          },
          statuses,
          acked: deliveries.filter((d) => d.acked).length,
          verdicts: { recorded: delta('recorded'), duplicate: delta('duplicate'), error: delta('error') },
        },
      };
      console.log(JSON.stringify(summary));

      expect(deliveries).toHaveLength(ORDERS * COPIES);
      expect(deliveries.filter((d) => d.status >= 500 || d.status === 0)).toEqual([]);
      expect(summary.storm.acked).toBe(ORDERS * COPIES);
      // Each payment recorded once (by a notify, or by reconciliation if it got there first); the rest were duplicates.
      expect(delta('recorded')).toBeLessThanOrEqual(ORDERS);
      expect(delta('recorded') + delta('duplicate')).toBe(ORDERS * COPIES);

      const placeholders = numbers.map(() => '?').join(',');
      const statusRows = await db.exec(
        `SELECT paid_status, COUNT(*) AS n FROM shop_goods_order WHERE out_trade_no IN (${placeholders}) GROUP BY paid_status`,
        numbers,
      );
      expect(statusRows.map((r) => [r.paid_status, Number(r.n)])).toEqual([['SUCC', ORDERS]]);
      const billed = await db.exec(
        `SELECT COUNT(*) AS n FROM shop_goods_order WHERE out_trade_no IN (${placeholders}) AND bill_no REGEXP '^[0-9]{28}$'`,
        numbers,
      );
      expect(Number(billed[0]?.n)).toBe(ORDERS);
      const events = await db.exec(
        `SELECT COUNT(*) AS n, COUNT(DISTINCT out_trade_no) AS orders, COUNT(DISTINCT event_id) AS ids FROM payment_event_outbox WHERE type = 'OrderPaid' AND out_trade_no IN (${placeholders})`,
        numbers,
      );
      expect(events.map((r) => [Number(r.n), Number(r.orders), Number(r.ids)])).toEqual([[ORDERS, ORDERS, ORDERS]]);
      const others = await db.exec(`SELECT COUNT(*) AS n FROM payment_event_outbox WHERE type <> 'OrderPaid'`);
      expect(Number(others[0]?.n)).toBe(0);
      for (const s of services) {
        expect(s.child.exitCode).toBeNull();
        expect((await fetch(`${s.baseUrl}/healthz`)).status).toBe(200);
      }
    },
    60_000 + ORDERS * 600,
  );
});
