import type { NotifyKind } from '../../application/ports/notify-log.js';

/**
 * Where WeChat Pay's callbacks arrive, by kind: the one table the routes, the error handler, the OpenAPI document and
 * the default notify URLs read. The same paths serve API v2 and v3 (a callback's dialect is told from the callback).
 */
export const CALLBACK_PATHS = {
  pay: '/wechat/pay-notify',
  refund: '/wechat/refund-notify',
} as const satisfies Readonly<Record<NotifyKind, string>>;

const PATHS: ReadonlySet<string> = new Set(Object.values(CALLBACK_PATHS));

/** A merchant's own callback paths (`/wechat/pay-notify/{merchant}`): its keys alone verify what arrives there. */
export const merchantCallbackPath = (kind: NotifyKind, merchantId: string): string => `${CALLBACK_PATHS[kind]}/${merchantId}`;

const MERCHANT_PATH = /^\/wechat\/(pay|refund)-notify\/([a-z0-9-]{1,32})$/;

/** The kind and merchant a merchant's callback path names; undefined for any other path. */
export function merchantOfCallbackPath(path: string): { readonly kind: NotifyKind; readonly merchantId: string } | undefined {
  const match = MERCHANT_PATH.exec(path);
  return match ? { kind: match[1] as NotifyKind, merchantId: match[2] as string } : undefined;
}

/** A request for a callback path (the seed's, or a merchant's) is answered in WeChat's dialect, whatever fails. */
export const isCallbackPath = (path: string): boolean => PATHS.has(path) || merchantOfCallbackPath(path) !== undefined;
