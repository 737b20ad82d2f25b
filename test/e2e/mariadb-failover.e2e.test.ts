/**
 * A MariaDB failover under the running service (issue 25 #2), with the real parts: two private mariadbd servers in
 * primary/replica replication, a TCP switch in front of them as the service's one database address, the service as
 * its own process and the WeChat Pay simulator paying and notifying. The shared MariaDB is not touched.
 *
 * The failover goes as a managed switchover or a cloud database's failover shows to a client: the primary turns
 * read-only (writes refused with error 1290), the replica is promoted, the address leads to it while connections
 * opened before stay with the demoted primary, then the old primary dies and those connections drop.
 *
 * Reconciliation is off (one run an hour): only notifies settle orders here, so an order that a notify acknowledged
 * without committing would stay unpaid (WeChat stops retrying once acknowledged) and the test would fail.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeIfAvailable } from '../support/integration.js';
import { MiniProgramUser, postJson, type PaymentParams } from '../support/mini-program.js';
import { mariadbBinariesUnavailable, startReplicatedPair, type ReplicatedPair } from '../support/private-mariadb.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { AdminClient, OffsetClock, until } from '../support/service-ops.js';
import { startSwitchableProxy, type SwitchableProxy } from '../support/switchable-proxy.js';
import { startSandbox, type Sandbox } from '../support/wechat-sandbox.js';

const ADMIN_TOKEN = 'failover-e2e-admin-token-0123456789';
const SESSION_SECRET = 'failover-e2e-session-secret-0123456789abcdef';
const DATABASE = 'wxpay_failover';
const PASSWORD = 'failover-db-pw-0123';

interface SimDelivery {
  readonly subject: string;
  readonly status: string;
  readonly attempts: number;
  readonly results: readonly string[];
}

const describeWith = describeIfAvailable('mariadbd, mariadb-install-db and mariadb', mariadbBinariesUnavailable());

describeWith('a MariaDB failover under load: read-only, a new primary at the same address, the old one gone', () => {
  let pair: ReplicatedPair;
  let dbSwitch: SwitchableProxy;
  let sandbox: Sandbox;
  let service: ServiceProcess;
  let admin: AdminClient;
  let simUrl: string;

  beforeAll(async () => {
    pair = await startReplicatedPair(DATABASE, 'wxpay', PASSWORD);
    dbSwitch = await startSwitchableProxy(pair.primary.port);
    sandbox = await startSandbox({ clock: new OffsetClock(), timeScale: 0.01 });
    simUrl = `${sandbox.url}/sandbox/wxpay`;
    service = await startService({
      DATABASE_URL: `mysql://wxpay:${PASSWORD}@127.0.0.1:${dbSwitch.port}/${DATABASE}`,
      WECHAT_BASE_URL: simUrl,
      WECHAT_LOGIN_BASE_URL: simUrl,
      RECONCILE_INTERVAL_MS: '3600000',
      ADMIN_TOKEN,
      SESSION_SECRET,
    });
    admin = new AdminClient(service.baseUrl, ADMIN_TOKEN);
  });
  afterAll(async () => {
    await service?.stop();
    await sandbox?.close();
    await dbSwitch?.close();
    await pair?.stop();
  });

  const payAt = (params: PaymentParams): Promise<unknown> =>
    postJson(`${simUrl}/control/pay`, { prepay_id: params.package.replace(/^prepay_id=/, '') });
  const ordersFor = async (count: number): Promise<PaymentParams[]> =>
    Promise.all(
      Array.from({ length: count }, async (_, i) => (await new MiniProgramUser(service.baseUrl, simUrl).login()).prepay(1 + (i % 2))),
    );
  /** The stored status of every order, read from the database the switch leads to (never through orderquery). */
  const allPaid = async (orders: readonly PaymentParams[]): Promise<boolean> => {
    for (const o of orders) if ((await admin.order(o.outTradeNo).catch(() => undefined))?.status !== 'SUCC') return false;
    return true;
  };
  const deliveries = async (orders: readonly PaymentParams[]): Promise<SimDelivery[]> => {
    const all = ((await (await fetch(`${simUrl}/control/notifies`)).json()) as { deliveries: SimDelivery[] }).deliveries;
    const subjects = new Set(orders.map((o) => o.outTradeNo));
    return all.filter((d) => subjects.has(d.subject));
  };
  const alertLines = (): string[] => service.output.filter((line) => line.includes('"alert":true') && line.includes('databaseUnavailable'));

  it('loses no payment, changes no order twice, answers FAIL until committed, and recovers by itself', async () => {
    // Before: a warm pool (several connections open to the primary).
    const before = await ordersFor(6);
    await Promise.all(before.map(payAt));
    expect(await until(() => allPaid(before), Boolean, 30_000, 100)).toBe(true);

    const during = await ordersFor(8);
    const after = await ordersFor(4);

    // 1. The primary refuses writes; the users pay meanwhile and WeChat notifies.
    await pair.primary.sql('SET GLOBAL read_only = ON');
    const faultStarted = Date.now();
    await Promise.all(during.map(payAt));
    await until(
      // Each notify refused twice: WeChat has retried every one at least once while the primary was read-only.
      async () => (await deliveries(during)).filter((d) => d.results.filter((r) => r.startsWith('refused')).length >= 2).length,
      (n) => n >= during.length,
      20_000,
      100,
    );
    const readOnlyAlerts = alertLines().length;

    // 2. The replica is promoted and the address leads to it; connections opened before still reach the demoted one.
    await pair.promoteReplica();
    dbSwitch.switchTo(pair.replica.port);
    const switched = Date.now();
    // A pool that kept handing out its connections to the demoted primary would never get here.
    expect(await until(() => allPaid(during), Boolean, 60_000, 100)).toBe(true);
    const settled = Date.now();

    // 3. The old primary dies: whatever the pool still held to it drops.
    await pair.primary.kill();
    await Promise.all(after.map(payAt));
    expect(await until(() => allPaid(after), Boolean, 60_000, 100)).toBe(true);
    const recovered = Date.now();

    const failed = (await deliveries(during)).flatMap((d) => d.results).filter((r) => r !== 'acked').length;
    console.info(
      `[MariaDB failover] ${during.length} payments during the fault: ${failed} notify deliveries answered FAIL; read-only for ` +
        `${switched - faultStarted} ms; all SUCC ${settled - switched} ms after the switch; after the old primary died, ` +
        `${after.length} new payments SUCC in ${recovered - settled} ms; ${alertLines().length} databaseUnavailable alerts`,
    );

    // Every payment WeChat holds is paid exactly once in the new primary, and acknowledged only after its commit.
    const paid = [...before, ...during, ...after];
    const rows = await pair.replica.sql(
      `SELECT out_trade_no, paid_status FROM ${DATABASE}.shop_goods_order WHERE out_trade_no IN (${paid.map((o) => `'${o.outTradeNo}'`).join(',')})`,
    );
    expect(rows.trim().split('\n').sort()).toEqual(paid.map((o) => `${o.outTradeNo}\tSUCC`).sort());
    const events = await pair.replica.sql(
      `SELECT out_trade_no, COUNT(*) FROM ${DATABASE}.payment_event_outbox WHERE type = 'OrderPaid' GROUP BY out_trade_no HAVING COUNT(*) <> 1`,
    );
    expect(events.trim()).toBe('');
    for (const d of await deliveries(paid)) {
      expect(d.status, d.subject).toBe('acked');
      expect(d.results.at(-1), d.subject).toBe('acked');
      expect(
        d.results.filter((r) => r === 'acked'),
        d.subject,
      ).toHaveLength(1);
    }
    // The notifies during the fault were refused (WeChat's FAIL), so WeChat retried them.
    for (const d of await deliveries(during)) expect(d.results[0], d.subject).toMatch(/^refused: HTTP 200 .*FAIL/);
    // Operators were told while it lasted.
    expect(readOnlyAlerts).toBeGreaterThan(0);
    expect(alertLines().some((line) => line.includes('"failure":"readOnly"'))).toBe(true);
  }, 180_000);
});
