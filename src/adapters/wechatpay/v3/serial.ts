/**
 * The two kinds of key identifiers in `Wechatpay-Serial` (digest §12.2): a platform-certificate serial in hex, or a
 * WeChat Pay public key ID. Real IDs look like `PUB_KEY_ID_0114232134912410000000000000` (digits after the prefix);
 * the pattern admits letters and underscores too, as the brief asks, since WeChat never documented the alphabet.
 */
export const PUBLIC_KEY_ID_PATTERN = /^PUB_KEY_ID_[0-9A-Za-z_]+$/;

/** Certificate serials: RFC 5280 allows at most 20 octets; WeChat's merchant and platform serials are 40 hex digits. */
export const HEX_SERIAL_PATTERN = /^[0-9A-Fa-f]{1,40}$/;

export const isPublicKeyId = (value: unknown): value is string => typeof value === 'string' && PUBLIC_KEY_ID_PATTERN.test(value);

export const isHexSerial = (value: unknown): value is string => typeof value === 'string' && HEX_SERIAL_PATTERN.test(value);

/**
 * The identity of a key identifier. Hex serials are integers: case and leading zeros do not matter (`openssl`
 * prints `0ABC`, a header may say `abc`). Public key IDs are compared exactly. Anything else has no identity.
 */
export function serialKey(value: unknown): string | undefined {
  if (isPublicKeyId(value)) return value;
  if (!isHexSerial(value)) return undefined;
  const stripped = value.toUpperCase().replace(/^0+/, '');
  return stripped === '' ? '0' : stripped;
}
