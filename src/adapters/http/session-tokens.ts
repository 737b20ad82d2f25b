import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SessionClaims {
  readonly uid: number;
  readonly expiresAt: number;
}

/**
 * Stateless bearer tokens: `v1.<uid>.<expires unix s>.<HMAC-SHA256>`, so any instance can verify a token without a
 * shared session store. Nothing secret is inside; the signature makes uid and expiry unforgeable.
 */
export class SessionTokens {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    if (secret.length < 32) throw new Error('SESSION_SECRET must be at least 32 characters');
  }

  issue(uid: number): { token: string; expiresIn: number } {
    const expiresAt = this.nowSeconds() + this.ttlSeconds;
    const body = `v1.${uid}.${expiresAt}`;
    return { token: `${body}.${this.sign(body)}`, expiresIn: this.ttlSeconds };
  }

  verify(token: string): SessionClaims | undefined {
    const m = /^(v1\.([1-9]\d{0,15})\.(\d{10}))\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return undefined;
    const [, body, uid, expiresAt, signature] = m as unknown as [string, string, string, string, string];
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    if (Number(expiresAt) <= this.nowSeconds()) return undefined;
    const claims = { uid: Number(uid), expiresAt: Number(expiresAt) };
    return Number.isSafeInteger(claims.uid) ? claims : undefined;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
