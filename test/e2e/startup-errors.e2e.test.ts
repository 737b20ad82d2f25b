import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merchantCertificate } from '../support/merchant-certificates.js';
import { startService, tempSqliteUrl } from '../support/service-process.js';

const run = promisify(execFile);

/** Runs an entry point the way `npm start` / `npm run sandbox` do; resolves with its exit code and output. */
async function start(entry: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', entry], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Issue "What a real v2 merchant hits", item 11: start-up errors name the thing that failed, without a stack trace. */
describe('start-up errors', () => {
  let busy: Server;
  let busyPort = 0;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);

  it('PORT=abc: the variable and what it must be', async () => {
    const { code, stderr } = await start('src/main.ts', { PORT: 'abc' });
    expect(code).toBe(2);
    expect(stderr).toContain('PORT: must be an integer from 0 to 65535');
    noStack(stderr);
  });

  it('a port in use: which port, on which address', async () => {
    const { code, stderr } = await start('src/main.ts', { PORT: String(busyPort), DATABASE_URL: tempSqliteUrl() });
    expect(code).toBe(1);
    expect(stderr).toContain(`PORT ${busyPort} on 127.0.0.1: already in use by another process`);
    noStack(stderr);
  });

  it('an unreachable database: its URL with the password masked, and why', async () => {
    const port = await closedPort();
    const { code, stderr } = await start('src/main.ts', { PORT: '0', DATABASE_URL: `mysql://shop:s3cret-pw@127.0.0.1:${port}/shop` });
    expect(code).toBe(1);
    expect(stderr).toContain(`database mysql://shop:***@127.0.0.1:${port}/shop: connection refused`);
    expect(stderr).not.toContain('s3cret-pw');
    noStack(stderr);
  });

  it('an unreachable Redis: its URL with the password masked, and why', async () => {
    const port = await closedPort();
    const { code, stderr, stdout } = await start('src/main.ts', {
      PORT: '0',
      DATABASE_URL: tempSqliteUrl(),
      REDIS_URL: `redis://:r3dis-pw@127.0.0.1:${port}`,
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`redis redis://:***@127.0.0.1:${port}: connection refused`);
    expect(stderr + stdout).not.toContain('r3dis-pw');
    noStack(stderr + stdout);
  });

  it('unreachable Sentinels or Cluster nodes: which, and why, without the password', async () => {
    const [a, b] = [await closedPort(), await closedPort()];
    const [sentinel, cluster] = await Promise.all([
      start('src/main.ts', {
        PORT: '0',
        DATABASE_URL: tempSqliteUrl(),
        REDIS_SENTINELS: `127.0.0.1:${a},127.0.0.1:${b}`,
        REDIS_SENTINEL_MASTER: 'wxpay',
        REDIS_PASSWORD: 'r3dis-pw',
      }),
      start('src/main.ts', { PORT: '0', DATABASE_URL: tempSqliteUrl(), REDIS_CLUSTER_NODES: `127.0.0.1:${a}`, REDIS_PASSWORD: 'r3dis-pw' }),
    ]);
    expect(sentinel.code).toBe(1);
    expect(sentinel.stderr).toContain(`redis sentinel wxpay@127.0.0.1:${a},127.0.0.1:${b}: All sentinels are unreachable.`);
    expect(cluster.code).toBe(1);
    expect(cluster.stderr).toContain(`redis cluster 127.0.0.1:${a}: Failed to refresh slots cache`);
    for (const { stdout, stderr } of [sentinel, cluster]) {
      expect(stderr + stdout).not.toContain('r3dis-pw');
      noStack(stderr + stdout);
    }
  });

  describe('the merchant API certificate, checked before anything else', () => {
    const live = {
      PORT: '0',
      WECHAT_GATEWAY: 'wechat',
      WECHAT_APPID: 'wx0123456789abcdef',
      WECHAT_APP_SECRET: 'app-secret',
      WECHAT_MCH_ID: '1900000109',
      WECHAT_API_KEY: 'a'.repeat(32),
      WECHAT_NOTIFY_URL: 'https://shop.example/wechat/pay-notify',
      SESSION_SECRET: 's'.repeat(32),
    };

    it('refuses real WeChat Pay v2 without one, naming the way out', async () => {
      const { code, stderr } = await start('src/main.ts', { ...live, DATABASE_URL: tempSqliteUrl() });
      expect(code).toBe(2);
      expect(stderr).toContain('WECHAT_CERT_PEM: refunds over API v2 need the merchant API certificate');
      expect(stderr).toContain('WECHAT_REFUNDS=disabled');
    });

    it('names a missing file, and a certificate of another merchant', async () => {
      const missing = await start('src/main.ts', {
        ...live,
        DATABASE_URL: tempSqliteUrl(),
        WECHAT_CERT_PEM: '/nonexistent/apiclient_cert.pem',
        WECHAT_KEY_PEM: '/nonexistent/apiclient_key.pem',
      });
      // Issue 21 #5: a configuration problem exits 2, which the systemd unit does not restart.
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('WECHAT_CERT_PEM /nonexistent/apiclient_cert.pem: no such file');

      const other = merchantCertificate({ cn: '1230000109' });
      const foreign = await start('src/main.ts', {
        ...live,
        DATABASE_URL: tempSqliteUrl(),
        WECHAT_CERT_PEM: other.certPath,
        WECHAT_KEY_PEM: other.keyPath,
      });
      expect(foreign.code).toBe(2);
      expect(foreign.stderr).toContain(
        'merchant API certificate, WECHAT_CERT_PEM / WECHAT_KEY_PEM: the certificate is for merchant 1230000109, not mch_id 1900000109',
      );
      noStack(foreign.stderr);
    });

    it('warns a month before it expires, and counts the days in a metric', async () => {
      const soon = merchantCertificate({ cn: '10000100', days: 20 }); // the sandbox merchant
      const service = await startService({ DATABASE_URL: tempSqliteUrl(), WECHAT_CERT_PEM: soon.certPath, WECHAT_KEY_PEM: soon.keyPath });
      try {
        expect(service.output.join('\n')).toContain('the merchant API certificate expires in 18 days');
        const metrics = await (await fetch(`${service.baseUrl}/metrics`)).text();
        expect(metrics).toMatch(/^wxpay_merchant_certificate_days_left 18$/m);
      } finally {
        await service.stop();
      }
    });
  });

  it.each(['abc', '70000', '-1'])('npm run sandbox with SANDBOX_PORT=%s', async (value) => {
    const { code, stderr } = await start('src/sandbox/cli.ts', { SANDBOX_PORT: value, SANDBOX_DATA_DIR: '/tmp' });
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(`wxpay sandbox: SANDBOX_PORT must be an integer from 0 to 65535 (got "${value}")`);
  });
});
