import { formatBeijingDateTime, formatBeijingDay } from '../../domain/beijing-time.js';
import { MAX_FEN } from '../../domain/money.js';

const group = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Fen as yuan with two decimals, by integer arithmetic: 123456 → "¥1,234.56". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${group(String(Math.floor(abs / 100)))}.${String(abs % 100).padStart(2, '0')}`;
}

/** The same, without the currency sign or grouping, for a form field: 123456 → "1234.56". */
export const yuanField = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/**
 * What a person typed as yuan ("12", "12.3", "12.30", "1,234.50", "¥5") → fen, without floats; undefined for anything
 * else (negative, more than two decimals, exponents, over the column's range).
 */
export function parseYuan(text: string): number | undefined {
  const m = /^¥?\s*(\d{1,3}(?:,\d{3})+|\d{1,10})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const whole = Number((m[1] ?? '').replace(/,/g, ''));
  const fen = whole * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) && fen <= MAX_FEN ? fen : undefined;
}

/** Beijing time, `yyyy-MM-dd HH:mm:ss`. */
export function beijingTime(at: Date | undefined): string {
  return !at || Number.isNaN(at.getTime()) ? '—' : formatBeijingDateTime(at);
}

export const beijingDay = formatBeijingDay;

/** `yyyyMMdd` (WeChat's bill dates) → `yyyy-MM-dd`. */
export const billDay = (compact: string): string => `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;

export const count = (n: number): string => group(String(n));
