import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniProgramUser, postJson } from '../support/mini-program.js';
import { startService, tempSqliteUrl, type ServiceProcess } from '../support/service-process.js';

const run = promisify(execFile);

describe('npm run reconcile (one run from the command line)', () => {
  const env = { DATABASE_URL: tempSqliteUrl(), RECONCILE_INTERVAL_MS: '3600000', ADMIN_TOKEN: 'cli-admin-token-0123456789' };
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
});
