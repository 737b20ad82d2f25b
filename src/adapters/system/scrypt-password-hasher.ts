import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PasswordHasher } from '../../application/ports/operators.js';

export interface ScryptCost {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * N=2^15, r=8, p=1: 32 MiB and roughly 50–100 ms per hash on a 2-core server, twice Node's default cost. OWASP's
 * recommendation (N=2^17) needs 128 MiB per concurrent login; each hash records its own cost, so raising this later
 * keeps old hashes verifiable.
 */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;
const PREFIX = 'scrypt';

const derive = (password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });

/**
 * scrypt from node:crypto, a fresh 16-byte salt per password, and a self-describing hash
 * `scrypt$N$r$p$<salt base64url>$<key base64url>`, compared in constant time.
 */
export class ScryptPasswordHasher implements PasswordHasher {
  private readonly dummySalt = randomBytes(SALT_BYTES);

  constructor(private readonly cost: ScryptCost = DEFAULT_SCRYPT_COST) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, this.cost);
    const { N, r, p } = this.cost;
    return [PREFIX, N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  async verify(password: string, hash: string | undefined): Promise<boolean> {
    const parsed = hash === undefined ? undefined : parse(hash);
    if (!parsed) {
      // An unknown name (or a hash this code cannot read) costs what a known one does.
      await derive(password, this.dummySalt, this.cost);
      return false;
    }
    const key = await derive(password, parsed.salt, parsed.cost);
    return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
  }
}

function parse(hash: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | undefined {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const sane = Number.isSafeInteger(N) && N >= 2 && N <= 2 ** 20 && (N & (N - 1)) === 0 && r >= 1 && r <= 32 && p >= 1 && p <= 16;
  if (!sane) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  return salt.length >= 8 && key.length >= 16 ? { cost: { N, r, p }, salt, key } : undefined;
}
