import { X509Certificate } from 'node:crypto';
import { encryptResource } from '../../../support/v3-resource-sealer.js';
import { signAnswer } from '../../../support/v3-answer-signer.js';
import { createCertificatePem } from '../../../../src/sandbox/identity/x509-builder.js';
import { rsaPair, type RsaPair } from './support.js';

export const API_V3_KEY = 'abcdefghijklmnopqrstuvwxyz012345';
export const NOW = new Date('2026-03-01T00:00:00Z');
export const TS = Math.floor(NOW.getTime() / 1000);

export interface PlatformCert {
  readonly serial: string;
  readonly pem: string;
  readonly certificate: X509Certificate;
  readonly keys: RsaPair;
}

/** A platform certificate (self-signed; chains are not checked offline) on the n-th test key pair. */
export function platformCert(
  serial: string,
  pair: number,
  notBefore = '2025-01-01T00:00:00Z',
  notAfter = '2030-01-01T00:00:00Z',
): PlatformCert {
  const keys = rsaPair(pair);
  const pem = createCertificatePem({
    serialHex: serial,
    subject: [
      ['C', 'CN'],
      ['O', 'Tenpay.com (sandbox)'],
      ['CN', 'Tenpay.com sandbox platform'],
    ],
    subjectPublicKey: keys.publicKey,
    isCa: false,
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
    signingKey: keys.privateKey,
  });
  return { serial, pem, certificate: new X509Certificate(pem), keys };
}

/** The `/v3/certificates` body WeChat would send for these certificates. */
type Entry = Record<string, unknown>;

export function downloadBody(certs: readonly PlatformCert[], overrides: (entry: Entry, index: number) => Entry = (e) => e): string {
  return JSON.stringify({
    data: certs.map((cert, index) =>
      overrides(
        {
          serial_no: cert.serial,
          effective_time: cert.certificate.validFrom,
          expire_time: cert.certificate.validTo,
          encrypt_certificate: encryptResource(cert.pem, API_V3_KEY, `nonce${String(index).padStart(7, '0')}`, 'certificate'),
        },
        index,
      ),
    ),
  });
}

/** The answer as WeChat would sign it with `signer`'s key under `serial`. */
export function signedDownload(body: string, signer: RsaPair, serial: string, ts = TS) {
  return { headers: signAnswer({ serial, privateKey: signer.privateKey }, body, ts, 'Ky8eLcM1Nq2P3r4S5t6U7v8W9x0Y1z2A'), body };
}
