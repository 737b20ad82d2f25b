import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;
const ENTRY = 'src/sandbox/cli.ts';

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

/** Its v3 keys go to a scratch folder, not the checkout's ./data. */
const DATA_DIR = mkdtempSync(join(tmpdir(), 'wxpay-sandbox-'));

function run(env: Record<string, string>): { proc: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const proc = spawn(TSX, [ENTRY], {
    cwd: ROOT,
    env: { ...process.env, SANDBOX_DATA_DIR: DATA_DIR, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  child = proc;
  return { proc, output: () => output, exited };
}

describe('npm run sandbox (standalone simulator)', () => {
  it('refuses to start when NODE_ENV=production', async () => {
    const { exited, output } = run({ NODE_ENV: 'production', SANDBOX_PORT: '0' });
    expect(await exited).toBe(1);
    expect(output()).toMatch(/refuses to start/);
  });

  it('refuses a SANDBOX_LOOPBACK_HTTP_NOTIFY other than 1 or 0, naming it', async () => {
    const { exited, output } = run({ NODE_ENV: 'development', SANDBOX_PORT: '0', SANDBOX_LOOPBACK_HTTP_NOTIFY: 'yes' });
    expect(await exited).toBe(2);
    expect(output()).toContain('SANDBOX_LOOPBACK_HTTP_NOTIFY must be 1 or 0');
  });

  it('serves /sandbox/wxpay on SANDBOX_PORT and stops on SIGTERM', async () => {
    const { proc, output, exited } = run({ NODE_ENV: 'development', SANDBOX_PORT: '0' });
    const deadline = Date.now() + 15_000;
    let url: string | undefined;
    while (!url && Date.now() < deadline) {
      url = /"url":"([^"]+)"/.exec(output())?.[1];
      if (!url) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sandbox\/wxpay$/);
    const res = await fetch(`${url}/control/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ code: expect.any(String), openid: expect.stringMatching(/^o/) });
    // API v3 too, with keys generated at first start in SANDBOX_DATA_DIR and published (public parts) at /control/keys.
    const keys = (await (await fetch(`${url}/control/keys`)).json()) as Record<string, { id?: string } | unknown[]>;
    expect(keys.wechatpay_public_key).toMatchObject({ id: expect.stringMatching(/^PUB_KEY_ID_0110000100/) });
    expect(existsSync(join(DATA_DIR, 'wechatpay-v3-sandbox-10000100.json'))).toBe(true);
    expect((await fetch(`${url}/v3/pay/transactions/jsapi`, { method: 'POST', body: '{}' })).status).toBe(401);
    const clock = await fetch(`${url}/control/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"advanceMs":300000}',
    });
    expect(clock.status).toBe(200);
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 20_000);
});
