import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { beijingTime, parseYuan, yuan, yuanField } from '../../../src/adapters/console/format.js';
import { translator } from '../../../src/adapters/console/i18n.js';
import { MAX_FEN } from '../../../src/domain/money.js';

describe('money and time as operators read them', () => {
  it('shows fen as yuan with two decimals and grouped thousands', () => {
    expect([0, 1, 10, 99, 100, 1900, 123_456, 100_000_000, MAX_FEN].map(yuan)).toEqual([
      '¥0.00',
      '¥0.01',
      '¥0.10',
      '¥0.99',
      '¥1.00',
      '¥19.00',
      '¥1,234.56',
      '¥1,000,000.00',
      '¥21,474,836.47',
    ]);
  });

  test.prop([fc.integer({ min: 0, max: MAX_FEN })])('reads back exactly what it shows, in either form', (fen) => {
    expect(parseYuan(yuanField(fen))).toBe(fen);
    expect(parseYuan(yuan(fen))).toBe(fen);
  });

  it('reads what people type as yuan, without floats, and refuses anything else', () => {
    expect(['5', '5.0', '5.00', '0.1', '0.07', '1,234.5', ' 12 '].map(parseYuan)).toEqual([500, 500, 500, 10, 7, 123_450, 1200]);
    for (const bad of ['', '-1', '1.001', '1e3', '0x10', '1.', '.5', '1,23', 'NaN', '21474837', '１２']) {
      expect(parseYuan(bad)).toBeUndefined();
    }
    // 0.1 + 0.2 style errors cannot happen: 0.29 is 29 fen, not 28.999…
    expect(parseYuan('0.29')).toBe(29);
    expect(parseYuan('1.15')).toBe(115);
  });

  it('shows times in Beijing time whatever the server zone', () => {
    expect(beijingTime(new Date(Date.UTC(2026, 0, 15, 16, 30, 5)))).toBe('2026-01-16 00:30:05');
    expect(beijingTime(undefined)).toBe('—');
  });

  it('has every label in both languages', () => {
    const zh = translator('zh');
    const en = translator('en');
    expect(zh('nav.orders')).toBe('订单');
    expect(en('nav.orders')).toBe('Orders');
    expect(en('refund.badAmount', { max: '19.00' })).toBe('The amount must be from 0.01 to 19.00 yuan');
  });
});
