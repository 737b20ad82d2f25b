import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { beijingDayNumber, formatBeijingCompact, parseBeijingCompact } from '../../src/domain/beijing-time.js';

const instants = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }).map((ms) => new Date(Math.floor(ms / 1000) * 1000));

describe('Beijing time', () => {
  it('is UTC+8 all year round', () => {
    expect(formatBeijingCompact(new Date(Date.UTC(2026, 0, 15, 16, 0, 0)))).toBe('20260116000000');
    expect(formatBeijingCompact(new Date(Date.UTC(2026, 6, 1, 15, 59, 59)))).toBe('20260701235959');
  });

  test.prop([instants])('formats to 14 digits and parses back to the same second', (at) => {
    const text = formatBeijingCompact(at);
    expect(text).toMatch(/^\d{14}$/);
    expect(parseBeijingCompact(text)?.getTime()).toBe(at.getTime());
  });

  it.each(['20260230120000', '20261301000000', '2026011512000', '20260115120060', 'abcdefghijklmn'])(
    'refuses %j, which is not a real instant',
    (text) => {
      expect(parseBeijingCompact(text)).toBeUndefined();
    },
  );

  it('changes calendar day at Beijing midnight, not UTC midnight', () => {
    const before = new Date(Date.UTC(2026, 0, 15, 15, 59, 59));
    const after = new Date(Date.UTC(2026, 0, 15, 16, 0, 0));
    expect(beijingDayNumber(after) - beijingDayNumber(before)).toBe(1);
  });
});
