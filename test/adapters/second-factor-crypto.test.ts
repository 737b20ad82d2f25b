import { describe, expect, it } from 'vitest';
import { HmacSignInChallenges, SealedTotpSecrets } from '../../src/adapters/system/second-factor.js';

const SECRET = 'second-factor-test-session-secret-0123456789';

describe('SealedTotpSecrets: what wx_operator stores', () => {
  const box = new SealedTotpSecrets(SECRET, true);

  it('opens what it sealed, for that operator only, and nothing under another SESSION_SECRET', () => {
    const secret = box.newSecret();
    expect(secret).toHaveLength(20);
    const sealed = box.seal(7, secret);
    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]{48}$/);
    expect(sealed).not.toContain(Buffer.from(secret).toString('base64url'));
    expect(box.open(7, sealed)).toEqual(Buffer.from(secret));
    expect(box.open(8, sealed)).toBeUndefined();
    expect(new SealedTotpSecrets(`${SECRET}-rotated`, true).open(7, sealed)).toBeUndefined();
    expect(box.seal(7, secret)).not.toBe(sealed);
  });

  it('refuses a sealed value altered anywhere, and anything not of its form', () => {
    const sealed = box.seal(1, box.newSecret());
    for (let i = 3; i < sealed.length; i++) {
      if (sealed[i] === '.') continue;
      const altered = `${sealed.slice(0, i)}${sealed[i] === 'A' ? 'B' : 'A'}${sealed.slice(i + 1)}`;
      expect(box.open(1, altered)).toBeUndefined();
    }
    for (const junk of ['', 'v1..', 'v2.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA', 'plain-secret'])
      expect(box.open(1, junk)).toBeUndefined();
  });
});

describe('HmacSignInChallenges: what the code form carries', () => {
  const challenges = new HmacSignInChallenges(SECRET);
  const claim = { operatorId: 42, passwordChangedAt: new Date(1_700_000_000_000), expiresAt: new Date(1_700_000_300_000) };

  it('reads back what it issued, and nothing another key issued or anyone altered', () => {
    const issued = challenges.issue(claim);
    expect(challenges.read(issued)).toEqual(claim);
    expect(new HmacSignInChallenges(`${SECRET}-other`).read(issued)).toBeUndefined();
    const [id, changed, expires, mac] = issued.split('.');
    expect(challenges.read(`43.${changed}.${expires}.${mac}`)).toBeUndefined();
    expect(challenges.read(`${id}.${changed}.${Number(expires) + 1}.${mac}`)).toBeUndefined();
    expect(challenges.read(`${id}.${changed}.${expires}`)).toBeUndefined();
    expect(challenges.read('')).toBeUndefined();
  });
});
