import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { sendError } from './envelope.js';
import type { SessionTokens } from './session-tokens.js';

export interface AuthenticatedLocals {
  uid: number;
}

const bearerOf = (req: Request): string | undefined => /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1];

/** Requires a valid session token; the uid it carries is the only identity the routes trust. */
export function requireUser(tokens: SessionTokens) {
  return (req: Request, res: Response<unknown, AuthenticatedLocals>, next: NextFunction): void => {
    const token = bearerOf(req);
    const claims = token === undefined ? undefined : tokens.verify(token);
    if (!claims) return sendError(res, 401, token === undefined ? 'missing bearer token' : 'invalid or expired token');
    res.locals.uid = claims.uid;
    next();
  };
}

/** Admin routes answer 404 when no ADMIN_TOKEN is configured, so their existence is not advertised. */
export function requireAdmin(adminToken: string | undefined) {
  const expected = adminToken === undefined ? undefined : Buffer.from(adminToken);
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!expected) return sendError(res, 404, 'not found');
    const given = Buffer.from(bearerOf(req) ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return sendError(res, 401, 'invalid admin token');
    next();
  };
}
