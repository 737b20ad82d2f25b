import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { InboundCallback } from '../../application/ports/notify-verifier.js';
import type { CallbackDialect } from '../wechatpay/shared/callback-dialect.js';
import { callbackReply, type CallbackReply } from '../wechatpay/shared/callback-reply.js';
import { charsetRefusal, classify } from './app.js';
import { headersOf } from './callback-route.js';
import { forwardedIp, plainIp } from './client-ip.js';
import { inThisRequest, trackRequest } from './request-context.js';
import { BASELINE_SECURITY_HEADERS } from './security-headers.js';

/** A request listener tried before Express: true when it has taken the request, false to let Express have it. */
export type FrontHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface CallbackEndpoint {
  readonly path: string;
  /** The pay notify also answers GET (and so HEAD), as its Express route does. */
  readonly acceptGet: boolean;
  /** callbackAnswerer's function for the endpoint. */
  readonly answer: (callback: InboundCallback, send: (reply: CallbackReply) => void) => Promise<void>;
}

export interface CallbackFrontParts {
  readonly endpoints: readonly CallbackEndpoint[];
  /** The endpoint of a path no exact one has (a merchant's own callback path), if any. */
  readonly endpointOf?: (path: string) => CallbackEndpoint | undefined;
  readonly logger: Logger;
  /** As createHttpApp's `trust proxy`. */
  readonly trustProxyHops: number;
  readonly dialects?: readonly CallbackDialect[];
}

/** NOTIFY_BODY_LIMIT ('16kb') in bytes, as body-parser reads it. */
const BODY_LIMIT = 16 * 1024;

/**
 * WeChat's callbacks answered on Node's HTTP layer, without Express's router and body parser (about a tenth of a
 * duplicate notify's CPU). Every answer is the one the Express app gives, byte for byte
 * (test/adapters/http/callback-front.test.ts sends both the same requests): the request id and access-log line, the
 * security and no-store headers, the UTF-8-only rule, the 16 KB limit, the 415 for any content encoding, the replies
 * in WeChat's dialect. Whatever it does not recognise exactly (another path spelling, another method, a conditional
 * GET, an unusual charset parameter) it leaves to Express, whose routes for these paths stay in place.
 */
export function callbackFront(parts: CallbackFrontParts): FrontHandler {
  const byPath = new Map(parts.endpoints.map((endpoint) => [endpoint.path, endpoint]));
  return (req, res) => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const endpoint = byPath.get(path) ?? parts.endpointOf?.(path);
    if (endpoint === undefined || !takes(endpoint, req)) return false;
    const ip = (): string => plainIp(forwardedIp(req.socket.remoteAddress, header(req, 'x-forwarded-for'), parts.trustProxyHops) ?? '');
    trackRequest(parts.logger, header(req, 'x-request-id'), { method: req.method, originalUrl: url, path, ip }, res, () =>
      serve(parts, endpoint, path, req, res),
    );
    return true;
  };
}

/** The requests whose Express answer this handler reproduces; the rest go to Express. */
function takes(endpoint: CallbackEndpoint, req: IncomingMessage): boolean {
  const method = req.method;
  if (method === 'GET' || method === 'HEAD') {
    // Express would weigh If-None-Match / If-Modified-Since (a 304): not worth copying for a path only probes GET.
    return endpoint.acceptGet && req.headers['if-none-match'] === undefined && req.headers['if-modified-since'] === undefined;
  }
  return method === 'POST' && plainCharset(req.headers['content-type']);
}

/**
 * utf8Only reads the charset with a regular expression, body-parser with the content-type package: where they could
 * disagree (no charset the expression sees, yet the word appears; the word twice) Express decides.
 */
function plainCharset(contentType: string | undefined): boolean {
  const mentions = contentType?.toLowerCase().split('charset').length ?? 1;
  if (mentions === 1) return true;
  return mentions === 2 && /;\s*charset\s*=/i.test(contentType ?? '');
}

function serve(parts: CallbackFrontParts, endpoint: CallbackEndpoint, path: string, req: IncomingMessage, res: ServerResponse): void {
  for (const [name, value] of Object.entries(BASELINE_SECURITY_HEADERS)) res.setHeader(name, value);
  res.setHeader('Cache-Control', 'no-store');
  const headers = headersOf(req.headers);
  const fail = (error: unknown, body: string): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const [status] = classify(error);
    if (status >= 500) parts.logger.error({ err: error, path }, 'request failed');
    send(req, res, { ...callbackReply({ body, headers }, false, parts.dialects), status });
  };
  const refused = charsetRefusal(req.headers['content-type']);
  if (refused) return fail(refused, '');
  const answer = (body: string): void => {
    endpoint.answer({ body, headers }, (reply) => send(req, res, reply)).catch((error: unknown) => fail(error, body));
  };
  if (req.method !== 'POST') return answer('');
  readBody(req, (error, body) => (error ? fail(error, '') : answer(body)));
}

/** Express's `res.status(s).type(t).send(body)`: the charset added, no body for a 204 or a HEAD. */
function send(req: IncomingMessage, res: ServerResponse, reply: CallbackReply): void {
  res.statusCode = reply.status;
  if (reply.status === 204) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', `${reply.contentType}; charset=utf-8`);
  res.setHeader('Content-Length', String(Buffer.byteLength(reply.body)));
  if (req.method === 'HEAD') res.end();
  else res.end(reply.body);
}

interface BodyError extends Error {
  readonly status: number;
  readonly expose: boolean;
}

const bodyError = (status: number, message: string): BodyError => Object.assign(new Error(message), { status, expose: true });

/**
 * body-parser's text parser as the Express route configures it: no body unless one is declared; any content encoding
 * refused at once (415); a declared or received length over the limit refused (413) once the rest has been read
 * off; the bytes decoded as UTF-8 with a leading byte-order mark dropped, as iconv-lite does.
 */
function readBody(req: IncomingMessage, then: (error: BodyError | undefined, body: string) => void): void {
  const done = inThisRequest(then);
  const declared = req.headers['content-length'];
  if (req.headers['transfer-encoding'] === undefined && Number.isNaN(Number(declared))) return done(undefined, '');
  if ((req.headers['content-encoding'] ?? 'identity').toLowerCase() !== 'identity') {
    return done(bodyError(415, 'content encoding unsupported'), '');
  }
  const length = declared === undefined || Number.isNaN(Number(declared)) ? null : Number.parseInt(declared, 10);
  const refuseAfterDraining = (error: BodyError): void => {
    req.off('data', onData);
    req.off('end', onEnd);
    if (req.complete) return done(error, '');
    let told = false;
    const tell = (): void => {
      if (!told) done(error, '');
      told = true;
    };
    req.once('end', tell);
    req.once('close', tell);
    req.resume();
  };
  if (length !== null && length > BODY_LIMIT) return refuseAfterDraining(bodyError(413, 'request entity too large'));
  const chunks: Buffer[] = [];
  let received = 0;
  let settled = false;
  const settle = (error: BodyError | undefined, body: string): void => {
    if (settled) return;
    settled = true;
    done(error, body);
  };
  function onData(chunk: Buffer): void {
    received += chunk.length;
    if (received > BODY_LIMIT) {
      settled = true;
      refuseAfterDraining(bodyError(413, 'request entity too large'));
      return;
    }
    chunks.push(chunk);
  }
  function onEnd(): void {
    if (length !== null && received !== length) return settle(bodyError(400, 'request size did not match content length'), '');
    const text = Buffer.concat(chunks, received).toString('utf8');
    settle(undefined, text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  }
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('aborted', () => settle(bodyError(400, 'request aborted'), ''));
  req.on('error', () => settle(bodyError(400, 'request aborted'), ''));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
