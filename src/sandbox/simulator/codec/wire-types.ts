/** The simulator's names for what travels on the wire: its own, so nothing ties it to the client's modules. */
export type SignType = 'MD5' | 'HMAC-SHA256';
/** A flat v2 message as received: every value the exact string that was on the wire. */
export type WechatFields = Readonly<Record<string, string>>;
/** A message to send; undefined values are left out. */
export type SignableFields = Readonly<Record<string, string | undefined>>;

/** The one reply WeChat accepts as "stop retrying" (digest §5.2), as the simulator judges merchants' answers. */
export const NOTIFY_ACK_SUCCESS = '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>';

/** `yyyy-MM-dd HH:mm:ss` in Beijing time (UTC+8, no daylight saving), as refund times and bills print them. */
export function beijingDateTime(at: Date): string {
  const b = new Date(at.getTime() + 8 * 3600_000);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${b.getUTCFullYear()}-${two(b.getUTCMonth() + 1)}-${two(b.getUTCDate())} ${two(b.getUTCHours())}:${two(b.getUTCMinutes())}:${two(b.getUTCSeconds())}`;
}
