import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WechatPayV2Gateway } from '../../src/adapters/wechatpay/v2/gateway.js';
import { SAMPLE_MERCHANT } from '../../src/adapters/wechatpay/shared/sample-merchant.js';
import { systemClock } from '../../src/adapters/system/system-clock.js';
import { Money } from '../../src/domain/money.js';
import { afterAll, describe, expect, it } from 'vitest';
import { scratchMariaDb, type ScratchDatabase } from '../support/databases.js';
import { MARIADB_URL, describeIfServices } from '../support/integration.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { sleep } from '../support/service-ops.js';
import { startSwitchableProxy, type SwitchableProxy } from '../support/switchable-proxy.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const describeWith = await describeIfServices(['mariadb']);

describeWith('start-up: an answer from the first accepted connection (checklist 43)', () => {
  let proxy: SwitchableProxy | undefined;
  let db: ScratchDatabase | undefined;
  afterAll(async () => {
    await proxy?.close();
    await db?.drop();
  });

  it('answers 503 while the database is still being opened and migrated, then serves', async () => {
    db = await scratchMariaDb('startup');
    proxy = await startSwitchableProxy(Number(new URL(MARIADB_URL).port || 3306));
    proxy.stall();
    const port = await freePort();
    const url = new URL(db.url);
    url.port = String(proxy.port);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'test',
        DATABASE_URL: url.toString(),
        SANDBOX_DATA_DIR: mkdtempSync(join(tmpdir(), 'wxpay-e2e-data-')),
      },
      stdio: 'ignore',
    });
    try {
      let first: Response | undefined;
      for (let i = 0; i < 100 && !first; i++) {
        first = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
        if (!first) await sleep(100);
      }
      expect(first?.status).toBe(503);
      expect(first?.headers.get('retry-after')).toBe('1');
      proxy.up();
      let status = 0;
      for (let i = 0; i < 200 && status !== 200; i++) {
        status = (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status ?? 0;
        if (status !== 200) await sleep(100);
      }
      expect(status).toBe(200);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('exposure and timeouts (checklist 43, 44)', () => {
  let service: ServiceProcess | undefined;
  afterAll(async () => service?.stop());

  it('listens on loopback in sandbox mode unless told otherwise', async () => {
    service = await startService({ HOST: '', HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000' });
    const listening = service.output.find((line) => line.includes('"msg":"listening"'));
    expect(listening).toContain('"host":"127.0.0.1"');
  });

  it('cuts off a client that never finishes its headers', async () => {
    const socket = connect(service!.port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const started = Date.now();
    const answer = await new Promise<string>((r) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.once('close', () => r(text));
    });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('never POSTs a refund notify to a URL the caller chooses, and bounds clock moves', async () => {
    const control = (path: string, body: unknown) =>
      fetch(`${service!.baseUrl}/sandbox/wxpay/control${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect(
      (await control('/refund-notify', { out_refund_no: 'x', notify_url: 'http://169.254.169.254/latest' })).status,
    ).toBeGreaterThanOrEqual(400);
    expect((await control('/clock', { advanceMs: 1e16 })).status).toBe(400);
    expect((await control('/clock', { advanceMs: 60_000 })).status).toBe(200);
    expect((await fetch(`${service!.baseUrl}/healthz`)).status).toBe(200);
  });

  it('sandbox: notifies only the service, caps the clock in total, refuses WeChat identifiers too long to store', async () => {
    const sim = `${service!.baseUrl}/sandbox/wxpay`;
    const control = (path: string, body: unknown) =>
      fetch(`${sim}/control${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    // unifiedorder's own notify_url: another host is refused, the service's own callback is accepted.
    const prepayWith = (notifyUrl: string) =>
      new WechatPayV2Gateway(
        { ...SAMPLE_MERCHANT, signType: 'MD5', notifyUrl, baseUrl: sim, timeoutMs: 5_000, retries: 0, retryBackoffMs: 1 },
        { clock: systemClock },
      ).createPrepay({
        outTradeNo: `${Date.now()}${Math.floor(Math.random() * 1e6)}`.slice(0, 32),
        description: 'exposure test',
        amount: Money.ofFen(100),
        openid: 'oExposureTest000000000000001',
        clientIp: '127.0.0.1',
        payableUntil: new Date(Date.now() + 3_600_000),
      });
    expect(await prepayWith('http://203.0.113.7/wechat/pay-notify')).toMatchObject({ kind: 'rejected', code: 'PARAM_ERROR' });
    expect(await prepayWith(`${service!.baseUrl}/wechat/pay-notify`)).toMatchObject({ kind: 'created' });

    // 400 days ahead of real time in all, however many requests it takes.
    const day = 24 * 3_600_000;
    expect((await control('/clock', { advanceMs: 390 * day })).status).toBe(200);
    expect((await control('/clock', { advanceMs: 390 * day })).status).toBe(400);
    expect((await control('/clock', { advanceMs: 5 * day })).status).toBe(200);

    // A 100-character openid from jscode2session: a clear refusal, nothing stored.
    const { code } = (await (await control('/code', { openid: 'o'.repeat(100) })).json()) as { code: string };
    const login = await fetch(`${service!.baseUrl}/wechat/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    expect(login.status).toBe(502);
  });
});
