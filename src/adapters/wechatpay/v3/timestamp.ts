/**
 * Clock-skew allowance for signed v3 messages in both directions: the SDKs reject answers more than 5 minutes from
 * local time (digest §12.2, S19). wechatpay-axios-plugin refuses `|Δ| > 300`, wechatpay-go and -java `|Δ| >= 300`;
 * we follow the plugin, so exactly 300 s is still accepted.
 */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/**
 * Unix seconds as WeChat writes them: plain decimal digits, no sign, no leading zeros, at most 10 digits. A lenient
 * parse ("0x5", "1e9", " 17…") would let two different strings denote one signed instant, and the signed message
 * uses the string as received.
 */
export function parseUnixSeconds(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^(0|[1-9][0-9]{0,9})$/.test(text)) return undefined;
  return Number(text);
}

export const unixSeconds = (now: Date): number => Math.floor(now.getTime() / 1000);

/** True when `timestamp` is within ±maxSkew seconds of `now` (both ends included). */
export function withinClockSkew(timestamp: number, now: Date, maxSkewSeconds = MAX_CLOCK_SKEW_SECONDS): boolean {
  return Math.abs(unixSeconds(now) - timestamp) <= maxSkewSeconds;
}
