import { randomInt } from 'node:crypto';
import type { Random } from '../../application/ports/clock.js';

/** crypto.randomInt rejects modulo bias, unlike `byte % n`; out_trade_no digits must not be guessable. */
export const cryptoRandom: Random = { int: (maxExclusive) => randomInt(maxExclusive) };
