import { UntrustedResponseError } from './errors.js';

/**
 * What the service stores from WeChat's answers, and the longest each may be: its column's width, which is also more
 * than WeChat documents (openid 28, transaction_id 28–32, refund_id 29–32). A longer or non-printable value is not
 * WeChat's: the answer is refused as untrusted before anything is stored, instead of failing in the database.
 */
export const ANSWER_FIELD_LIMITS = {
  openid: 64,
  unionid: 64,
  transaction_id: 32,
  refund_id: 64,
} as const;

const PRINTABLE = /^[\x21-\x7e]+$/;

export const fitsAnswerField = (field: keyof typeof ANSWER_FIELD_LIMITS, value: string): boolean =>
  value.length <= ANSWER_FIELD_LIMITS[field] && PRINTABLE.test(value);

/** The value when it fits its column; throws UntrustedResponseError (a clear 502, never a 500 from the database). */
export function storedAnswerField(api: string, field: keyof typeof ANSWER_FIELD_LIMITS, value: string): string {
  if (!fitsAnswerField(field, value)) {
    throw new UntrustedResponseError(`${api}: ${field} is not a WeChat identifier (${value.length} characters)`);
  }
  return value;
}
