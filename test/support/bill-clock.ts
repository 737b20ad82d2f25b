import { postJson } from './mini-program.js';

const HOUR_MS = 3_600_000;

/** When WeChat serves a Beijing day's bills (`yyyyMMdd`): from 10:00 Beijing time the next morning, as the simulator. */
export function billsOutAt(day: string): number {
  const [year, month, date] = [day.slice(0, 4), day.slice(4, 6), day.slice(6, 8)].map(Number) as [number, number, number];
  return Date.UTC(year, month - 1, date + 1, 10) - 8 * HOUR_MS;
}

/**
 * Moves the simulator's business clock (`controlUrl` is its `/control` base) on to a minute after `day`'s bills are
 * out, if it is not there yet. "A day later" is not enough: a payment made before 10:00 Beijing time (02:00 UTC) is
 * still before its bill's hour 24 hours on, so a test that only adds a day fails depending on when it runs.
 */
export async function ensureBillsOut(controlUrl: string, day: string): Promise<void> {
  const { now } = await postJson<{ now: string }>(`${controlUrl}/clock`, { advanceMs: 0 });
  const missing = billsOutAt(day) + 60_000 - Date.parse(now);
  if (missing > 0) await postJson(`${controlUrl}/clock`, { advanceMs: missing });
}
