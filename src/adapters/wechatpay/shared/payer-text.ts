/**
 * WeChat's limits on the text the payer sees (v2 `body`, v3 `description`) and on a refund's reason (v2 `refund_desc`,
 * v3 `reason`), protocol digest §3.1, §8.1; the same in both APIs.
 */
const DESCRIPTION_MAX_BYTES = 127;
const REFUND_REASON_MAX_CHARS = 80;

/** Cuts at a code point boundary. UNCONFIRMED whether `body`'s 127 counts characters or bytes; bytes is safer. */
export function truncateUtf8(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > maxBytes) break;
    out += ch;
    bytes += size;
  }
  return out;
}

export const payerDescription = (text: string): string => truncateUtf8(text.trim(), DESCRIPTION_MAX_BYTES);

export const refundReason = (text: string | undefined): string | undefined =>
  text === undefined ? undefined : [...text.trim()].slice(0, REFUND_REASON_MAX_CHARS).join('');
