// Child processes of a bench run: free ports, start/stop with logs in .bench/logs, health polling, RSS sampling.
import { spawn } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A port the OS says is free now (it could be taken before the child binds it; the health check would then fail). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on host:port within 2 s. */
export function reachable(host, port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port, timeout: 2000 });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('timeout', () => {
      sock.destroy();
      resolve(false);
    });
    sock.once('error', () => resolve(false));
  });
}

const children = new Set();

/** Starts `node args…` with exactly `env` (nothing inherited beyond PATH/HOME), output to .bench/logs/<name>.log. */
export function start(name, args, { cwd, env, logDir }) {
  const logFile = join(logDir, `${name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const proc = { name, child, logFile, exited: false };
  child.once('exit', (code, signal) => {
    proc.exited = true;
    proc.exit = signal ?? code;
    children.delete(proc);
  });
  children.add(proc);
  return proc;
}

export const logTail = (proc, lines = 15) => {
  try {
    return readFileSync(proc.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
};

/** Polls GET url until 200: at LOG_LEVEL=warn the service does not log "listening", so this is the readiness signal. */
export async function waitHealthy(proc, url, ms = 60_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (proc.exited) throw new Error(`${proc.name} exited (${proc.exit}) before it was healthy:\n${logTail(proc)}`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).status === 200) return;
    } catch {
      /* not yet */
    }
    await sleep(200);
  }
  throw new Error(`${proc.name} not healthy at ${url} after ${ms} ms:\n${logTail(proc)}`);
}

/** SIGTERM every child still running (each by its own pid), then SIGKILL whatever is left after 5 s. */
export async function stopAll() {
  const running = [...children];
  for (const p of running) p.child.kill('SIGTERM');
  const end = Date.now() + 5000;
  while (running.some((p) => !p.exited) && Date.now() < end) await sleep(100);
  for (const p of running) if (!p.exited) p.child.kill('SIGKILL');
}

const statusKb = (pid, field) => {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Samples a process's VmRSS every 200 ms; `phaseMax()` returns and resets the maximum since the last call, so each
 * phase gets its own peak; `peakMb()` is the kernel's high-water mark (VmHWM) over the whole life of the process.
 */
export function rssSampler(pid) {
  let max = 0;
  const timer = setInterval(() => {
    max = Math.max(max, statusKb(pid, 'VmRSS') ?? 0);
  }, 200);
  timer.unref();
  return {
    phaseMax() {
      const m = Math.max(max, statusKb(pid, 'VmRSS') ?? 0);
      max = 0;
      return Math.round(m / 1024);
    },
    nowMb: () => Math.round((statusKb(pid, 'VmRSS') ?? 0) / 1024),
    peakMb: () => Math.round((statusKb(pid, 'VmHWM') ?? 0) / 1024),
    stop: () => clearInterval(timer),
  };
}

/** User + system CPU time of a process so far, in ms (0 when it cannot be read). */
export function cpuMs(pid) {
  if (pid === undefined) return 0;
  try {
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the whole line.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
/** Linux's USER_HZ, 100 everywhere Node runs. */
const CLOCK_TICKS = 100;

/** The pid of a running process by its command name, or undefined. */
export function pidOf(name) {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** An interrupted run still cleans up, then exits with the signal's conventional status. */
export function cleanUpOnSignal(cleanup) {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ]) {
    process.once(signal, () => {
      console.error(`\nbench: ${signal}, cleaning up`);
      void cleanup().finally(() => process.exit(code));
    });
  }
}

/** Runs fn over items with at most `width` in flight, keeping their order in the results. */
export async function pool(items, width, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}
