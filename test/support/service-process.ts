import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

export interface ServiceProcess {
  readonly baseUrl: string;
  readonly port: number;
  /** The admin listener's URL, when ADMIN_PORT is set (ADMIN_PORT=0: a free port). */
  readonly adminUrl?: string;
  readonly child: ChildProcess;
  /** Every log line the service printed so far (JSON lines and the walk-through). */
  readonly output: string[];
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, nothing flushed or closed. */
  kill(): Promise<void>;
}

/** A fresh SQLite file for one service's embedded default. */
export const tempSqliteUrl = (): string => `sqlite:${join(mkdtempSync(join(tmpdir(), 'wxpay-e2e-')), 'wxpay.sqlite')}`;

/**
 * Starts the real service (src/main.ts, through tsx) as its own OS process on a free port and resolves once it
 * listens. Only HTTP crosses the boundary, as in production.
 */
export async function startService(env: Record<string, string> = {}): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
      DATABASE_URL: tempSqliteUrl(),
      // These tests lose notifies on purpose and expect reconciliation's next run to settle them; the minute a prepay_id
      // waits for its notify before reconciliation first asks is reconcile-pending.test.ts's.
      RECONCILE_FIRST_ASK_AFTER_MS: '0',
      // A service on MySQL would keep its sandbox state in the checkout's ./data, shared with every other test.
      ...(env.DATABASE_URL?.startsWith('sqlite:') === false ? { SANDBOX_DATA_DIR: mkdtempSync(join(tmpdir(), 'wxpay-e2e-data-')) } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  let adminPort: number | undefined;
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => {
      // Never leave a half-started service behind (it would outlive the test run).
      child.kill('SIGKILL');
      reject(
        new Error(
          `service did not start in 30 s (is LOG_LEVEL at info or below? the "listening" line is how it is found):\n${output.join('\n')}`,
        ),
      );
    }, 30_000);
    const onLine = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        output.push(line);
        const listening = /"port":(\d+).*"msg":"listening"/.exec(line);
        if (listening) {
          adminPort = Number(/"adminPort":(\d+)/.exec(line)?.[1] ?? Number.NaN);
          clearTimeout(timer);
          resolvePort(Number(listening[1]));
        }
      }
    };
    child.stdout?.on('data', onLine);
    child.stderr?.on('data', onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code} before listening:\n${output.join('\n')}`));
    });
  });

  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    ...(adminPort === undefined || Number.isNaN(adminPort) ? {} : { adminUrl: `http://127.0.0.1:${adminPort}` }),
    child,
    output,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
  };
}
