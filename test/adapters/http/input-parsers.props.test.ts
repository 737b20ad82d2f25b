import { fc, test } from '@fast-check/vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect } from 'vitest';
import { BOOLEAN, FEN, ID, text, token, wholeNumberRule, PRICE_IN_FEN } from '../../../src/adapters/http/input-parsers.js';
import type { Rule } from '../../../src/adapters/http/schema.js';

const ajv = new Ajv2020({ strict: false });

/** Values clients really send, and the hostile near-misses: numbers, digit strings, exponents, arrays, padding. */
const anyInput = fc.oneof(
  fc.integer({ min: -5, max: 3_000_000_000 }),
  fc.double({ noNaN: false }),
  fc.integer({ min: 0, max: 3_000_000_000 }).map(String),
  fc.constantFrom('1e2', '5.0', ' 5', '05', '-1', '', '0x10', 'true', '１２'),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
);

/**
 * The document's JSON Schema is generated from the same rule the route parses with: whatever the parser accepts the
 * schema accepts too, so a client following the document is never refused for a value the service would take.
 * For non-string values (where JSON Schema can say everything) the two agree exactly.
 */
describe.each<[string, Rule<unknown>]>([
  ['ID', ID],
  ['FEN', FEN],
  ['coins', wholeNumberRule(1, 1_000_000_000)],
  ['PRICE_IN_FEN', PRICE_IN_FEN],
  ['token(32)', token(32)],
  ['text(80)', text({ max: 80 })],
  ['BOOLEAN', BOOLEAN],
])('%s: parser and schema agree', (_name, rule) => {
  const validate = ajv.compile(rule.schema);
  test.prop([anyInput])('parser accepts ⇒ schema accepts; exact for non-strings', (value) => {
    const parsed = rule.parse(value, 'x').ok;
    if (parsed) expect(validate(value)).toBe(true);
    if (typeof value !== 'string') expect(validate(value)).toBe(parsed);
  });
});
