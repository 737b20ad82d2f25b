import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { createCertificatePem, type DistinguishedName } from '../../../src/sandbox/identity/x509-builder.js';
import { certificateValidity, commonName } from '../../../src/adapters/wechatpay/v3/x509-facts.js';
import { rsaPair } from '../../adapters/wechatpay/v3/support.js';

const CA_NAME: DistinguishedName = [
  ['C', 'CN'],
  ['O', 'Tenpay.com (sandbox)'],
  ['OU', 'Tenpay.com CA Center'],
  ['CN', 'Tenpay.com Root CA (sandbox)'],
];
const MERCHANT_NAME: DistinguishedName = [
  ['CN', '1900009191'],
  ['O', '微信商户系统'],
  ['OU', '测试商户'],
  ['C', 'CN'],
  ['L', 'Shenzhen'],
];
const ca = rsaPair(0);
const merchant = rsaPair(1);

const caPem = createCertificatePem({
  serialHex: 'F0E1D2C3B4A5968778695A4B3C2D1E0F00112233',
  subject: CA_NAME,
  subjectPublicKey: ca.publicKey,
  isCa: true,
  notBefore: new Date('2024-01-01T00:00:00Z'),
  notAfter: new Date('2054-01-01T00:00:00Z'),
  signingKey: ca.privateKey,
});
const leafPem = createCertificatePem({
  serialHex: '5CA275DC7B338C42F622F20A7287A51C6DBCB345',
  subject: MERCHANT_NAME,
  subjectPublicKey: merchant.publicKey,
  isCa: false,
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2031-01-01T00:00:00Z'),
  signingKey: ca.privateKey,
  issuer: CA_NAME,
});

const dir = mkdtempSync(join(tmpdir(), 'wxpay-x509-'));
const write = (name: string, pem: string) => {
  const path = join(dir, name);
  writeFileSync(path, pem);
  return path;
};
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' });

describe('X.509 v3 certificates from the DER encoder', () => {
  it('a self-signed CA parses in Node, verifies with its own key and is a CA', () => {
    const cert = new X509Certificate(caPem);
    expect(cert.serialNumber).toBe('F0E1D2C3B4A5968778695A4B3C2D1E0F00112233');
    expect(cert.ca).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.subject).toBe('C=CN\nO=Tenpay.com (sandbox)\nOU=Tenpay.com CA Center\nCN=Tenpay.com Root CA (sandbox)');
    expect(cert.issuer).toBe(cert.subject);
  });

  it('a CA-signed merchant certificate: CN is the mchid, Chinese names survive, dates are exact', () => {
    const cert = new X509Certificate(leafPem);
    expect(cert.ca).toBe(false);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.verify(merchant.publicKey)).toBe(false);
    expect(cert.checkIssued(new X509Certificate(caPem))).toBe(true);
    expect(cert.checkPrivateKey(merchant.privateKey)).toBe(true);
    expect(commonName(cert)).toBe('1900009191');
    expect(cert.subject).toBe('CN=1900009191\nO=微信商户系统\nOU=测试商户\nC=CN\nL=Shenzhen');
    expect(certificateValidity(cert)).toEqual({ notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2031-01-01T00:00:00Z') });
  });

  it('OpenSSL reads both, sees the extensions, and verifies the chain', () => {
    const caPath = write('ca.pem', caPem);
    const leafPath = write('leaf.pem', leafPem);
    const text = openssl('x509', '-in', leafPath, '-noout', '-text');
    expect(text).toContain('Version: 3 (0x2)');
    expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(text).toContain('5c:a2:75:dc:7b:33:8c:42:f6:22:f2:0a:72:87:a5:1c:6d:bc:b3:45');
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation, Key Encipherment, Data Encipherment/);
    expect(text).toContain('Public-Key: (2048 bit)');
    expect(openssl('x509', '-in', caPath, '-noout', '-text')).toMatch(/CA:TRUE[\s\S]*Certificate Sign, CRL Sign/);
    expect(openssl('verify', '-CAfile', caPath, leafPath).trim()).toBe(`${leafPath}: OK`);
    expect(openssl('asn1parse', '-in', leafPath)).toContain('UTCTIME');
  });

  it('uses GeneralizedTime after 2049 and OpenSSL agrees on the date', () => {
    const pem = createCertificatePem({
      serialHex: '01',
      subject: [['CN', 'late']],
      subjectPublicKey: ca.publicKey,
      isCa: false,
      notBefore: new Date('2049-06-01T00:00:00Z'),
      notAfter: new Date('2294-04-05T02:02:18Z'),
      signingKey: ca.privateKey,
    });
    expect(openssl('x509', '-in', write('late.pem', pem), '-noout', '-enddate').trim()).toBe('notAfter=Apr  5 02:02:18 2294 GMT');
    expect(certificateValidity(new X509Certificate(pem)).notAfter).toEqual(new Date('2294-04-05T02:02:18Z'));
  });

  it('refuses specs a CA would refuse', () => {
    const base = {
      serialHex: '01',
      subject: [['CN', 'x']] as DistinguishedName,
      subjectPublicKey: ca.publicKey,
      isCa: false,
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z'),
      signingKey: ca.privateKey,
    };
    expect(() => createCertificatePem({ ...base, serialHex: '00' })).toThrow(RangeError);
    expect(() => createCertificatePem({ ...base, serialHex: 'A'.repeat(41) })).toThrow(RangeError);
    expect(() => createCertificatePem({ ...base, serialHex: 'XY' })).toThrow(RangeError);
    expect(() => createCertificatePem({ ...base, notAfter: new Date('2025-01-01T00:00:00Z') })).toThrow(RangeError);
    expect(() => createCertificatePem({ ...base, signingKey: ca.publicKey })).toThrow(RangeError);
    expect(() => createCertificatePem({ ...base, subject: [['C', '中国']] })).toThrow(RangeError);
  });
});

describe('X.509 properties', () => {
  const serial = fc.stringMatching(/^[0-9A-F]{1,40}$/).filter((s) => !/^0+$/.test(s));
  const cn = fc.oneof(
    fc.stringMatching(/^[1-9][0-9]{7,9}$/),
    fc.stringMatching(/^[\u4e00-\u9fa5]{1,12}$/),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  );
  const instant = fc.date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true });

  test.prop([serial, cn, instant, fc.integer({ min: 0, max: 40 * 365 })], { numRuns: 40 })(
    'serial, CN and validity round-trip through Node’s parser and the signature verifies',
    (serialHex, name, from, days) => {
      const notBefore = new Date(Math.floor(from.getTime() / 1000) * 1000);
      const notAfter = new Date(notBefore.getTime() + days * 86_400_000);
      const spec = { serialHex, subject: [['CN', name]] as DistinguishedName, isCa: false, notBefore, notAfter };
      const keys = { subjectPublicKey: merchant.publicKey, signingKey: merchant.privateKey };
      const cert = new X509Certificate(createCertificatePem({ ...spec, ...keys }));
      expect(cert.serialNumber.replace(/^0+/, '')).toBe(serialHex.replace(/^0+/, ''));
      expect(cert.verify(merchant.publicKey)).toBe(true);
      expect(certificateValidity(cert)).toEqual({ notBefore, notAfter });
      // Node prints the subject RFC 2253-escaped (`\#`, `\,`, control bytes); compare names that need no escaping.
      if (/^[\p{L}\p{N}_.-]+$/u.test(name)) expect(commonName(cert)).toBe(name);
    },
  );
});
