import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_COST, ScryptPasswordHasher } from '../../src/adapters/system/scrypt-password-hasher.js';
import { cryptoSessionSecrets } from '../../src/adapters/system/session-secrets.js';

const hasher = new ScryptPasswordHasher({ N: 1024, r: 8, p: 1 });

describe('ScryptPasswordHasher', () => {
  it('hashes with a fresh salt each time, into a self-describing string that holds no password', async () => {
    const [a, b] = [await hasher.hash('correct horse battery'), await hasher.hash('correct horse battery')];
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
    expect(a).not.toBe(b);
    expect(a).not.toContain('horse');
  });

  it('verifies the right password only', async () => {
    const hash = await hasher.hash('correct horse battery');
    expect(await hasher.verify('correct horse battery', hash)).toBe(true);
    expect(await hasher.verify('correct horse batterY', hash)).toBe(false);
    expect(await hasher.verify('', hash)).toBe(false);
  });

  it('treats the same text in another Unicode normal form as the same password', async () => {
    const hash = await hasher.hash('café-password');
    expect(await hasher.verify('cafe\u0301-password', hash)).toBe(true);
  });

  it('verifies with the cost stored in the hash, so a later, higher default keeps old hashes valid', async () => {
    const old = await hasher.hash('correct horse battery');
    expect(await new ScryptPasswordHasher({ N: 2048, r: 8, p: 1 }).verify('correct horse battery', old)).toBe(true);
    expect(DEFAULT_SCRYPT_COST.N).toBeGreaterThanOrEqual(2 ** 15);
  });

  it('answers false, after doing the work, for no hash or a hash it cannot read', async () => {
    for (const bad of [
      undefined,
      '',
      'plain',
      'scrypt$1024$8$1$c2FsdA$',
      'scrypt$1000$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5',
      'scrypt$4294967296$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5',
      'bcrypt$1024$8$1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5',
    ]) {
      expect(await hasher.verify('correct horse battery', bad)).toBe(false);
    }
  });
});

describe('session secrets', () => {
  it('are 256-bit random tokens stored as their SHA-256', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => cryptoSessionSecrets.newToken()));
    expect(tokens.size).toBe(100);
    const token = [...tokens][0] ?? '';
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(cryptoSessionSecrets.digest(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(cryptoSessionSecrets.digest(token)).toBe(cryptoSessionSecrets.digest(token));
  });
});
