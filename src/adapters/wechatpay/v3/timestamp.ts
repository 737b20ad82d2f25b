/**
 * Clock-skew limit for signed v3 messages in both directions (digest §12.2, S19). The official SDKs refuse a
 * timestamp 5 minutes or more from local time — wechatpay-go `|Δ| >= FiveMinute`, wechatpay-java
 * `toMinutes() >= 5` — and we follow them rather than wechatpay-axios-plugin (`|Δ| > 300`): exactly 300 s is refused.
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

/** True when `timestamp` is less than maxSkew seconds from `now`, either way (now's sub-second part dropped). */
export function withinClockSkew(timestamp: number, now: Date, maxSkewSeconds = MAX_CLOCK_SKEW_SECONDS): boolean {
  return Math.abs(unixSeconds(now) - timestamp) < maxSkewSeconds;
}
