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

/** A request for a callback path is answered in WeChat's dialect, whatever fails. */
export const isCallbackPath = (path: string): boolean => PATHS.has(path);
