/**
 * The handful of DER (X.690) encodings an X.509 v3 certificate needs. Node can generate and use RSA keys but cannot
 * create certificates, and the simulator must mint its own; this is that minimum, encode-only (Node's own X.509
 * parser and OpenSSL read the result back in the tests).
 */

/** Definite-length encoding: short form below 128, else 0x80|n followed by n big-endian length bytes. */
export function encodeLength(length: number): Buffer {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`invalid DER length ${length}`);
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export const tlv = (tag: number, content: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);

export const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));

/** SET OF, with elements sorted by their encodings as DER requires. */
export const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat([...items].sort(Buffer.compare)));

export const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);

export const boolean = (value: boolean): Buffer => tlv(0x01, Buffer.from([value ? 0xff : 0x00]));

/** Non-negative INTEGER from big-endian magnitude bytes: minimal, with a 0x00 prefix when the top bit is set. */
export function unsignedInteger(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.length === 0 ? Buffer.from([0]) : magnitude.subarray(start);
  const content = (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return tlv(0x02, content);
}

export function smallInteger(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`invalid INTEGER ${value}`);
  const hex = value.toString(16);
  return unsignedInteger(Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex'));
}

/** OBJECT IDENTIFIER from dotted form: first two arcs as 40·a+b, then base-128 with continuation bits. */
export function objectIdentifier(dotted: string): Buffer {
  const arcs = dotted.split('.').map((arc) => {
    if (!/^(0|[1-9][0-9]*)$/.test(arc)) throw new RangeError(`invalid OID ${dotted}`);
    return BigInt(arc);
  });
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined || first > 2n || (first < 2n && second > 39n)) {
    throw new RangeError(`invalid OID ${dotted}`);
  }
  const bytes: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    const groups: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) groups.unshift(Number((v & 0x7fn) | 0x80n));
    bytes.push(...groups);
  }
  return tlv(0x06, Buffer.from(bytes));
}

export const utf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));

/** PrintableString, for countryName (RFC 5280 requires it there); throws outside its alphabet. */
export function printableString(text: string): Buffer {
  if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(text)) throw new RangeError('not a PrintableString');
  return tlv(0x13, Buffer.from(text, 'ascii'));
}

export const octetString = (content: Buffer): Buffer => tlv(0x04, content);

/** BIT STRING of whole bytes, or with `unusedBits` padding bits in the last byte (key usage). */
export const bitString = (content: Buffer, unusedBits = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), content]));

/** Context-specific constructed tag [n] EXPLICIT. */
export const explicit = (tagNumber: number, inner: Buffer): Buffer => tlv(0xa0 | tagNumber, inner);

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * RFC 5280 §4.1.2.5: UTCTime (YYMMDDHHMMSSZ) for 1950–2049, GeneralizedTime (YYYYMMDDHHMMSSZ) from 2050, in UTC,
 * whole seconds (fractions are dropped).
 */
export function time(at: Date): Buffer {
  const year = at.getUTCFullYear();
  if (!Number.isFinite(at.getTime()) || year < 1950 || year > 9999) {
    throw new RangeError('certificate time out of range');
  }
  const parts = [at.getUTCMonth() + 1, at.getUTCDate(), at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds()];
  const rest = `${parts.map(two).join('')}Z`;
  return year < 2050 ? tlv(0x17, Buffer.from(`${two(year % 100)}${rest}`, 'ascii')) : tlv(0x18, Buffer.from(`${year}${rest}`, 'ascii'));
}
