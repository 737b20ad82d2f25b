/**
 * Canonical standard base64 (RFC 4648 §4, padded), the only form WeChat emits for signatures and ciphertexts.
 * Node's Buffer.from(…, 'base64') silently skips junk and accepts base64url, so a mangled signature would be
 * verified as some other byte string; refusing here keeps every "bad base64" a distinct, reportable reason.
 */
const CANONICAL = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Bytes of a canonical base64 string; undefined for anything else (the empty string decodes to no bytes). */
export function decodeBase64(text: unknown): Buffer | undefined {
  if (typeof text !== 'string' || !CANONICAL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // Non-zero bits in the unused tail of the last quantum ("QR==" vs "QQ==") mean a non-canonical encoding.
  return bytes.toString('base64') === text ? bytes : undefined;
}
