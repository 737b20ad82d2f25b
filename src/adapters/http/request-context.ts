import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { loggableUrl } from '../observability/log-redaction.js';
import { clientIpOf } from './client-ip.js';

/** What every log line written while serving one request carries. */
export interface RequestContext {
  readonly reqId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * pino's `mixin`: the request id of whatever request is being served, so every line its handlers, use cases and
 * adapters log carries it without any of them knowing about HTTP.
 */
export const requestLogFields = (): Partial<RequestContext> => storage.getStore() ?? {};

/**
 * `fn`, to be called later from another async context (a request stream's 'end' event, which Node emits in the
 * connection's context), run in the request context current now. AsyncResource.bind does the same but builds an async
 * resource and two deprecation wrappers per call: about 30 µs of a duplicate notify's ~500.
 */
export function inThisRequest<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  const context = storage.getStore();
  return context === undefined ? fn : (...args) => storage.run(context, fn, ...args);
}

/** An incoming X-Request-Id is kept only when it is a short token that is safe in a header and a log line. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export const requestIdOf = (given: string | undefined): string =>
  given !== undefined && SAFE_REQUEST_ID.test(given) ? given : randomUUID();

/** Probes and scrapes arrive every few seconds: their lines go to debug, so info stays readable. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** What the access-log line says about a request, read from Express's request or from Node's. */
export interface TrackedRequest {
  readonly method: string | undefined;
  readonly originalUrl: string;
  readonly path: string;
  readonly ip: () => string;
}

/**
 * First middleware of every app: gives the request its id (the caller's, when a proxy sent a safe one), returns it as
 * X-Request-Id, runs the rest of the request inside its context, and writes one access-log line when it ends.
 */
export function requestTracking(logger: Logger): RequestHandler {
  return (req, res, next) => {
    trackRequest(
      logger,
      req.get('x-request-id'),
      { method: req.method, originalUrl: req.originalUrl, path: req.path, ip: () => clientIpOf(req) },
      res,
      next,
    );
  };
}

/** requestTracking's work, for a request answered before Express (the WeChat callbacks' front handler). */
export function trackRequest(
  logger: Logger,
  givenId: string | undefined,
  req: TrackedRequest,
  res: ServerResponse,
  serve: () => void,
): void {
  const reqId = requestIdOf(givenId);
  res.setHeader('X-Request-Id', reqId);
  const level = QUIET_PATHS.has(req.path) ? 'debug' : 'info';
  // At LOG_LEVEL=warn (production under load) the line would be thrown away: do not build it.
  if (logger.isLevelEnabled(level)) {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      logger[level](
        {
          reqId,
          method: req.method,
          // The path and harmless query values only: a query can carry codes and secrets (jscode2session's).
          url: loggableUrl(req.originalUrl.slice(0, 256)),
          status: res.statusCode,
          ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
          ip: req.ip(),
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        'request',
      );
    });
  }
  storage.run({ reqId }, serve);
}
