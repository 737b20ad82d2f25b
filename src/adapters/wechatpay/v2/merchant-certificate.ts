import type { X509Certificate } from 'node:crypto';
import { Socket } from 'node:net';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import type { ClientCertificate } from './client.js';

/** The merchant API certificate as configured: a PKCS#12 file, or a PEM certificate with its key. */
export type CertificateSource =
  | { readonly kind: 'p12'; readonly pfx: Buffer; readonly passphrase: string }
  | { readonly kind: 'pem'; readonly cert: Buffer; readonly key: Buffer };

/** A certificate that opened, belongs to this merchant and is valid now. */
export interface CheckedCertificate {
  readonly tls: ClientCertificate;
  readonly subject: string;
  readonly serialNumber: string;
  readonly validTo: Date;
  readonly daysLeft: number;
}

export type CertificateProblem =
  /** The PKCS#12 passphrase is wrong (WeChat's is the mch_id). */
  | 'wrongPassphrase'
  /** An old PKCS#12 (RC2-40 / 3DES) that OpenSSL 3 refuses: convert it to a PEM pair. */
  | 'legacyPkcs12'
  /** The PEM key is not the key of the PEM certificate. */
  | 'keyMismatch'
  | 'unreadable'
  /** Its subject CN is not the configured mch_id. */
  | 'otherMerchant'
  | 'expired'
  | 'notYetValid';

export class MerchantCertificateError extends Error {
  override readonly name = 'MerchantCertificateError';
  constructor(
    readonly problem: CertificateProblem,
    message: string,
  ) {
    super(message);
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Opens the merchant certificate exactly as the refund's TLS handshake will (OpenSSL, through a secure context), and
 * checks that it is this merchant's (subject CN = mch_id, as WeChat issues them) and valid at `now`. Done at start-up,
 * so a missing, broken or expired certificate stops the service instead of failing the first refund days later.
 */
export function checkMerchantCertificate(source: CertificateSource, mchId: string, now: Date): CheckedCertificate {
  const tls: ClientCertificate =
    source.kind === 'p12' ? { pfx: source.pfx, passphrase: source.passphrase } : { cert: source.cert, key: source.key };
  const certificate = certificateOf(openContext(tls));
  const cn = /^CN=(.*)$/m.exec(certificate.subject)?.[1];
  if (cn !== mchId) {
    throw new MerchantCertificateError('otherMerchant', `the certificate is for merchant ${cn ?? '(no CN)'}, not mch_id ${mchId}`);
  }
  const validFrom = new Date(certificate.validFrom);
  const validTo = new Date(certificate.validTo);
  if (now < validFrom) throw new MerchantCertificateError('notYetValid', `the certificate is valid only from ${validFrom.toISOString()}`);
  if (now >= validTo) throw new MerchantCertificateError('expired', `the certificate expired on ${validTo.toISOString()}`);
  return {
    tls,
    subject: certificate.subject.replaceAll('\n', ', '),
    serialNumber: certificate.serialNumber,
    validTo,
    daysLeft: Math.floor((validTo.getTime() - now.getTime()) / DAY_MS),
  };
}

function openContext(tls: ClientCertificate): SecureContext {
  try {
    return createSecureContext(tls);
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (/mac verify failure/i.test(message ?? '')) {
      throw new MerchantCertificateError('wrongPassphrase', 'the passphrase does not open the PKCS#12 file');
    }
    if (code === 'ERR_CRYPTO_UNSUPPORTED_OPERATION' || /unsupported/i.test(message ?? '')) {
      throw new MerchantCertificateError(
        'legacyPkcs12',
        'the PKCS#12 file uses an old encryption OpenSSL 3 no longer reads; use apiclient_cert.pem + apiclient_key.pem instead ' +
          '(or convert: openssl pkcs12 -legacy -in apiclient_cert.p12 -nodes -out apiclient.pem)',
      );
    }
    if (code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH' || /key values mismatch/i.test(message ?? '')) {
      throw new MerchantCertificateError('keyMismatch', 'the private key is not the key of the certificate');
    }
    throw new MerchantCertificateError('unreadable', `unreadable: ${message ?? String(error)}`);
  }
}

/** The certificate a secure context presents: read through an unconnected TLS socket, the documented way. */
function certificateOf(context: SecureContext): X509Certificate {
  const socket = new TLSSocket(new Socket(), { secureContext: context, isServer: true });
  try {
    const certificate = socket.getX509Certificate();
    if (!certificate) throw new MerchantCertificateError('unreadable', 'no certificate in it');
    return certificate;
  } finally {
    socket.destroy();
  }
}
