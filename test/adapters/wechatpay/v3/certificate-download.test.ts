import { describe, expect, it } from 'vitest';
import { acceptCertificateDownload } from '../../../../src/adapters/wechatpay/v3/certificate-download.js';
import { PlatformKeyStore, trustCertificate, trustPublicKey } from '../../../../src/adapters/wechatpay/v3/platform-key-store.js';
import { API_V3_KEY, NOW, TS, downloadBody, platformCert, signedDownload } from './platform-fixtures.js';
import { rsaPair } from './support.js';

const A = platformCert('5157F09EFDC096DE15EBE81A47057A7232F1B8E1', 2); // configured out of band
const B = platformCert('7132D72A03E93CDDF8C03BBD1F37EEDF8E6F7AB3', 3); // the next one WeChat rotates to
const PUB = 'PUB_KEY_ID_0114232134912410000000000000';
const configured = PlatformKeyStore.of([trustCertificate(A.certificate, 'configuredCertificate')]);

const reasonOf = (result: ReturnType<typeof acceptCertificateDownload>) => (result.ok ? 'ok' : result.error.reason);

describe('acceptCertificateDownload: who may vouch for a platform certificate', () => {
  it('accepts a download signed by an already trusted certificate and adds the new one', () => {
    const answer = signedDownload(downloadBody([A, B]), A.keys, A.serial);
    const result = acceptCertificateDownload(configured, answer, API_V3_KEY, NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.trustedBy).toBe('storedKey');
    expect(result.value.added).toEqual([B.serial]);
    expect(result.value.store.serials()).toEqual([A.serial, B.serial].sort());
    expect(result.value.store.entry(B.serial)?.origin).toBe('downloadedCertificate');
    expect(result.value.store.entry(A.serial)?.origin).toBe('configuredCertificate');
    expect(configured.serials()).toEqual([A.serial]); // the input store is untouched
  });

  it('accepts a download signed with the configured WeChat Pay public key', () => {
    const store = PlatformKeyStore.of([trustPublicKey(PUB, rsaPair(0).publicKey)]);
    const result = acceptCertificateDownload(store, signedDownload(downloadBody([B]), rsaPair(0), PUB), API_V3_KEY, NOW);
    expect(result.ok && result.value.added).toEqual([B.serial]);
  });

  it('refuses an answer signed by an unknown serial even though it carries that serial’s certificate', () => {
    const selfVouching = signedDownload(downloadBody([A, B]), B.keys, B.serial);
    expect(reasonOf(acceptCertificateDownload(configured, selfVouching, API_V3_KEY, NOW))).toBe('untrustedSigner');
    expect(reasonOf(acceptCertificateDownload(configured, selfVouching, API_V3_KEY, NOW, 'apiv3Key'))).toBe('untrustedSigner');
  });

  it('by default refuses to bootstrap an empty store from the download itself', () => {
    const answer = signedDownload(downloadBody([B]), B.keys, B.serial);
    expect(reasonOf(acceptCertificateDownload(PlatformKeyStore.EMPTY, answer, API_V3_KEY, NOW))).toBe('untrustedSigner');
  });

  it('with the opt-in apiv3Key policy, bootstraps an empty store like wechatpay-go / -java do', () => {
    const answer = signedDownload(downloadBody([B]), B.keys, B.serial);
    const result = acceptCertificateDownload(PlatformKeyStore.EMPTY, answer, API_V3_KEY, NOW, 'apiv3Key');
    expect(result.ok && result.value.trustedBy).toBe('apiv3KeyBootstrap');
    expect(result.ok && result.value.store.serials()).toEqual([B.serial]);
  });

  it('even when bootstrapping, the answer must verify with a downloaded certificate and the APIv3 key must open it', () => {
    const byStranger = signedDownload(downloadBody([B]), rsaPair(5), 'ABCDEF');
    expect(reasonOf(acceptCertificateDownload(PlatformKeyStore.EMPTY, byStranger, API_V3_KEY, NOW, 'apiv3Key'))).toBe('unknownSerial');
    const forgedSignature = signedDownload(downloadBody([B]), rsaPair(5), B.serial);
    expect(reasonOf(acceptCertificateDownload(PlatformKeyStore.EMPTY, forgedSignature, API_V3_KEY, NOW, 'apiv3Key'))).toBe('badSignature');
    const answer = signedDownload(downloadBody([B]), B.keys, B.serial);
    const otherKey = 'fedcba9876543210fedcba9876543210';
    expect(reasonOf(acceptCertificateDownload(PlatformKeyStore.EMPTY, answer, otherKey, NOW, 'apiv3Key'))).toBe('undecryptable');
  });

  it('refuses a certificate that reuses a trusted serial with another key', () => {
    const impostor = platformCert(A.serial, 4);
    const answer = signedDownload(downloadBody([impostor]), A.keys, A.serial);
    expect(reasonOf(acceptCertificateDownload(configured, answer, API_V3_KEY, NOW))).toBe('conflictingCertificate');
  });

  it('refuses a tampered body, a stale timestamp, a probe and a missing serial header', () => {
    const answer = signedDownload(downloadBody([A, B]), A.keys, A.serial);
    const tampered = { ...answer, body: downloadBody([A]) };
    expect(reasonOf(acceptCertificateDownload(configured, tampered, API_V3_KEY, NOW))).toBe('badSignature');
    const stale = signedDownload(downloadBody([A, B]), A.keys, A.serial, TS - 301);
    expect(reasonOf(acceptCertificateDownload(configured, stale, API_V3_KEY, NOW))).toBe('timestampOutOfWindow');
    const probeSignature = `WECHATPAY/SIGNTEST/${answer.headers['Wechatpay-Signature']}`;
    const probe = { ...answer, headers: { ...answer.headers, 'Wechatpay-Signature': probeSignature } };
    expect(reasonOf(acceptCertificateDownload(configured, probe, API_V3_KEY, NOW))).toBe('probeSignature');
    const { 'Wechatpay-Serial': _serial, ...unsigned } = answer.headers;
    expect(reasonOf(acceptCertificateDownload(configured, { ...answer, headers: unsigned }, API_V3_KEY, NOW))).toBe('missingHeader');
  });

  it('does not use a trusted certificate outside its validity period', () => {
    const expiring = platformCert('0C', 4, '2025-01-01T00:00:00Z', '2026-02-01T00:00:00Z');
    const store = PlatformKeyStore.of([trustCertificate(expiring.certificate, 'configuredCertificate')]);
    const answer = signedDownload(downloadBody([B]), expiring.keys, '0C');
    expect(reasonOf(acceptCertificateDownload(store, answer, API_V3_KEY, NOW))).toBe('unknownSerial');
  });

  it('a chain of rotations: A vouches for B, then B alone vouches for C', () => {
    const C = platformCert('0D', 5, '2026-02-01T00:00:00Z', '2031-02-01T00:00:00Z');
    const first = acceptCertificateDownload(configured, signedDownload(downloadBody([A, B]), A.keys, A.serial), API_V3_KEY, NOW);
    if (!first.ok) throw new Error(first.error.detail);
    const second = acceptCertificateDownload(first.value.store, signedDownload(downloadBody([B, C]), B.keys, B.serial), API_V3_KEY, NOW);
    expect(second.ok && second.value.added).toEqual(['0D']);
  });
});
