import { readFileSync } from 'node:fs';
import type { Clock } from '../../src/application/ports/clock.js';
import type { Envelope } from './mini-program.js';

/** WeChat's only "stop retrying" answer (digest §5.2), written out here rather than imported from the code under test. */
export const ACK = '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `intervalMs` until `done` holds or `timeoutMs` passes; returns the last value either way. */
export async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(intervalMs);
  }
}

/** Prometheus text → `name{labels}` → value (labels as printed, in the registry's order). */
export async function scrapeMetrics(baseUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) values.set(m[1] as string, Number(m[2]));
  }
  return values;
}

/** Sum of one metric over the series whose labels contain every given `k="v"`. */
export function metric(values: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [key, value] of values) {
    const brace = key.indexOf('{');
    if ((brace < 0 ? key : key.slice(0, brace)) !== name) continue;
    if (Object.entries(labels).every(([k, v]) => key.includes(`${k}="${v}"`))) sum += value;
  }
  return sum;
}

export interface AdminOrder {
  readonly outTradeNo: string;
  readonly status: string;
  readonly paidMoney: number;
  readonly billNo: string;
  readonly uid: number;
  readonly needsReview: boolean;
}

/** The admin API (bearer ADMIN_TOKEN): reads orders without asking WeChat, and runs reconciliation on demand. */
export class AdminClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call<T>(method: string, path: string): Promise<{ status: number; body: Envelope<T> }> {
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${this.token}` } });
    return { status: res.status, body: (await res.json()) as Envelope<T> };
  }

  async order(outTradeNo: string): Promise<AdminOrder | undefined> {
    const { status, body } = await this.call<AdminOrder>('GET', `/admin/orders/${outTradeNo}`);
    return status === 200 ? body.data : undefined;
  }

  async ordersOf(uid: number): Promise<AdminOrder[]> {
    const { status, body } = await this.call<AdminOrder[]>('GET', `/admin/orders?uid=${uid}&limit=100`);
    if (status !== 200) throw new Error(`admin orders: ${status} ${JSON.stringify(body)}`);
    return body.data;
  }

  async reconcile(): Promise<unknown> {
    return (await this.call<unknown>('POST', '/admin/reconcile')).body.data;
  }

  /** Polls the stored status (never orderquery) until it is `status`; returns what it saw last. */
  async waitForStatus(outTradeNo: string, status: string, timeoutMs = 10_000, intervalMs = 50): Promise<AdminOrder | undefined> {
    return until(
      () => this.order(outTradeNo),
      (o) => o?.status === status,
      timeoutMs,
      intervalMs,
    );
  }
}

/**
 * Starts this database's uids at a random high number. Lock keys carry the uid (`prepay:{uid:goods:type}`), so suites
 * that run in parallel on the shared Redis with their own scratch databases do not queue on each other's keys.
 */
export async function spreadUids(db: { exec(sql: string): Promise<unknown> }): Promise<void> {
  const base = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
  await db.exec(`ALTER TABLE wx_user AUTO_INCREMENT = ${base}`);
}

/** Nearest-rank percentile of a sample (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Resident set size of a process in bytes (Linux /proc), or NaN when unavailable. */
export function rssOf(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Wall-clock time plus an offset `POST /control/clock` can move forward (as in the standalone simulator). */
export class OffsetClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** Runs `work` over `items` with at most `concurrency` in flight; results in input order. */
export async function mapPool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Fisher–Yates with a seeded LCG, so a failing storm order can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
