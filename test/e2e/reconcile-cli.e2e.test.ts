import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniProgramUser, postJson } from '../support/mini-program.js';
import { startService, tempSqliteUrl, type ServiceProcess } from '../support/service-process.js';
import { until } from '../support/service-ops.js';

const run = promisify(execFile);

describe('npm run reconcile (one run from the command line)', () => {
  const env = {
    DATABASE_URL: tempSqliteUrl(),
    RECONCILE_INTERVAL_MS: '3600000',
    RECONCILE_FIRST_ASK_AFTER_MS: '0',
    ADMIN_TOKEN: 'cli-admin-token-0123456789',
  };
  let service: ServiceProcess;
  beforeAll(async () => {
    service = await startService(env);
  });
  afterAll(async () => service?.stop());

  it('finds a payment whose notify WeChat lost and marks the order SUCC', async () => {
    const user = await new MiniProgramUser(service.baseUrl).login();
    const params = await user.prepay(2);
    await postJson(`${service.baseUrl}/sandbox/wxpay/control/faults`, { fault: 'lose', notify: 'payment', count: 1 });
    await user.pay(params);

    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/composition/reconcile-cli.ts'], {
      env: { ...process.env, ...env, PORT: String(service.port), LOG_LEVEL: 'warn' },
      timeout: 60_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { ran: boolean; report: Record<string, number> };
    expect(result).toMatchObject({ ran: true, report: { paid: 1 } });

    const admin = await fetch(`${service.baseUrl}/admin/orders/${params.outTradeNo}`, {
      headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` },
    });
    expect(((await admin.json()) as { data: { status: string } }).data.status).toBe('SUCC');
  });

  it('prints the cause of every error and exits non-zero when WeChat could not be asked', async () => {
    const user = await new MiniProgramUser(service.baseUrl).login();
    const params = await user.prepay(2);
    await postJson(`${service.baseUrl}/sandbox/wxpay/control/faults`, { fault: 'lose', notify: 'payment', count: 1 });
    await user.pay(params);
    await postJson(`${service.baseUrl}/sandbox/wxpay/control/faults`, { fault: 'httpError', api: 'orderquery', count: 20 });
    try {
      const failure = await run(process.execPath, ['--import', 'tsx', 'src/composition/reconcile-cli.ts'], {
        env: { ...process.env, ...env, PORT: String(service.port), LOG_LEVEL: 'warn' },
        timeout: 60_000,
      }).then(
        () => undefined,
        (e: unknown) => e as { code: number; stdout: string; stderr: string },
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stdout.trim().split('\n')).toHaveLength(1);
      const result = JSON.parse(failure?.stdout ?? '{}') as { report: { errors: number; problems: unknown[] } };
      expect(result.report.errors).toBeGreaterThanOrEqual(1);
      expect(result.report.problems).toContainEqual({
        step: 'payments',
        subject: params.outTradeNo,
        cause: expect.stringContaining('HTTP 502'),
      });
      expect(failure?.stderr).toContain(`payments ${params.outTradeNo}: `);
      expect(failure?.stderr).toMatch(/reconciliation finished with \d+ error\(s\)/);

      // The service's own runs log each cause too.
      await fetch(`${service.baseUrl}/admin/reconcile`, { method: 'POST', headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` } });
      const logged = await until(
        async () => service.output.find((line) => line.includes(`reconciliation left ${params.outTradeNo} for the next run`)),
        (line) => line !== undefined,
      );
      expect(logged).toContain('HTTP 502');
    } finally {
      await fetch(`${service.baseUrl}/sandbox/wxpay/control/faults`, { method: 'DELETE' });
    }
  });
});
