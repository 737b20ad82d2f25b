import type { KeyObject, X509Certificate } from 'node:crypto';
import type { VerificationKeys } from './answer-verifier.js';
import { serialKey } from './serial.js';
import { certificateValidity } from './x509-facts.js';

/** Where trust in a key came from; only `configured*` keys are trust anchors (see certificate-download). */
export type KeyOrigin = 'configuredPublicKey' | 'configuredCertificate' | 'downloadedCertificate';

export interface TrustedKey {
  /** As WeChat writes it in Wechatpay-Serial: uppercase hex serial, or PUB_KEY_ID_…. */
  readonly serial: string;
  readonly key: KeyObject;
  readonly origin: KeyOrigin;
  /** Certificates only; a WeChat Pay public key does not expire. */
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

export const trustPublicKey = (id: string, key: KeyObject): TrustedKey => ({
  serial: id,
  key,
  origin: 'configuredPublicKey',
});

export function trustCertificate(certificate: X509Certificate, origin: 'configuredCertificate' | 'downloadedCertificate'): TrustedKey {
  const { notBefore, notAfter } = certificateValidity(certificate);
  return { serial: certificate.serialNumber, key: certificate.publicKey, origin, notBefore, notAfter };
}

const DAY_MS = 24 * 3600 * 1000;

const validAt = (entry: TrustedKey, now: Date): boolean =>
  (entry.notBefore === undefined || entry.notBefore.getTime() <= now.getTime()) &&
  (entry.notAfter === undefined || now.getTime() <= entry.notAfter.getTime());

/**
 * An immutable set of keys trusted to sign WeChat Pay answers and notifies, keyed by serial identity (hex serials
 * compare case- and leading-zero-insensitively). Adding returns a new store, so a refresh can be computed, checked
 * and swapped in atomically by whoever holds it.
 */
export class PlatformKeyStore {
  private constructor(private readonly entries: ReadonlyMap<string, TrustedKey>) {}

  static readonly EMPTY = new PlatformKeyStore(new Map());

  /** Later entries replace earlier ones with the same serial; entries with an unusable serial are ignored. */
  static of(entries: readonly TrustedKey[]): PlatformKeyStore {
    return PlatformKeyStore.EMPTY.with(entries);
  }

  with(entries: readonly TrustedKey[]): PlatformKeyStore {
    const next = new Map(this.entries);
    for (const entry of entries) {
      const id = serialKey(entry.serial);
      if (id !== undefined) next.set(id, entry);
    }
    return new PlatformKeyStore(next);
  }

  get isEmpty(): boolean {
    return this.entries.size === 0;
  }

  /** Known serials as WeChat writes them, sorted. */
  serials(): string[] {
    return [...this.entries.values()].map((entry) => entry.serial).sort();
  }

  entry(serial: string): TrustedKey | undefined {
    const id = serialKey(serial);
    return id === undefined ? undefined : this.entries.get(id);
  }

  /** The keys usable at `now`: certificates outside their validity period are left out. */
  keysAt(now: Date): VerificationKeys {
    return {
      keyFor: (serial) => {
        const entry = this.entry(serial);
        return entry !== undefined && validAt(entry, now) ? entry.key : undefined;
      },
    };
  }

  /** Certificates still valid at `now` that expire within `days` — refresh (download) before they do. */
  expiringWithin(days: number, now: Date): TrustedKey[] {
    const horizon = now.getTime() + days * DAY_MS;
    return [...this.entries.values()].filter(
      (entry) => entry.notAfter !== undefined && validAt(entry, now) && entry.notAfter.getTime() <= horizon,
    );
  }

  /** A copy without certificates that expired before `now` (public keys never expire). */
  withoutExpired(now: Date): PlatformKeyStore {
    const unexpired = ([, entry]: [string, TrustedKey]): boolean =>
      entry.notAfter === undefined || now.getTime() <= entry.notAfter.getTime();
    return new PlatformKeyStore(new Map([...this.entries].filter(unexpired)));
  }
}
