import { isCallbackPath } from './callback-paths.js';
import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import { GatewayUnavailableError } from '../../application/ports/payment-gateway.js';
import { MerchantUnavailableError } from '../../application/ports/payment-gateways.js';
import type { CallbackDialect } from '../wechatpay/shared/callback-dialect.js';
import { callbackReply } from '../wechatpay/shared/callback-reply.js';
import { sendError } from './envelope.js';
import { requestTracking } from './request-context.js';
import { securityHeaders } from './security-headers.js';

export interface HttpAppParts {
  readonly routers: readonly Router[];
  /** The WeChat Pay simulator, mounted only in sandbox mode. */
  readonly sandbox?: Router;
  readonly logger: Logger;
  /** Number of reverse proxies in front (X-Forwarded-For hops to trust); 0 trusts none. */
  readonly trustProxyHops: number;
  /** The WeChat Pay APIs configured, so a refused callback hears back in their dialect. Default both. */
  readonly callbackDialects?: readonly CallbackDialect[];
}

/** The Express adapter: routes from the parts, plus one error handler that never leaks internals. */
export function createHttpApp(parts: HttpAppParts): Express {
  const app = express();
  app.disable('x-powered-by');
  // Every answer is Cache-Control: no-store, so nobody revalidates: hashing each body for an ETag would be wasted.
  app.set('etag', false);
  app.set('trust proxy', parts.trustProxyHops);
  app.use(requestTracking(parts.logger), securityHeaders, noStore, utf8Only);
  if (parts.sandbox) app.use('/sandbox/wxpay', parts.sandbox);
  for (const router of parts.routers) app.use(router);
  app.use((_req, res) => sendError(res, 404, 'not found'));
  app.use(errorHandler(parts.logger, parts.callbackDialects));
  return app;
}

interface HttpError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

function errorHandler(logger: Logger, dialects: readonly CallbackDialect[] | undefined): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const [status, reason] = classify(error);
    if (status >= 500) logger.error({ err: error, path: req.path }, 'request failed');
    if (isCallbackPath(req.path)) {
      // A callback WeChat must retry: its own dialect, no reason (a forger learns nothing from an oversize body).
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
      const reply = callbackReply({ body: typeof req.body === 'string' ? req.body : '', headers }, false, dialects);
      res.status(status).type(reply.contentType).send(reply.body);
      return;
    }
    sendError(res, status, reason);
  };
}

/** Maps a failure to a status and a reason safe to show: body-parser's client errors keep theirs, the rest is generic. */
export function classify(error: unknown): [number, string] {
  if (error instanceof MerchantUnavailableError) return [503, error.message];
  if (error instanceof GatewayUnavailableError) return [502, 'WeChat Pay is unreachable; retry shortly'];
  // A path whose percent-encoding does not decode (%ZZ, a cut-off or overlong UTF-8 sequence, a lone surrogate).
  if (error instanceof URIError) return [400, 'malformed percent-encoding in the URL'];
  const e = (typeof error === 'object' && error !== null ? error : {}) as HttpError;
  const status = e.status ?? e.statusCode ?? 500;
  if (status === 413) return [413, 'request body too large'];
  if (status === 415) return [415, 'unsupported content encoding or charset'];
  if (e.type === 'entity.parse.failed') return [400, 'malformed request body'];
  if (status >= 400 && status < 500 && e.expose) return [status, 'bad request'];
  return [500, 'internal error'];
}

/** Answers carry tokens and personal data: no cache, proxy or browser may keep them. */
const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

/**
 * Every body this service reads is UTF-8 (WeChat sends nothing else). A body declared in another charset (UTF-7,
 * GBK, ...) is refused before any parser would decode it into something the checks never saw.
 */
const utf8Only: RequestHandler = (req, _res, next) => {
  next(charsetRefusal(req.get('content-type')));
};

/** utf8Only's verdict on a Content-Type: undefined when the body may be read, else the 415 to answer. */
export function charsetRefusal(contentType: string | undefined): Error | undefined {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8') return undefined;
  return Object.assign(new Error(`unsupported charset ${charset}`), { status: 415, expose: true });
}
