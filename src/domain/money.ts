/**
 * An amount of Chinese yuan in integer fen (分). WeChat's total_fee is integer fen and the seed's paid_money column is a
 * signed 32-bit int, so that is the upper bound; floats never enter the domain.
 */
export const MAX_FEN = 2_147_483_647;

export class Money {
  private constructor(readonly fen: number) {}

  static readonly ZERO = new Money(0);

  static ofFen(fen: number): Money {
    if (!Number.isSafeInteger(fen) || fen < 0 || fen > MAX_FEN) {
      throw new RangeError(`invalid amount: ${String(fen)} fen (an integer from 0 to ${MAX_FEN} is required)`);
    }
    return new Money(fen);
  }

  /**
   * Parses WeChat's decimal digit string exactly. Anything but plain digits ("0x64", "1e2", "100.0", " 100", "-1")
   * is refused rather than coerced, because a coerced amount is how forged notices get through.
   */
  static parseFen(text: string): Money | undefined {
    if (!/^(0|[1-9][0-9]{0,9})$/.test(text)) return undefined;
    const fen = Number(text);
    return fen <= MAX_FEN ? new Money(fen) : undefined;
  }

  isZero(): boolean {
    return this.fen === 0;
  }

  equals(other: Money): boolean {
    return this.fen === other.fen;
  }

  toString(): string {
    return `${this.fen} fen`;
  }
}
