import { generateKeyPairSync, randomBytes, randomInt, type KeyObject } from 'node:crypto';
import { createCertificatePem, type DistinguishedName } from './x509-builder.js';

export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

const pkcs8 = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const spki = (key: KeyObject): string => key.export({ type: 'spki', format: 'pem' }).toString();

/** Everything a v3 sandbox needs on both sides, as PEM text (the simulator decides where to store it). */
export interface SandboxIdentity {
  /** Stands in for Tenpay.com Root CA; kept so the simulator can issue a rotated platform certificate later. */
  readonly ca: { readonly certificatePem: string; readonly privateKeyPem: string };
  /** apiclient_key.pem / apiclient_cert.pem and its serial — the merchant's side. */
  readonly merchant: { readonly serialNo: string; readonly privateKeyPem: string; readonly certificatePem: string };
  /** A platform certificate for `/v3/certificates` mode — WeChat's side. */
  readonly platform: { readonly serialNo: string; readonly privateKeyPem: string; readonly certificatePem: string };
  /** The WeChat Pay public key mode: ID, and the key pair behind it. */
  readonly wechatpayPublicKey: { readonly id: string; readonly privateKeyPem: string; readonly publicKeyPem: string };
}

export interface SandboxIdentityOptions {
  readonly mchId: string;
  readonly merchantName: string;
  readonly now: Date;
  /** Injected so tests can reuse keys (RSA-2048 generation costs ~100 ms each). */
  readonly newKeyPair?: () => KeyPair;
  /** 40 hex digits; injected for determinism. */
  readonly newSerial?: () => string;
  /** Digits appended to the public key ID; injected for determinism. */
  readonly newKeyIdDigits?: () => string;
}

const rsa2048 = (): KeyPair => generateKeyPairSync('rsa', { modulusLength: 2048 });
/**
 * 40 hex digits, as WeChat's serials are. The first byte is never zero: DER drops a leading zero byte, so the
 * certificate would then carry 38 digits and X509Certificate.serialNumber would not match the recorded serial
 * (one identity in 256 failed the credential check).
 */
const randomSerial = (): string => {
  const bytes = randomBytes(20);
  bytes[0] ||= 1;
  return bytes.toString('hex').toUpperCase();
};
const randomDigits = (): string => Array.from({ length: 14 }, () => randomInt(10)).join('');

const YEAR_MS = 365 * 24 * 3600 * 1000;
const plusYears = (at: Date, years: number): Date => new Date(at.getTime() + years * YEAR_MS);

// Names follow what Tenpay issues (merchant: CN=<mchid>, O=微信商户系统, OU=<merchant name>; issuer "Tenpay.com Root
// CA") but say "sandbox" so a sandbox certificate can never be mistaken for a real one in logs or config.
const CA_NAME: DistinguishedName = [
  ['C', 'CN'],
  ['O', 'Tenpay.com (sandbox)'],
  ['OU', 'Tenpay.com CA Center'],
  ['CN', 'Tenpay.com Root CA (sandbox)'],
];
const PLATFORM_NAME: DistinguishedName = [
  ['C', 'CN'],
  ['O', 'Tenpay.com (sandbox)'],
  ['CN', 'Tenpay.com sandbox platform'],
];

/**
 * A fresh sandbox identity: a CA, a merchant API certificate for `mchId`, a platform certificate, and a WeChat Pay
 * public key with an ID shaped like real ones (`PUB_KEY_ID_01` + mchid + yyyymmdd + digits). Certificates start one
 * hour before `now` (clock skew) and last 5 years, as Tenpay's do; the CA lasts 20.
 */
export function generateSandboxIdentity(options: SandboxIdentityOptions): SandboxIdentity {
  const newKeyPair = options.newKeyPair ?? rsa2048;
  const newSerial = options.newSerial ?? randomSerial;
  const notBefore = new Date(options.now.getTime() - 3600 * 1000);
  const ca = newKeyPair();
  const caCert = createCertificatePem({
    serialHex: newSerial(),
    subject: CA_NAME,
    subjectPublicKey: ca.publicKey,
    isCa: true,
    notBefore,
    notAfter: plusYears(notBefore, 20),
    signingKey: ca.privateKey,
  });
  const leaf = (subject: DistinguishedName, pair: KeyPair, serialHex: string): string =>
    createCertificatePem({
      serialHex,
      subject,
      subjectPublicKey: pair.publicKey,
      isCa: false,
      notBefore,
      notAfter: plusYears(notBefore, 5),
      signingKey: ca.privateKey,
      issuer: CA_NAME,
    });

  const merchant = newKeyPair();
  const merchantSerial = newSerial();
  const merchantName: DistinguishedName = [
    ['CN', options.mchId],
    ['O', '微信商户系统'],
    ['OU', options.merchantName],
    ['C', 'CN'],
  ];
  const platform = newKeyPair();
  const platformSerial = newSerial();
  const publicKey = newKeyPair();
  const day = options.now.toISOString().slice(0, 10).replace(/-/g, '');
  return {
    ca: { certificatePem: caCert, privateKeyPem: pkcs8(ca.privateKey) },
    merchant: {
      serialNo: merchantSerial,
      privateKeyPem: pkcs8(merchant.privateKey),
      certificatePem: leaf(merchantName, merchant, merchantSerial),
    },
    platform: {
      serialNo: platformSerial,
      privateKeyPem: pkcs8(platform.privateKey),
      certificatePem: leaf(PLATFORM_NAME, platform, platformSerial),
    },
    wechatpayPublicKey: {
      id: `PUB_KEY_ID_01${options.mchId}${day}${(options.newKeyIdDigits ?? randomDigits)()}`,
      privateKeyPem: pkcs8(publicKey.privateKey),
      publicKeyPem: spki(publicKey.publicKey),
    },
  };
}
