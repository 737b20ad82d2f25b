/** China has had no daylight saving time since 1991: Beijing time is always UTC+8. */
const OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `yyyyMMddHHmmss` in Beijing time, the format of out_trade_no and WeChat's time fields. */
export function formatBeijingCompact(at: Date): string {
  const b = new Date(at.getTime() + OFFSET_MS);
  return (
    pad(b.getUTCFullYear(), 4) +
    pad(b.getUTCMonth() + 1) +
    pad(b.getUTCDate()) +
    pad(b.getUTCHours()) +
    pad(b.getUTCMinutes()) +
    pad(b.getUTCSeconds())
  );
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time, as people read it: the console's pages and the operator command line. */
export function formatBeijingDateTime(at: Date): string {
  const c = formatBeijingCompact(at);
  return `${c.slice(0, 4)}-${c.slice(4, 6)}-${c.slice(6, 8)} ${c.slice(8, 10)}:${c.slice(10, 12)}:${c.slice(12, 14)}`;
}

/** Parses WeChat's `yyyyMMddHHmmss` (Beijing time); undefined when it is not a real instant. */
export function parseBeijingCompact(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s) - OFFSET_MS;
  const date = new Date(utc);
  return formatBeijingCompact(date) === text ? date : undefined;
}

/** The number of the Beijing calendar day an instant falls on, counted from 1970-01-01. */
export function beijingDayNumber(at: Date): number {
  return Math.floor((at.getTime() + OFFSET_MS) / DAY_MS);
}

/** WeChat generates a day's trade bill from 09:00 Beijing time the next morning; it can be fetched from 10:00. */
const BILL_READY_HOUR = 10;

/** When the trade bill of a Beijing day (`yyyyMMdd`) can be fetched; undefined for a date that does not exist. */
export function billReadyAt(billDate: string): Date | undefined {
  const day = parseBeijingCompact(`${billDate}000000`);
  return day && new Date(day.getTime() + DAY_MS + BILL_READY_HOUR * 60 * 60 * 1000);
}

/** The first instant of a Beijing calendar day (see beijingDayNumber). */
export const beijingDayStart = (day: number): Date => new Date(day * DAY_MS - OFFSET_MS);

/** `yyyy-MM-dd` of a Beijing calendar day number. */
export function formatBeijingDay(day: number): string {
  const c = formatBeijingCompact(beijingDayStart(day));
  return `${c.slice(0, 4)}-${c.slice(4, 6)}-${c.slice(6, 8)}`;
}
