import { err, ok, type Result } from '../../../domain/result.js';
import { verifyAnswer, type AnswerRejectionReason } from './answer-verifier.js';
import { samePublicKey } from './key-material.js';
import { parseCertificateDownload, type DownloadRejectionReason, type DownloadedCertificate } from './platform-certificates.js';
import { PlatformKeyStore, trustCertificate } from './platform-key-store.js';
import { HEADER, headerValue, type RawHeaders } from './wechatpay-headers.js';

/**
 * How the very first platform certificate may come to be trusted, when the store holds no key at all.
 *
 * - `refuse` (default): never. Trust must come from configuration — the WeChat Pay public key, or a platform
 *   certificate obtained out of band (e.g. downloaded once and checked by an operator with `openssl verify` against
 *   WeChat's CertTrustChain.p7b). A download answer is then accepted only if its signature verifies with a key already
 *   in the store, so a certificate is never trusted on the word of the answer that carries it.
 * - `apiv3Key`: what wechatpay-go (`NewCertificateDownloader`, NullValidator) and wechatpay-java
 *   (`RSAAutoCertificateProvider`, empty validator) actually do: the certificates are authentic because they decrypt
 *   under the APIv3 key, a secret only WeChat and the merchant hold. We additionally require the answer to verify with
 *   the downloaded certificate its Wechatpay-Serial names (self-consistency, not trust). Cost: whoever learns the
 *   APIv3 key and can intercept this one download can plant a platform key and forge notifies. Opt-in only.
 */
export type BootstrapPolicy = 'refuse' | 'apiv3Key';

export type CertificateDownloadRejectionReason =
  DownloadRejectionReason | AnswerRejectionReason | 'untrustedSigner' | 'conflictingCertificate';

export interface CertificateDownloadRejection {
  readonly reason: CertificateDownloadRejectionReason;
  readonly detail: string;
}

export interface AcceptedDownload {
  /** The store to use from now on: the previous one plus the downloaded certificates. */
  readonly store: PlatformKeyStore;
  readonly certificates: readonly DownloadedCertificate[];
  /** Serials not trusted before this answer. */
  readonly added: readonly string[];
  readonly expired: readonly string[];
  /** Which rule accepted the answer. */
  readonly trustedBy: 'storedKey' | 'apiv3KeyBootstrap';
}

export interface DownloadAnswer {
  readonly headers: RawHeaders;
  readonly body: string | Buffer;
}

/**
 * Decides whether a `GET /v3/certificates` answer may extend `store`. Order: decrypt and check every certificate;
 * refuse any that reuses a trusted serial with a different key; then the answer's signature must verify with a key
 * the store already trusts at `now` — or, only when the store is empty and the policy is `apiv3Key`, with the
 * downloaded certificate named by Wechatpay-Serial. An answer signed by a serial the store does not know is refused
 * even if it carries that serial's certificate. Pure: returns a new store, never mutates.
 */
export function acceptCertificateDownload(
  store: PlatformKeyStore,
  answer: DownloadAnswer,
  apiV3Key: string | Buffer,
  now: Date,
  bootstrap: BootstrapPolicy = 'refuse',
): Result<AcceptedDownload, CertificateDownloadRejection> {
  const parsed = parseCertificateDownload(answer.body, apiV3Key, now);
  if (!parsed.ok) return parsed;
  const { certificates, expired } = parsed.value;

  for (const downloaded of certificates) {
    const known = store.entry(downloaded.serialNo);
    if (known !== undefined && !samePublicKey(known.key, downloaded.certificate.publicKey)) {
      const detail = `certificate ${downloaded.serialNo} differs from the trusted one with that serial`;
      return err({ reason: 'conflictingCertificate', detail });
    }
  }

  const signer = headerValue(answer.headers, HEADER.serial);
  const bootstrapping = store.isEmpty && bootstrap === 'apiv3Key';
  if (typeof signer === 'string' && store.entry(signer) === undefined && !bootstrapping) {
    const detail = `the answer is signed by ${signer.slice(0, 64)}, which is not a trusted key`;
    return err({ reason: 'untrustedSigner', detail });
  }
  // While bootstrapping, the only keys are the downloaded ones; otherwise only the stored ones, never both.
  const keys = bootstrapping
    ? PlatformKeyStore.of(certificates.map((c) => trustCertificate(c.certificate, 'downloadedCertificate')))
    : store;
  const verified = verifyAnswer(answer.headers, answer.body, keys.keysAt(now), now);
  if (!verified.ok) return err({ reason: verified.error.reason, detail: verified.error.detail });
  const trustedBy: AcceptedDownload['trustedBy'] = bootstrapping ? 'apiv3KeyBootstrap' : 'storedKey';

  const fresh = certificates.filter((c) => store.entry(c.serialNo) === undefined);
  const next = store.with(fresh.map((c) => trustCertificate(c.certificate, 'downloadedCertificate')));
  const added = fresh.map((c) => c.serialNo);
  return ok({ store: next, certificates, added, expired, trustedBy });
}
