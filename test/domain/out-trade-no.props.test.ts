import { randomInt } from 'node:crypto';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatBeijingCompact } from '../../src/domain/beijing-time.js';
import { newOutTradeNo, OUT_TRADE_NO_LENGTH, OutTradeNo, OutTradeNoGenerator, type PaidScene } from '../../src/domain/out-trade-no.js';

const instants = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }).map((ms) => new Date(ms));
const scenes = fc.constantFrom<PaidScene>('SEMINAR', 'SHOP_GOODS');
const digitStreams = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 10, maxLength: 10 });

describe('out_trade_no', () => {
  test.prop([instants, scenes, digitStreams])(
    'is Beijing time + scene code + 10 random digits, 28 characters, scene readable at offset 14',
    (now, scene, digits) => {
      const queue = [...digits];
      const no = newOutTradeNo(now, scene, () => queue.shift() as number);
      expect(no.value).toHaveLength(OUT_TRADE_NO_LENGTH);
      expect(no.value).toMatch(/^\d{28}$/);
      expect(no.value.slice(0, 14)).toBe(formatBeijingCompact(now));
      expect(no.value.slice(14, 18)).toBe(scene === 'SEMINAR' ? '0001' : '0002');
      expect(no.value.slice(18)).toBe(digits.join(''));
      expect(no.scene).toBe(scene);
      expect(OutTradeNo.parse(no.value)?.equals(no)).toBe(true);
    },
  );

  it('asks the random source for digits only, and refuses anything else it returns', () => {
    const asked: number[] = [];
    newOutTradeNo(new Date(), 'SHOP_GOODS', (n) => {
      asked.push(n);
      return 9;
    });
    expect(asked).toEqual(Array(10).fill(10));
    expect(() => newOutTradeNo(new Date(), 'SHOP_GOODS', () => 10)).toThrow(RangeError);
    expect(() => newOutTradeNo(new Date(), 'SHOP_GOODS', () => 1.5)).toThrow(RangeError);
  });

  it('does not collide in 100,000 draws at one instant with a CSPRNG', () => {
    const now = new Date(Date.UTC(2026, 0, 15, 4, 0, 0));
    const generator = new OutTradeNoGenerator(randomInt);
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(generator.next(now, 'SHOP_GOODS').value);
    expect(seen.size).toBe(100_000);
  });

  it('redraws within the same second when the random source repeats itself', () => {
    const digits = [...('0000000000' + '0000000000' + '0000000001')].map(Number);
    const generator = new OutTradeNoGenerator(() => digits.shift() as number);
    const now = new Date(Date.UTC(2026, 0, 15, 4, 0, 0));
    const first = generator.next(now, 'SHOP_GOODS');
    const second = generator.next(now, 'SHOP_GOODS');
    expect(first.value.slice(18)).toBe('0000000000');
    expect(second.value.slice(18)).toBe('0000000001');
  });

  it.each(['', 'a b', '1'.repeat(33), '订单号', '<xml>', "1' OR 1=1"])('refuses %j as an out_trade_no', (text) => {
    expect(OutTradeNo.parse(text)).toBeUndefined();
  });

  it.each(['0000000000000000000000000000', '1'.repeat(32), 'ORDER_1-2*3|4'])(
    'keeps a foreign number %j exactly as given, without a scene',
    (text) => {
      expect(OutTradeNo.parse(text)?.value).toBe(text);
      if (text.length !== 28) expect(OutTradeNo.parse(text)?.scene).toBeUndefined();
    },
  );

  it('reads no scene from an unknown scene code', () => {
    expect(OutTradeNo.parse('2026011512000099991234567890')?.scene).toBeUndefined();
  });
});
