import { MAX_COINS } from '../../domain/health-coins.js';
import { MAX_FEN } from '../../domain/money.js';
import { err, ok, type Result } from '../../domain/result.js';

/**
 * The one validation layer between HTTP and the use cases. It knows the ranges of the columns every value ends up
 * in, so nothing a client sends can overflow a column, exhaust an id counter, or reach the database as something it
 * cannot store: a bad value is a 400 that names the field, and nothing changes.
 */
export const LIMITS = {
  /** int(10)/int(11) signed: ids, uids, amounts in fen (shop_goods_order.paid_money). */
  int32: 2_147_483_647,
  fen: MAX_FEN,
  coins: MAX_COINS,
  /** shop_goods_info.name varchar(100) in the seed's 3-byte utf8. */
  goodsName: 100,
  /** shop_goods_info.integral: coins an order may reserve. */
  goodsCoins: 99_999_999,
  pageSize: 100,
} as const;

type Parsed<T> = Result<T, string>;

/** Decimal digits with no sign, no leading zero, no exponent: what a whole number sent as text must look like. */
export const DIGITS = /^(0|[1-9][0-9]{0,15})$/;

/**
 * A whole number given as a JSON number or a string of decimal digits, within [min, max]. Nothing is coerced: not an
 * array (`[5]`), not `"1e2"`, `"5.0"`, `" 5"`, `true` or `null`.
 */
export function wholeNumber(value: unknown, name: string, min: number, max: number): Parsed<number> {
  const n = typeof value === 'number' ? value : typeof value === 'string' && DIGITS.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) return err(`${name} must be a whole number from ${min} to ${max}`);
  return ok(n);
}

/** An id of a row (goods, user): a positive signed 32-bit integer. */
export const idOf = (value: unknown, name: string): Parsed<number> => wholeNumber(value, name, 1, LIMITS.int32);

/** An amount of money in fen that fits paid_money. */
export const fenOf = (value: unknown, name: string): Parsed<number> => wholeNumber(value, name, 1, LIMITS.fen);

/** Absent (undefined, or an empty query value) → undefined; present → parsed. `null` is present, and wrong. */
export function optional<T>(value: unknown, parse: (value: unknown) => Parsed<T>): Parsed<T | undefined> {
  return value === undefined || value === '' ? ok(undefined) : parse(value);
}

// C0 controls, DEL and C1 controls: never meaningful in a name, and NUL breaks SQLite's text handling.
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
// Unpaired UTF-16 surrogates cannot be encoded as UTF-8 at all.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Characters beyond the Basic Multilingual Plane (emoji) take 4 bytes in UTF-8: the seed's utf8 tables hold 3.
const FOUR_BYTE = /[\uD800-\uDBFF][\uDC00-\uDFFF]/;

export interface TextRules {
  readonly max: number;
  /** The column is the seed's 3-byte utf8: refuse what it cannot store rather than let MySQL fail (or mangle it). */
  readonly threeByteUtf8?: boolean;
}

/** Text a person typed: trimmed, non-empty, no control characters, storable in its column. */
export function textOf(value: unknown, name: string, rules: TextRules): Parsed<string> {
  if (typeof value !== 'string') return err(`${name} must be a string`);
  const text = value.trim();
  if (text === '') return err(`${name} must not be empty`);
  if (CONTROL.test(text)) return err(`${name} must not contain control characters`);
  if (LONE_SURROGATE.test(text)) return err(`${name} is not valid Unicode`);
  if (rules.threeByteUtf8 && FOUR_BYTE.test(text))
    return err(`${name} cannot contain emoji or other characters beyond U+FFFF (the table stores 3-byte UTF-8)`);
  if ([...text].length > rules.max) return err(`${name} must be at most ${rules.max} characters`);
  return ok(text);
}

/** A token-like value (an idempotency key, a grant id): printable ASCII only, bounded. */
export function tokenOf(value: unknown, name: string, max = 64): Parsed<string> {
  if (typeof value !== 'string' || !new RegExp(`^[\\x21-\\x7e]{1,${max}}$`).test(value)) {
    return err(`${name} must be 1 to ${max} printable ASCII characters`);
  }
  return ok(value);
}

export function booleanOf(value: unknown, name: string): Parsed<boolean> {
  return typeof value === 'boolean' ? ok(value) : err(`${name} must be true or false`);
}

/** Runs parsers in order and returns the first error, or every value. */
export function all<T extends readonly Parsed<unknown>[]>(
  ...results: T
): Parsed<{ [K in keyof T]: T[K] extends Parsed<infer V> ? V : never }> {
  for (const r of results) if (!r.ok) return r;
  return ok(results.map((r) => (r as { value: unknown }).value) as { [K in keyof T]: T[K] extends Parsed<infer V> ? V : never });
}

export const bodyOf = (body: unknown): Record<string, unknown> =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
