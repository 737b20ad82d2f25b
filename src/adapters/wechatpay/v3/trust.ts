import type { KeyObject, X509Certificate } from 'node:crypto';
import type { Clock } from '../../../application/ports/clock.js';
import type { VerificationKeys } from './answer-verifier.js';
import { acceptCertificateDownload, type BootstrapPolicy, type DownloadAnswer } from './certificate-download.js';
import { PlatformKeyStore, trustCertificate, trustPublicKey } from './platform-key-store.js';

export interface V3TrustConfig {
  /** Public-key mode: the WeChat Pay public key and its PUB_KEY_ID_…. */
  readonly publicKey?: { readonly id: string; readonly key: KeyObject };
  /** Platform-certificate mode: keep the set current from `/v3/certificates`. */
  readonly platformCertificates?: {
    /** Obtained out of band (trust anchors); may be empty only with the apiv3Key bootstrap. */
    readonly anchors: readonly X509Certificate[];
    readonly bootstrap: BootstrapPolicy;
    readonly apiV3Key: Buffer;
  };
}

export type TrustEvent =
  | { readonly type: 'certificates.refreshed'; readonly added: readonly string[]; readonly trustedBy: string }
  | { readonly type: 'certificates.refused'; readonly reason: string; readonly detail: string }
  | { readonly type: 'certificates.unreachable'; readonly detail: string };

/** Re-download this often, so a certificate WeChat adds for a rotation is known before it signs anything. */
export const REFRESH_INTERVAL_MS = 12 * 3600_000;
/** At most one download per minute however many unknown serials arrive: a forger cannot make us hammer WeChat. */
export const MIN_REFRESH_GAP_MS = 60_000;
/** Refresh hourly while a trusted certificate expires this soon (its successor should be listed by then). */
const EXPIRY_MARGIN_DAYS = 10;
const EXPIRING_REFRESH_MS = 3600_000;

/**
 * The keys API v3 answers and notifies are verified with, shared by the gateway and the notify verifier. Public-key
 * mode is static. Platform-certificate mode starts from configured anchors and grows only through downloads whose
 * signature verifies with a key it already trusts (certificate-download.ts), so a certificate is never believed on
 * the word of the answer that carries it. Downloads happen before first use, every 12 hours, before a certificate
 * expires, and when a message names a serial we do not know — never more than once a minute.
 */
export class V3Trust {
  private store: PlatformKeyStore;
  private lastAttempt: number | undefined;
  private lastSuccess: number | undefined;
  private inflight: Promise<void> | undefined;
  private download: (() => Promise<DownloadAnswer>) | undefined;

  constructor(
    private readonly config: V3TrustConfig,
    private readonly clock: Clock,
    private readonly onEvent: (event: TrustEvent) => void = () => undefined,
  ) {
    const entries = [
      ...(config.publicKey ? [trustPublicKey(config.publicKey.id, config.publicKey.key)] : []),
      ...(config.platformCertificates?.anchors ?? []).map((cert) => trustCertificate(cert, 'configuredCertificate')),
    ];
    this.store = PlatformKeyStore.of(entries);
  }

  get platformMode(): boolean {
    return this.config.platformCertificates !== undefined;
  }

  /** How downloads are made (the gateway's signed GET /v3/certificates); attached once the requester exists. */
  attachDownloader(download: () => Promise<DownloadAnswer>): void {
    this.download = download;
  }

  /**
   * The `Wechatpay-Serial` to send: WeChat signs its answer with the key a request names (digest §12.2, migration).
   * The public key when configured, else the platform certificate that stays valid longest.
   */
  requestSerial(): string | undefined {
    if (this.config.publicKey) return this.config.publicKey.id;
    const now = this.clock.now();
    const valid = this.store.serials().flatMap((serial) => {
      const entry = this.store.entry(serial);
      return entry?.notAfter !== undefined && entry.notAfter > now && (entry.notBefore ?? now) <= now ? [entry] : [];
    });
    valid.sort((a, b) => (b.notAfter?.getTime() ?? 0) - (a.notAfter?.getTime() ?? 0));
    return valid[0]?.serial;
  }

  keys(): VerificationKeys {
    return this.store.keysAt(this.clock.now());
  }

  /** Platform mode: downloads when due. Failures leave the current keys in place (and are reported). */
  async ensureFresh(): Promise<void> {
    if (!this.platformMode) return;
    const now = this.clock.now();
    const age = this.lastSuccess === undefined ? Infinity : now.getTime() - this.lastSuccess;
    const expiring = this.store.expiringWithin(EXPIRY_MARGIN_DAYS, now).length > 0;
    const due = age >= REFRESH_INTERVAL_MS || (expiring && age >= EXPIRING_REFRESH_MS);
    if (due) await this.refresh();
  }

  /** An answer or notify named `serial`: refresh (rate-limited) and say whether it is trusted now. */
  async learn(serial: string): Promise<boolean> {
    if (!this.platformMode) return false;
    await this.refresh();
    return this.keys().keyFor(serial) !== undefined;
  }

  private refresh(): Promise<void> {
    if (this.inflight) return this.inflight;
    const now = this.clock.now().getTime();
    if (this.lastAttempt !== undefined && now - this.lastAttempt < MIN_REFRESH_GAP_MS) return Promise.resolve();
    this.lastAttempt = now;
    this.inflight = this.downloadOnce().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async downloadOnce(): Promise<void> {
    const platform = this.config.platformCertificates;
    if (!platform || !this.download) return;
    let answer: DownloadAnswer;
    try {
      answer = await this.download();
    } catch (error) {
      this.onEvent({ type: 'certificates.unreachable', detail: error instanceof Error ? error.message : String(error) });
      return;
    }
    const now = this.clock.now();
    const accepted = acceptCertificateDownload(this.store, answer, platform.apiV3Key, now, platform.bootstrap);
    if (!accepted.ok) {
      this.onEvent({ type: 'certificates.refused', reason: accepted.error.reason, detail: accepted.error.detail });
      return;
    }
    this.store = accepted.value.store.withoutExpired(now);
    this.lastSuccess = now.getTime();
    this.onEvent({ type: 'certificates.refreshed', added: accepted.value.added, trustedBy: accepted.value.trustedBy });
  }
}
