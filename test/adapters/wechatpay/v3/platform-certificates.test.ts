import { describe, expect, it } from 'vitest';
import { encryptResource } from '../../../support/v3-resource-sealer.js';
import { parseCertificateDownload } from '../../../../src/adapters/wechatpay/v3/platform-certificates.js';
import { API_V3_KEY, NOW, downloadBody, platformCert } from './platform-fixtures.js';

const A = platformCert('5157F09EFDC096DE15EBE81A47057A7232F1B8E1', 2);
const B = platformCert('7132D72A03E93CDDF8C03BBD1F37EEDF8E6F7AB3', 3);

const reasonOf = (body: string, key = API_V3_KEY) => {
  const result = parseCertificateDownload(body, key, NOW);
  return result.ok ? 'ok' : result.error.reason;
};

describe('parseCertificateDownload (GET /v3/certificates)', () => {
  it('decrypts every certificate with the APIv3 key and checks serial and validity', () => {
    const result = parseCertificateDownload(downloadBody([A, B]), API_V3_KEY, NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.certificates.map((c) => c.serialNo)).toEqual([A.serial, B.serial]);
    expect(result.value.certificates[0]?.pem).toBe(A.pem);
    expect(result.value.certificates[0]?.notAfter).toEqual(new Date('2030-01-01T00:00:00Z'));
    expect(result.value.expired).toEqual([]);
  });

  it('accepts a lowercase declared serial and a Buffer body', () => {
    const body = downloadBody([A], (entry) => ({ ...entry, serial_no: A.serial.toLowerCase() }));
    expect(parseCertificateDownload(Buffer.from(body), API_V3_KEY, NOW).ok).toBe(true);
  });

  it('drops certificates that already expired and says so; none left is a rejection', () => {
    const old = platformCert('0A', 4, '2020-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
    const result = parseCertificateDownload(downloadBody([old, A]), API_V3_KEY, NOW);
    expect(result.ok && result.value.expired).toEqual(['0A']);
    expect(result.ok && result.value.certificates.map((c) => c.serialNo)).toEqual([A.serial]);
    expect(reasonOf(downloadBody([old]))).toBe('noUsableCertificate');
    expect(reasonOf('{"data":[]}')).toBe('noUsableCertificate');
  });

  it('keeps a certificate that is not valid yet: WeChat announces the next one before switching', () => {
    const next = platformCert('0B', 4, '2026-06-01T00:00:00Z', '2031-06-01T00:00:00Z');
    expect(reasonOf(downloadBody([next]))).toBe('ok');
  });

  it.each([
    ['not JSON', 'malformedJson', () => '<html>'],
    ['no data array', 'malformedJson', () => '{"data":{}}'],
    ['a non-hex serial', 'malformedEntry', () => downloadBody([A], (e) => ({ ...e, serial_no: 'PUB_KEY_ID_01' }))],
    ['a missing expire_time', 'malformedEntry', () => downloadBody([A], ({ expire_time: _x, ...e }) => e)],
    ['an unparsable effective_time', 'malformedEntry', () => downloadBody([A], (e) => ({ ...e, effective_time: 'soon' }))],
    ['another APIv3 key', 'undecryptable', () => downloadBody([A]), '0123456789abcdef0123456789abcdef'],
    ['a missing encrypt_certificate', 'undecryptable', () => downloadBody([A], ({ encrypt_certificate: _c, ...e }) => e)],
    [
      'ciphertext that is no certificate',
      'notACertificate',
      () => downloadBody([A], (e) => ({ ...e, encrypt_certificate: encryptResource('hello', API_V3_KEY, 'abcdefghijkl', '') })),
    ],
    ['a certificate under another serial', 'serialMismatch', () => downloadBody([A], (e) => ({ ...e, serial_no: B.serial }))],
    [
      'one bad entry among good ones',
      'serialMismatch',
      () => downloadBody([A, B], (e, i) => (i === 1 ? { ...e, serial_no: A.serial } : e)),
    ],
  ])('refuses %s as %s', (_label, reason, body, key = API_V3_KEY) => {
    expect(reasonOf(body(), key)).toBe(reason);
  });
});
