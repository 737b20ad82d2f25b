import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerGroup<R> {
  /** Starts every worker at once; resolves with their results, in the order the configs were given. */
  go(): Promise<R[]>;
  kill(): void;
}

/**
 * Spawns one OS process per config (`node --import tsx <script> <config JSON>`) and waits until all have connected
 * and printed READY, so that GO starts them together.
 */
export async function spawnWorkers<C, R>(script: string, configs: readonly C[], timeoutMs = 60_000): Promise<WorkerGroup<R>> {
  const children: ChildProcess[] = [];
  const results = configs.map((config) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, `file://${ROOT}/`)), JSON.stringify(config)], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    let onReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('READY\n')) onReady();
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const done = new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`worker ${script} timed out; stderr:\n${stderr.slice(-2_000)}`));
      }, timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(timer);
        const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
        if (code === 0 && line) resolve(JSON.parse(line.slice('RESULT '.length)) as R);
        else reject(new Error(`worker ${script} exited ${String(code)}; stderr:\n${stderr.slice(-2_000)}`));
      });
    });
    done.catch(() => onReady()); // a worker that dies before READY must not leave the group waiting
    return { child, ready, done };
  });
  await Promise.all(results.map((r) => r.ready));
  return {
    go: () => {
      for (const { child } of results) child.stdin!.end('GO\n');
      return Promise.all(results.map((r) => r.done));
    },
    kill: () => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
