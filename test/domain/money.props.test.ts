import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MAX_FEN, Money } from '../../src/domain/money.js';

describe('Money', () => {
  test.prop([fc.integer({ min: 0, max: MAX_FEN })])('accepts every integer fen amount in range', (fen) => {
    expect(Money.ofFen(fen).fen).toBe(fen);
    expect(Money.parseFen(String(fen))?.fen).toBe(fen);
  });

  test.prop([
    fc.oneof(
      fc.integer({ max: -1 }),
      fc.maxSafeNat().filter((n) => n > MAX_FEN),
      fc.double({ noInteger: true }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 2),
    ),
  ])('refuses negatives, fractions, non-finite and oversized amounts', (fen) => {
    expect(() => Money.ofFen(fen)).toThrow(RangeError);
  });

  it.each(['0x64', '1e2', '100.0', ' 100', '100 ', '-1', '+100', '0100', '', '１００', '2147483648', '99999999999'])(
    'never coerces the wire value %j into an amount',
    (text) => {
      expect(Money.parseFen(text)).toBeUndefined();
    },
  );

  test.prop([fc.integer({ min: 0, max: MAX_FEN }), fc.integer({ min: 0, max: MAX_FEN })])('compares by value', (a, b) => {
    expect(Money.ofFen(a).equals(Money.ofFen(b))).toBe(a === b);
  });
});
