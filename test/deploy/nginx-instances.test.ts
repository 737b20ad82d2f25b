import { afterAll, beforeAll, expect, it } from 'vitest';
import { scratchMariaDb, type ScratchDatabase } from '../support/databases.js';
import { describeIfTool, NGINX, nginxTest } from '../support/deploy-kit.js';
import { describeIfServices, REDIS_URL } from '../support/integration.js';
import { startScaledDeployment, UserThroughNginx, type ScaledDeployment } from '../support/scaled-deployment.js';
import { AdminClient, until } from '../support/service-ops.js';

/**
 * Issue 25 #3: the scale-out layout of README › Deployment with the real parts. Three service processes on one
 * MariaDB database and one Redis behind the shipped nginx site (its upstream's server line becomes three), the
 * simulator as WeChat notifying through nginx. Requests spread over the instances, the background jobs run on one at
 * a time, and an instance killed with SIGKILL costs the users nothing: nginx passes what it could not deliver on.
 */
const describeWithNginx = describeIfTool(NGINX, 'apt-get install -y nginx');
const describeWithServers = await describeIfServices(['mariadb', 'redis']);

const ADMIN_TOKEN = 'instances-e2e-admin-token-0123456789';

describeWithNginx('three instances behind the shipped nginx site', () => {
  describeWithServers('on one MariaDB and one Redis', () => {
    let db: ScratchDatabase;
    let deployment: ScaledDeployment;
    let admin: AdminClient;

    beforeAll(async () => {
      db = await scratchMariaDb('instances');
      deployment = await startScaledDeployment({
        count: 3,
        env: {
          DATABASE_URL: db.url,
          REDIS_URL,
          REDIS_KEY_PREFIX: `wxpay-instances-${process.pid}:`,
          ADMIN_TOKEN,
          SESSION_SECRET: 'instances-e2e-session-secret-0123456789abcdef',
          RECONCILE_INTERVAL_MS: '300',
        },
      });
      admin = new AdminClient(deployment.instances[0]!.adminUrl!, ADMIN_TOKEN);
    }, 120_000);
    afterAll(async () => {
      await deployment?.stop();
      await db?.drop();
    });

    it('passes nginx -t with the three servers', async () => {
      const result = await nginxTest(deployment.prefix);
      expect(result.output).toContain('test is successful');
      expect(result.ok).toBe(true);
    });

    it('spreads the users over the instances, settles their payments through nginx, and runs each job on one at a time', async () => {
      const users = await Promise.all(Array.from({ length: 12 }, () => new UserThroughNginx(deployment).login()));
      const prepays = await Promise.all(users.map((u, i) => u.prepay(1 + (i % 2))));
      expect(prepays.map((p) => p.status)).toEqual(users.map(() => 200));
      // Half pay; the other half stay pending, for the reconciliation job to ask WeChat about on every run.
      await Promise.all(users.slice(0, 6).map((u, i) => u.pay(prepays[i]!.prepayId!)));
      for (const p of prepays.slice(0, 6)) {
        expect(await admin.waitForStatus(p.outTradeNo!, 'SUCC', 30_000, 100)).toMatchObject({ status: 'SUCC' });
      }
      const served = deployment.instances.map(
        (i) => i.output.filter((line) => line.includes('"msg":"request"') && line.includes('"url":"/wechat/')).length,
      );
      expect(
        served.every((n) => n > 0),
        `requests per instance: ${served.join(', ')}`,
      ).toBe(true);

      // Each instance tries the pending job every 300 ms; with the lease, runs never overlap.
      const runs = await until(
        async () =>
          (await db.exec("SELECT started_at, finished_at FROM wx_reconcile_run WHERE kind = 'pending' ORDER BY started_at")).map((r) => ({
            start: Number(r.started_at),
            end: Number(r.finished_at),
          })),
        (rows) => rows.length >= 10,
        30_000,
        200,
      );
      expect(runs.length).toBeGreaterThanOrEqual(10);
      for (let i = 1; i < runs.length; i++)
        expect(runs[i]!.start, `run ${i} starts before run ${i - 1} ends`).toBeGreaterThanOrEqual(runs[i - 1]!.end);
    });

    it('keeps answering when an instance is killed: nginx passes the requests it cannot deliver to the others', async () => {
      const victim = 1;
      await deployment.instances[victim]!.kill();
      const users = await Promise.all(Array.from({ length: 9 }, () => new UserThroughNginx(deployment).login()));
      const prepays = await Promise.all(users.map((u) => u.prepay(1)));
      expect(prepays.map((p) => p.status)).toEqual(users.map(() => 200));
      await Promise.all(users.map((u, i) => u.pay(prepays[i]!.prepayId!)));
      for (const p of prepays) expect(await admin.waitForStatus(p.outTradeNo!, 'SUCC', 30_000, 100)).toMatchObject({ status: 'SUCC' });
      await deployment.restart(victim);
    });
  });
});
