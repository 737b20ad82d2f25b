import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SessionClaims {
  readonly uid: number;
  /** The mini-program the user signed in to; absent in a token from before mini-programs (the default one's). */
  readonly appId?: string;
  readonly expiresAt: number;
}

/**
 * Stateless bearer tokens, so any instance can verify a token without a shared session store:
 * `v2.<uid>.<appid>.<expires unix s>.<HMAC-SHA256>` binds the user to its mini-program; `v1.<uid>.<expires>.<HMAC>`
 * (issued before mini-programs, and still for a caller that names none) is the default mini-program's. Nothing secret
 * is inside; the signature makes uid, appid and expiry unforgeable.
 */
export class SessionTokens {
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    if (secret.length < 32) throw new Error('SESSION_SECRET must be at least 32 characters');
  }

  issue(uid: number, appId?: string): { token: string; expiresIn: number } {
    const expiresAt = this.nowSeconds() + this.ttlSeconds;
    if (appId !== undefined && !APP_ID.test(appId)) throw new Error('an appid is letters, digits, _ and -, at most 32');
    const body = appId === undefined ? `v1.${uid}.${expiresAt}` : `v2.${uid}.${appId}.${expiresAt}`;
    return { token: `${body}.${this.sign(body)}`, expiresIn: this.ttlSeconds };
  }

  verify(token: string): SessionClaims | undefined {
    const m = /^((?:v1\.([1-9]\d{0,15})|v2\.([1-9]\d{0,15})\.([A-Za-z0-9_-]{1,32}))\.(\d{10}))\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return undefined;
    const [, body, v1Uid, v2Uid, appId, expiresAt, signature] = m as unknown as [
      string,
      string,
      string | undefined,
      string | undefined,
      string | undefined,
      string,
      string,
    ];
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    if (Number(expiresAt) <= this.nowSeconds()) return undefined;
    const uid = Number(v1Uid ?? v2Uid);
    if (!Number.isSafeInteger(uid)) return undefined;
    return appId === undefined ? { uid, expiresAt: Number(expiresAt) } : { uid, appId, expiresAt: Number(expiresAt) };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

const APP_ID = /^[A-Za-z0-9_-]{1,32}$/;
