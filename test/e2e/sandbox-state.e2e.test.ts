import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MiniProgramUser } from '../support/mini-program.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

/**
 * Issue 12 §15: the sandbox as a tester uses it across restarts. The embedded simulator keeps its state next to the
 * SQLite file, so an order opened before a restart is paid after it; `npm run sandbox` keeps its own in
 * SANDBOX_DATA_DIR; a service pointed at a standalone simulator by WECHAT_BASE_URL alone logs in there too, and its
 * start-up line and walk-through name it.
 */

const ROOT = resolve(import.meta.dirname, '..', '..');
const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const proc of running.splice(0).reverse()) await proc.stop();
});

async function service(env: Record<string, string>): Promise<ServiceProcess> {
  const started = await startService(env);
  running.push(started);
  return started;
}

/** Waits until the service printed its walk-through (it follows the "listening" line). */
async function walkthroughOf(svc: ServiceProcess): Promise<string> {
  const deadline = Date.now() + 5_000;
  while (!svc.output.some((line) => line.includes('/control/pay')) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return svc.output.join('\n');
}

const listeningLine = (svc: ServiceProcess): Record<string, unknown> =>
  JSON.parse(svc.output.find((line) => line.includes('"msg":"listening"')) ?? '{}') as Record<string, unknown>;

interface Standalone {
  readonly url: string;
  readonly port: number;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** `npm run sandbox`'s code path (src/sandbox/cli.ts) as its own process. */
async function standalone(dataDir: string, port = 0): Promise<Standalone> {
  const child: ChildProcess = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['src/sandbox/cli.ts'], {
    cwd: ROOT,
    // The service it calls back listens on http://127.0.0.1: allowed only when asked (WeChat wants https).
    env: {
      ...process.env,
      NODE_ENV: 'development',
      SANDBOX_PORT: String(port),
      SANDBOX_DATA_DIR: dataDir,
      SANDBOX_LOOPBACK_HTTP_NOTIFY: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const deadline = Date.now() + 20_000;
  let url: string | undefined;
  while (!url && Date.now() < deadline && child.exitCode === null) {
    url = /"url":"([^"]+)"/.exec(output)?.[1];
    if (!url) await new Promise((r) => setTimeout(r, 20));
  }
  if (!url) {
    child.kill('SIGKILL');
    throw new Error(`the standalone simulator did not start:\n${output}`);
  }
  const sim: Standalone = {
    url,
    port: Number(new URL(url).port),
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  running.push(sim);
  return sim;
}

const stopped = async (proc: { stop(): Promise<void> }): Promise<void> => {
  running.splice(running.indexOf(proc), 1);
  await proc.stop();
};

describe('the embedded simulator across a restart', () => {
  it('pays, after a restart, an order opened before it: the simulator kept its state next to the SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-sandbox-state-'));
    const env = { DATABASE_URL: `sqlite:${join(dir, 'wxpay.sqlite')}`, SESSION_SECRET: 'sandbox-state-secret-0123456789abcdef' };
    const first = await service(env);
    const banner = await walkthroughOf(first);
    expect(banner).toContain(`(the embedded WeChat Pay simulator at ${first.baseUrl}/sandbox/wxpay)`);
    expect(listeningLine(first).simulator).toEqual({
      kind: 'embedded',
      url: `${first.baseUrl}/sandbox/wxpay`,
      loginUrl: `${first.baseUrl}/sandbox/wxpay`,
    });

    const user = await new MiniProgramUser(first.baseUrl).login();
    const params = await user.prepay(1);
    await stopped(first); // SIGTERM: the state is flushed on the way out

    const stateFile = join(dir, 'wechatpay-simulator-10000100.json');
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(stateFile, 'utf8')).toContain(params.outTradeNo);

    // Same data folder and port (the order's notify_url names it), as `npm start` twice would be.
    const second = await service({ ...env, PORT: String(first.port) });
    expect(second.output.find((line) => line.includes('sandbox simulator state restored'))).toContain('"orders":1');
    const again = new MiniProgramUser(second.baseUrl);
    again.token = user.token;
    await again.pay(params);
    expect(await again.waitForStatus(params.outTradeNo, 'SUCC')).toMatchObject({ outTradeNo: params.outTradeNo, status: 'SUCC' });
  }, 60_000);
});

describe('a service on a standalone simulator (WECHAT_BASE_URL only)', () => {
  it('logs in and pays there, names it at start-up, and the standalone keeps its state across its own restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-standalone-state-'));
    let sim = await standalone(dataDir);
    const svc = await service({ WECHAT_BASE_URL: sim.url, SESSION_SECRET: 'standalone-state-secret-0123456789abcdef' });

    const banner = await walkthroughOf(svc);
    expect(banner).toContain(`(the standalone WeChat Pay simulator at ${sim.url}; this server's own /sandbox/wxpay is not used)`);
    expect(banner).toContain(`curl -s -X POST ${sim.url}/control/code`);
    expect(banner).toContain(`curl -s -X POST ${sim.url}/control/pay`);
    expect(banner).not.toContain(`${svc.baseUrl}/sandbox/wxpay`);
    expect(listeningLine(svc).simulator).toEqual({ kind: 'standalone', url: sim.url, loginUrl: sim.url });

    // The code comes from the standalone, so the login only works if the service redeems it there.
    const user = await new MiniProgramUser(svc.baseUrl, sim.url).login();
    const first = await user.prepay(1);
    await user.pay(first);
    expect(await user.waitForStatus(first.outTradeNo, 'SUCC')).toMatchObject({ status: 'SUCC' });

    const open = await user.prepay(2);
    const { port } = sim;
    await stopped(sim);
    const stateFile = join(dataDir, 'wechatpay-simulator-standalone-10000100.json');
    expect(existsSync(stateFile)).toBe(true);
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);

    sim = await standalone(dataDir, port);
    expect(sim.output()).toContain('sandbox simulator state restored');
    await user.pay(open);
    expect(await user.waitForStatus(open.outTradeNo, 'SUCC')).toMatchObject({ outTradeNo: open.outTradeNo, status: 'SUCC' });
  }, 60_000);
});
