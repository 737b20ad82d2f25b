import { Money } from '../../domain/money.js';
import { OutTradeNo } from '../../domain/out-trade-no.js';
import { err, ok } from '../../domain/result.js';
import { booleanOf, DIGITS, LIMITS, textOf, tokenOf, wholeNumber, type TextRules } from './input.js';
import type { JsonSchema, Rule } from './schema.js';

/**
 * The kinds of value the HTTP API accepts, each an input.ts parser with its JSON Schema. Where JSON Schema cannot say
 * everything (a digit string's range, trimming), the schema is the looser of the two and its description says the
 * rest: a value the parser accepts always matches the schema (test/adapters/http/input-parsers.props.test.ts).
 */
const rule = <T>(parse: Rule<T>['parse'], schema: JsonSchema, parameterSchema?: JsonSchema): Rule<T> => ({
  parse,
  schema,
  ...(parameterSchema ? { parameterSchema } : {}),
});

/** C0 controls, DEL and C1 controls are refused inside text; whitespace around it is trimmed away first. */
const NO_CONTROL_CHARACTERS = '^\\s*[^\\u0000-\\u001F\\u007F-\\u009F]*\\s*$';

/** A whole number as a JSON integer or as decimal digits (the seed's clients send both); never `1e2`, `[5]`, `" 5"`. */
export function wholeNumberRule(min: number, max: number, extra: JsonSchema = {}): Rule<number> {
  const integer = { type: 'integer', minimum: min, maximum: max, ...extra };
  return rule(
    (v, label) => wholeNumber(v, label, min, max),
    {
      anyOf: [
        integer,
        { type: 'string', pattern: DIGITS.source, description: `the same whole number as decimal digits, ${min} to ${max}` },
      ],
    },
    integer,
  );
}

/** A row id (goods, user): a positive signed 32-bit integer. */
export const ID = wholeNumberRule(1, LIMITS.int32);
/** An amount of money in fen that fits paid_money. */
export const FEN = wholeNumberRule(1, LIMITS.fen);

/** A goods price in fen (the goods table keeps yuan to the fen): 0 is allowed, a price of coins only. */
export const PRICE_IN_FEN: Rule<Money> = {
  ...wholeNumberRule(0, LIMITS.fen),
  parse: (v, label) => {
    const fen = wholeNumber(v, label, 0, LIMITS.fen);
    return fen.ok ? ok(Money.ofFen(fen.value)) : fen;
  },
};

/** Text a person typed: trimmed, not empty, no control characters, at most `max` characters. */
export const text = (rules: TextRules): Rule<string> =>
  rule((v, label) => textOf(v, label, rules), {
    type: 'string',
    minLength: 1,
    maxLength: rules.max,
    pattern: NO_CONTROL_CHARACTERS,
    description: `trimmed; at most ${rules.max} characters; no control characters${
      rules.threeByteUtf8 ? '; nothing beyond U+FFFF (no emoji: the table stores 3-byte UTF-8)' : ''
    }`,
  });

/** A token-like value (an idempotency key, a grant id): printable ASCII, bounded. */
export const token = (max = 64): Rule<string> =>
  rule((v, label) => tokenOf(v, label, max), { type: 'string', minLength: 1, maxLength: max, pattern: `^[\\x21-\\x7e]{1,${max}}$` });

export const BOOLEAN: Rule<boolean> = rule(booleanOf, { type: 'boolean' });

/** A boolean in a query string: `true` or `false`. */
export const QUERY_BOOLEAN: Rule<boolean> = rule(
  (v, label) => (v === 'true' || v === 'false' ? ok(v === 'true') : booleanOf(v, label)),
  { anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', 'false'] }] },
  { type: 'boolean' },
);

/** One of a fixed set of words; `message` is what the old check said, word for word. */
export const oneOf = <T extends string>(values: readonly T[], message: string): Rule<T> =>
  rule((v) => ((values as readonly unknown[]).includes(v) ? ok(v as T) : err(message)), { type: 'string', enum: [...values] });

/** Any non-empty string; `message` when it is not one. */
export const nonEmptyString = (message: string): Rule<string> =>
  rule((v) => (typeof v === 'string' && v !== '' ? ok(v) : err(message)), { type: 'string', minLength: 1 });

/** Free text used only to look something up (an audit subject): taken as it comes. */
export const ANY_TEXT: Rule<string> = rule((v) => ok(String(v)), { type: 'string' });

/** A merchant order number: WeChat's 1 to 32 of `0-9 A-Z a-z _ - * |`. */
/** Our id of a merchant (a slug). */
export const MERCHANT_ID: Rule<string> = rule(
  (v) => (typeof v === 'string' && /^[a-z0-9-]{1,32}$/.test(v) ? ok(v) : err('merchant must be 1 to 32 of a-z 0-9 -')),
  { type: 'string', pattern: '^[a-z0-9-]{1,32}$' },
);

export const OUT_TRADE_NO: Rule<string> = rule(
  (v) => (typeof v === 'string' && OutTradeNo.parse(v) ? ok(v) : err('out_trade_no must be 1 to 32 of 0-9 A-Z a-z _ - * |')),
  { type: 'string', pattern: '^[0-9A-Za-z_\\-*|]{1,32}$' },
);

/** `yyyyMMdd`, as WeChat names its daily bills. */
export const BILL_DATE: Rule<string> = rule((v) => (typeof v === 'string' && /^\d{8}$/.test(v) ? ok(v) : err('date must be yyyyMMdd')), {
  type: 'string',
  pattern: '^\\d{8}$',
});

/** `yyyy-MM-dd`, a Beijing calendar day: its first instant. */
export const BEIJING_DAY: Rule<Date> = rule(
  (value, label) => {
    const m = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
    const at = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - 8 * 3_600_000) : undefined;
    if (!at || Number.isNaN(at.getTime()) || new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10) !== value) {
      return err(`${label} must be a date, yyyy-MM-dd (Beijing)`);
    }
    return ok(at);
  },
  { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
);
