import { randomInt } from 'node:crypto';
import { formatBeijingCompact } from '../../domain/beijing-time.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE64URL = `${BASE62}-_`;

const draw = (alphabet: string, length: number): string => {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
};

/** Shapes follow WeChat's (lengths and prefixes seen in public samples), values are random. */
export const simulatorIds = {
  /** e.g. wx201410272009395522657a690389285100 (36 chars). */
  prepayId: (at: Date): string => `wx${formatBeijingCompact(at)}${draw('0123456789abcdef', 20)}`,
  /** 28 digits starting 4200, like 4200000015201711256947025404. */
  transactionId: (): string => `4200${draw('0123456789', 24)}`,
  /** 29 digits starting 50000, like 50000404922017112502468056157. */
  refundId: (): string => `50000${draw('0123456789', 24)}`,
  /** 28 chars starting with o, like oUpF8uMuAJO_M2pxb1Q9zNjWeS6o. */
  openid: (): string => `o${draw(BASE64URL, 27)}`,
  loginCode: (): string => draw(BASE62, 32),
  sessionKey: (): string => Buffer.from(draw(BASE62, 16)).toString('base64'),
  nonce: (): string => draw(BASE62, 32),
};
