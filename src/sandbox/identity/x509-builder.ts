import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';
import * as der from './der.js';

/** The RDN attributes the simulator needs; order in a DistinguishedName is the order written into the certificate. */
const ATTRIBUTE_OIDS = {
  C: '2.5.4.6',
  ST: '2.5.4.8',
  L: '2.5.4.7',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
} as const;
export type NameAttribute = keyof typeof ATTRIBUTE_OIDS;
export type DistinguishedName = ReadonlyArray<readonly [NameAttribute, string]>;

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';

export interface CertificateSpec {
  /** 1–40 hex digits, not zero (RFC 5280: a positive integer of at most 20 octets). */
  readonly serialHex: string;
  readonly subject: DistinguishedName;
  readonly subjectPublicKey: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** A CA certificate may sign others (basicConstraints cA, keyCertSign); a leaf signs messages. */
  readonly isCa: boolean;
  /** The issuer's private key; the subject's own for a self-signed certificate. */
  readonly signingKey: KeyObject;
  /** Defaults to the subject (self-signed). */
  readonly issuer?: DistinguishedName;
}

function name(dn: DistinguishedName): Buffer {
  // RFC 5280: countryName is a PrintableString; everything else UTF8String (merchant names are Chinese).
  const rdn = ([attribute, value]: readonly [NameAttribute, string]): Buffer => {
    const text = attribute === 'C' ? der.printableString(value) : der.utf8String(value);
    return der.set(der.sequence(der.objectIdentifier(ATTRIBUTE_OIDS[attribute]), text));
  };
  return der.sequence(...dn.map(rdn));
}

const publicKeyOf = (key: KeyObject): KeyObject => (key.type === 'private' ? createPublicKey(key) : key);

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING contents (for RSA, the PKCS#1 key). */
const keyIdentifier = (key: KeyObject): Buffer =>
  createHash('sha1')
    .update(publicKeyOf(key).export({ type: 'pkcs1', format: 'der' }))
    .digest();

const extension = (oid: string, critical: boolean, value: Buffer): Buffer =>
  der.sequence(der.objectIdentifier(oid), ...(critical ? [der.boolean(true)] : []), der.octetString(value));

/** KeyUsage as a named-bit BIT STRING: trailing zero bits are dropped and counted as unused (X.690 §11.2.2). */
function keyUsage(bits: number): Buffer {
  let unused = 0;
  while (unused < 7 && ((bits >> unused) & 1) === 0) unused++;
  return der.bitString(Buffer.from([bits]), unused);
}
// digitalSignature | nonRepudiation | keyEncipherment | dataEncipherment — what Tenpay-issued API certificates carry.
const LEAF_USAGE = 0x80 | 0x40 | 0x20 | 0x10;
// digitalSignature | keyCertSign | cRLSign
const CA_USAGE = 0x80 | 0x04 | 0x02;

function extensions(spec: CertificateSpec): Buffer {
  const list = [
    extension('2.5.29.19', true, der.sequence(...(spec.isCa ? [der.boolean(true)] : []))),
    extension('2.5.29.15', true, keyUsage(spec.isCa ? CA_USAGE : LEAF_USAGE)),
    extension('2.5.29.14', false, der.octetString(keyIdentifier(spec.subjectPublicKey))),
    // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING }
    extension('2.5.29.35', false, der.sequence(der.tlv(0x80, keyIdentifier(spec.signingKey)))),
  ];
  return der.explicit(3, der.sequence(...list));
}

/** DER of a v3 certificate signed with SHA256withRSA (PKCS#1 v1.5). Throws RangeError on a bad spec. */
export function createCertificateDer(spec: CertificateSpec): Buffer {
  if (!/^[0-9A-Fa-f]{1,40}$/.test(spec.serialHex) || /^0+$/.test(spec.serialHex)) {
    throw new RangeError('serial must be 1-40 hex digits and not zero');
  }
  if (!(spec.notBefore.getTime() <= spec.notAfter.getTime())) {
    throw new RangeError('notBefore must not be after notAfter');
  }
  if (publicKeyOf(spec.subjectPublicKey).asymmetricKeyType !== 'rsa' || spec.signingKey.type !== 'private') {
    throw new RangeError('an RSA subject key and a private signing key are required');
  }
  const serialHex = spec.serialHex.length % 2 === 1 ? `0${spec.serialHex}` : spec.serialHex;
  const algorithm = der.sequence(der.objectIdentifier(SHA256_WITH_RSA), der.nullValue());
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)), // version v3
    der.unsignedInteger(Buffer.from(serialHex, 'hex')),
    algorithm,
    name(spec.issuer ?? spec.subject),
    der.sequence(der.time(spec.notBefore), der.time(spec.notAfter)),
    name(spec.subject),
    publicKeyOf(spec.subjectPublicKey).export({ type: 'spki', format: 'der' }),
    extensions(spec),
  );
  return der.sequence(tbs, algorithm, der.bitString(sign('sha256', tbs, spec.signingKey)));
}

export function toPem(label: string, body: Buffer): string {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export const createCertificatePem = (spec: CertificateSpec): string => toPem('CERTIFICATE', createCertificateDer(spec));
