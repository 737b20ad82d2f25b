import { describe, expect, it } from 'vitest';
import { checkMerchantCertificate, MerchantCertificateError } from '../../../../src/adapters/wechatpay/v2/merchant-certificate.js';
import { merchantCertificate, pkcs12Of } from '../../../support/merchant-certificates.js';

const NOW = new Date();
const DAY = 86_400_000;
const pem = (files: { certPem: string; keyPem: string }) =>
  ({ kind: 'pem', cert: Buffer.from(files.certPem), key: Buffer.from(files.keyPem) }) as const;

function problemOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(MerchantCertificateError);
    return (error as MerchantCertificateError).problem;
  }
}

describe('checkMerchantCertificate (issue "What a real v2 merchant hits", item 2)', () => {
  const good = merchantCertificate({ cn: '1900000109', from: new Date(NOW.getTime() - 10 * DAY), days: 40 });

  it('opens a PEM pair of this merchant and says how long it has left', () => {
    const checked = checkMerchantCertificate(pem(good), '1900000109', NOW);
    expect(checked).toMatchObject({ daysLeft: 29, subject: expect.stringContaining('CN=1900000109') });
    expect(checked.tls).toEqual({ cert: Buffer.from(good.certPem), key: Buffer.from(good.keyPem) });
  });

  it('opens a PKCS#12 file with its passphrase', () => {
    const pfx = pkcs12Of(good, '1900000109');
    expect(checkMerchantCertificate({ kind: 'p12', pfx, passphrase: '1900000109' }, '1900000109', NOW).daysLeft).toBe(29);
    expect(problemOf(() => checkMerchantCertificate({ kind: 'p12', pfx, passphrase: 'wrong' }, '1900000109', NOW))).toBe('wrongPassphrase');
  });

  it('names an old RC2 PKCS#12 file that OpenSSL 3 refuses, and points at the PEM pair', () => {
    let pfx: Buffer;
    try {
      pfx = pkcs12Of(good, '1900000109', true);
    } catch {
      return; // this openssl cannot write the legacy format either: nothing to check
    }
    expect(problemOf(() => checkMerchantCertificate({ kind: 'p12', pfx, passphrase: '1900000109' }, '1900000109', NOW))).toBe(
      'legacyPkcs12',
    );
  });

  it('refuses a key that is not the certificate’s', () => {
    const other = merchantCertificate({ cn: '1900000109' });
    expect(problemOf(() => checkMerchantCertificate({ ...pem(good), key: Buffer.from(other.keyPem) }, '1900000109', NOW))).toBe(
      'keyMismatch',
    );
  });

  it('refuses another merchant’s certificate', () => {
    expect(problemOf(() => checkMerchantCertificate(pem(good), '1230000109', NOW))).toBe('otherMerchant');
  });

  it('refuses an expired certificate, and one not valid yet', () => {
    const expired = merchantCertificate({ cn: '1900000109', from: new Date(NOW.getTime() - 100 * DAY), days: 50 });
    const future = merchantCertificate({ cn: '1900000109', from: new Date(NOW.getTime() + 5 * DAY), days: 50 });
    expect(problemOf(() => checkMerchantCertificate(pem(expired), '1900000109', NOW))).toBe('expired');
    expect(problemOf(() => checkMerchantCertificate(pem(future), '1900000109', NOW))).toBe('notYetValid');
  });

  it('refuses what is not a certificate at all', () => {
    expect(problemOf(() => checkMerchantCertificate({ kind: 'pem', cert: Buffer.from('junk'), key: Buffer.from('junk') }, '1', NOW))).toBe(
      'unreadable',
    );
  });
});
