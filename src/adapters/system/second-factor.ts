import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ChallengeClaim, SignInChallenges, TotpSecrets } from '../../application/ports/operators.js';
import { TOTP_SECRET_BYTES } from '../../domain/totp.js';

/** A key of its own for each use of SESSION_SECRET (HKDF-SHA256): a key for one purpose says nothing of another's. */
function derivedKey(sessionSecret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(sessionSecret, 'utf8'), Buffer.alloc(0), `wxpay-server ${purpose}`, 32));
}

const SEALED = /^v1\.([\w-]{16})\.([\w-]{22,})$/;

/**
 * TOTP secrets sealed with AES-256-GCM under a key derived from SESSION_SECRET, bound to the operator's id (the
 * additional data): a database dump alone reveals no secret, and a sealed secret copied to another operator's row
 * opens nothing. Changing SESSION_SECRET makes every sealed secret unreadable: the operators enrol again.
 */
export class SealedTotpSecrets implements TotpSecrets {
  private readonly key: Buffer;

  constructor(
    sessionSecret: string,
    /** False for a SESSION_SECRET made up at start: what it seals dies with the process. */
    readonly durable: boolean,
  ) {
    this.key = derivedKey(sessionSecret, 'operator TOTP secrets v1');
  }

  newSecret(): Uint8Array {
    return randomBytes(TOTP_SECRET_BYTES);
  }

  seal(operatorId: number, secret: Uint8Array): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(`operator:${operatorId}`, 'utf8'));
    const sealed = Buffer.concat([cipher.update(secret), cipher.final(), cipher.getAuthTag()]);
    return `v1.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
  }

  open(operatorId: number, sealed: string): Uint8Array | undefined {
    const parts = SEALED.exec(sealed);
    if (!parts) return undefined;
    const iv = Buffer.from(parts[1] ?? '', 'base64url');
    const body = Buffer.from(parts[2] ?? '', 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(`operator:${operatorId}`, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
    } catch {
      return undefined;
    }
  }

  readonly hmacSha1 = (key: Uint8Array, message: Uint8Array): Uint8Array => createHmac('sha1', key).update(message).digest();
}

/**
 * `<operator id>.<password changed at>.<expires at>.<HMAC-SHA256>`: what passing the password earned, carried by the
 * browser to the code form. Nothing secret is in it; the MAC (a key derived from SESSION_SECRET) makes it unforgeable.
 */
export class HmacSignInChallenges implements SignInChallenges {
  private readonly key: Buffer;

  constructor(sessionSecret: string) {
    this.key = derivedKey(sessionSecret, 'console sign-in challenge v1');
  }

  issue(claim: ChallengeClaim): string {
    const payload = `${claim.operatorId}.${claim.passwordChangedAt.getTime()}.${claim.expiresAt.getTime()}`;
    return `${payload}.${this.mac(payload)}`;
  }

  read(challenge: string): ChallengeClaim | undefined {
    const parts = /^(\d{1,15})\.(\d{1,15})\.(\d{1,15})\.([\w-]{43})$/.exec(challenge);
    if (!parts) return undefined;
    const payload = `${parts[1]}.${parts[2]}.${parts[3]}`;
    const given = Buffer.from(parts[4] ?? '', 'utf8');
    const expected = Buffer.from(this.mac(payload), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return { operatorId: Number(parts[1]), passwordChangedAt: new Date(Number(parts[2])), expiresAt: new Date(Number(parts[3])) };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload, 'utf8').digest('base64url');
  }
}
