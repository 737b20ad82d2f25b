import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { sendError } from './envelope.js';
import type { SessionTokens } from './session-tokens.js';

export interface AuthenticatedLocals extends MiniProgramLocals {
  uid: number;
}

/** Which mini-program a request of the mini-program API is for (set by miniProgramRoutes, from its path). */
export interface MiniProgramLocals {
  appId: string;
  /** The mini-program the seed's paths serve: a token from before mini-programs (v1) is its. */
  defaultAppId: string;
}

const bearerOf = (req: Request): string | undefined => /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1];

/**
 * Requires a valid session token of the mini-program the request is for: a token binds uid and appid, and one of
 * another mini-program is refused like an invalid one (a uid means nothing outside its mini-program). The uid it
 * carries is the only identity the routes trust.
 */
export function requireUser(tokens: SessionTokens) {
  return (req: Request, res: Response<unknown, AuthenticatedLocals>, next: NextFunction): void => {
    const token = bearerOf(req);
    const claims = token === undefined ? undefined : tokens.verify(token);
    if (!claims) return sendError(res, 401, token === undefined ? 'missing bearer token' : 'invalid or expired token');
    if ((claims.appId ?? res.locals.defaultAppId) !== res.locals.appId) return sendError(res, 401, 'the token is for another mini-program');
    res.locals.uid = claims.uid;
    next();
  };
}

export interface AdminLocals {
  /** Who acts, for the audit log: `admin-token` for the automation token. */
  actor: string;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Admin routes answer 404 when no ADMIN_TOKEN is configured, so their existence is not advertised. The token is
 * compared as fixed-length digests, so neither its content nor its length leaks through timing.
 */
export function requireAdmin(adminToken: string | undefined) {
  const expected = adminToken === undefined ? undefined : digest(adminToken);
  return (req: Request, res: Response<unknown, AdminLocals>, next: NextFunction): void => {
    if (!expected) return sendError(res, 404, 'not found');
    if (!timingSafeEqual(digest(bearerOf(req) ?? ''), expected)) return sendError(res, 401, 'invalid admin token');
    res.locals.actor = 'admin-token';
    next();
  };
}

/** A fixed bearer token guarding one path (METRICS_TOKEN); no token configured lets every request through. */
export function requireOptionalToken(token: string | undefined, reason: string) {
  const expected = token === undefined ? undefined : digest(token);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (expected && !timingSafeEqual(digest(bearerOf(req) ?? ''), expected)) return sendError(res, 401, reason);
    next();
  };
}
