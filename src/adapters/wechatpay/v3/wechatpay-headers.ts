/** The headers WeChat Pay puts on every signed v3 answer and notify (digest §12.2). */
export const HEADER = {
  timestamp: 'Wechatpay-Timestamp',
  nonce: 'Wechatpay-Nonce',
  signature: 'Wechatpay-Signature',
  serial: 'Wechatpay-Serial',
  signatureType: 'Wechatpay-Signature-Type',
  requestId: 'Request-ID',
} as const;

/** Header values as node:http (`IncomingHttpHeaders`), fetch (`Headers`) or a test literal present them. */
export type RawHeaders = { get(name: string): string | null } | Readonly<Record<string, string | readonly string[] | undefined>>;

/** A header that was sent more than once: never merged, because `a, b` is not a value WeChat signs. */
export const REPEATED = Symbol('repeated header');

export type HeaderValue = string | undefined | typeof REPEATED;

const hasGet = (raw: RawHeaders): raw is { get(name: string): string | null } => typeof (raw as { get?: unknown }).get === 'function';

/**
 * Case-insensitive lookup. A `Headers` object has already joined repeats with ", " and cannot tell; a record
 * (node:http keeps unknown repeated headers as arrays only for some names) is checked for arrays and for the same
 * name in two spellings.
 */
export function headerValue(raw: RawHeaders, name: string): HeaderValue {
  if (hasGet(raw)) return raw.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (typeof value === 'string') values.push(value);
    else values.push(...value);
  }
  if (values.length > 1) return REPEATED;
  return values[0];
}

/** The Request-ID WeChat attaches to every answer, for logs and support tickets; undefined when absent or repeated. */
export function requestIdOf(raw: RawHeaders): string | undefined {
  const value = headerValue(raw, HEADER.requestId);
  return typeof value === 'string' ? value : undefined;
}
