import { formatBeijingCompact } from './beijing-time.js';

export type PaidScene = 'SEMINAR' | 'SHOP_GOODS';

const SCENE_CODE: Record<PaidScene, string> = { SEMINAR: '0001', SHOP_GOODS: '0002' };
const SCENE_BY_CODE: Readonly<Record<string, PaidScene>> = { '0001': 'SEMINAR', '0002': 'SHOP_GOODS' };

const RANDOM_DIGITS = 10;
export const OUT_TRADE_NO_LENGTH = 14 + 4 + RANDOM_DIGITS;

/**
 * WeChat's rule for a merchant order number: up to 32 of digits, letters, `_ - * |`. Numbers created by other systems
 * sharing the table are matched by this, not by our own 28-digit shape, and always as exact strings.
 */
const WECHAT_SHAPE = /^[0-9A-Za-z_\-*|]{1,32}$/;

export class OutTradeNo {
  private constructor(readonly value: string) {}

  static parse(text: string): OutTradeNo | undefined {
    return WECHAT_SHAPE.test(text) ? new OutTradeNo(text) : undefined;
  }

  /** The payment scene encoded at offset 14 (the notify path routes by it); undefined for foreign numbers. */
  get scene(): PaidScene | undefined {
    if (!/^\d{28}$/.test(this.value)) return undefined;
    return SCENE_BY_CODE[this.value.slice(14, 18)];
  }

  equals(other: OutTradeNo): boolean {
    return this.value === other.value;
  }

  toString(): string {
    return this.value;
  }
}

/**
 * Seed format: Beijing `yyyyMMddHHmmss` + 4-digit scene code + 10 random digits = 28 characters.
 * `randomInt(10)` must come from a CSPRNG in production (crypto.randomInt is unbiased); the domain only consumes it.
 */
export function newOutTradeNo(now: Date, scene: PaidScene, randomInt: (maxExclusive: number) => number): OutTradeNo {
  let tail = '';
  for (let i = 0; i < RANDOM_DIGITS; i++) {
    const digit = randomInt(10);
    if (!Number.isInteger(digit) || digit < 0 || digit > 9) throw new RangeError(`random digit out of range: ${digit}`);
    tail += String(digit);
  }
  return OutTradeNo.parse(formatBeijingCompact(now) + SCENE_CODE[scene] + tail) as OutTradeNo;
}

/**
 * Draws one process's numbers. Ten random digits give 10^10 numbers per second and scene, so by the birthday bound
 * 100,000 independent draws within one second collide with probability 1 − e^(−0.5) ≈ 39%. Remembering the current
 * second's draws makes a collision inside the process impossible; between processes the unique index catches the
 * rare clash and the caller draws again.
 */
export class OutTradeNoGenerator {
  private second = '';
  private readonly issued = new Set<string>();

  constructor(private readonly randomInt: (maxExclusive: number) => number) {}

  next(now: Date, scene: PaidScene): OutTradeNo {
    const stamp = formatBeijingCompact(now);
    if (stamp !== this.second) {
      this.second = stamp;
      this.issued.clear();
    }
    for (;;) {
      const no = newOutTradeNo(now, scene, this.randomInt);
      if (!this.issued.has(no.value)) {
        this.issued.add(no.value);
        return no;
      }
    }
  }
}
