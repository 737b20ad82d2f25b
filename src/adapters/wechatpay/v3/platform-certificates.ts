import { X509Certificate } from 'node:crypto';
import { err, ok, type Result } from '../../../domain/result.js';
import { decryptResource } from './aead-aes-256-gcm.js';
import { isHexSerial, serialKey } from './serial.js';
import { certificateValidity } from './x509-facts.js';

/** One platform certificate from a `/v3/certificates` answer, decrypted and checked. */
export interface DownloadedCertificate {
  /** The certificate's own serial (uppercase hex), which equals the declared serial_no. */
  readonly serialNo: string;
  readonly certificate: X509Certificate;
  readonly pem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export type DownloadRejectionReason =
  'malformedJson' | 'malformedEntry' | 'undecryptable' | 'notACertificate' | 'serialMismatch' | 'noUsableCertificate';

export interface DownloadRejection {
  readonly reason: DownloadRejectionReason;
  readonly detail: string;
}

export interface ParsedDownload {
  readonly certificates: readonly DownloadedCertificate[];
  /** Serials listed but already expired at `now`; WeChat keeps an old certificate listed during rotation. */
  readonly expired: readonly string[];
}

const reject = (reason: DownloadRejectionReason, detail: string): Result<never, DownloadRejection> => err({ reason, detail });

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const isTimestamp = (value: unknown): boolean => typeof value === 'string' && !Number.isNaN(Date.parse(value));

/**
 * Parses `{data:[{serial_no, effective_time, expire_time, encrypt_certificate:{algorithm, nonce, associated_data,
 * ciphertext}}]}` (wechatpay-go `downloadCertificatesResponse`): each certificate must decrypt with the APIv3 key,
 * parse as X.509 and carry the declared serial. One bad entry rejects the whole answer — a partly forged list is not
 * a list to pick from. This says nothing about trust in the answer's *signature*: see certificate-download.
 */
export function parseCertificateDownload(
  body: string | Buffer,
  apiV3Key: string | Buffer,
  now: Date,
): Result<ParsedDownload, DownloadRejection> {
  let json: unknown;
  try {
    json = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    return reject('malformedJson', 'the answer body is not JSON');
  }
  if (!isRecord(json) || !Array.isArray(json.data)) return reject('malformedJson', 'the answer has no data array');

  const certificates: DownloadedCertificate[] = [];
  const expired: string[] = [];
  for (const [index, entry] of json.data.entries()) {
    const where = `data[${index}]`;
    const dated = isRecord(entry) && isTimestamp(entry.effective_time) && isTimestamp(entry.expire_time);
    if (!dated || !isHexSerial(entry.serial_no)) {
      return reject('malformedEntry', `${where} lacks a hex serial_no, effective_time or expire_time`);
    }
    const pem = decryptResource(entry.encrypt_certificate, apiV3Key);
    if (pem === undefined) {
      return reject('undecryptable', `${where} (${entry.serial_no}) does not decrypt with the APIv3 key`);
    }
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(pem);
    } catch {
      return reject('notACertificate', `${where} (${entry.serial_no}) is not an X.509 certificate`);
    }
    if (serialKey(certificate.serialNumber) !== serialKey(entry.serial_no)) {
      const detail = `${where} declares ${entry.serial_no} but holds certificate ${certificate.serialNumber}`;
      return reject('serialMismatch', detail);
    }
    const { notBefore, notAfter } = certificateValidity(certificate);
    if (notAfter.getTime() < now.getTime()) {
      expired.push(certificate.serialNumber);
      continue;
    }
    certificates.push({ serialNo: certificate.serialNumber, certificate, pem, notBefore, notAfter });
  }
  if (certificates.length === 0) return reject('noUsableCertificate', 'the answer lists no unexpired certificate');
  return ok({ certificates, expired });
}
