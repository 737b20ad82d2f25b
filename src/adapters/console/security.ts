import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';

/**
 * Console pages load nothing but the service's own stylesheet: no script runs (none is served, and inline ones are
 * refused), no other origin is contacted, forms post only here, and no site may frame the console.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** The console's own policy; the other security headers come from the app's one rule (http/security-headers.ts). */
export const consoleContentSecurityPolicy: RequestHandler = (_req, res, next) => {
  res.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  next();
};

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Constant-time comparison of a submitted token with the expected one (an empty or missing one never matches). */
export function tokensMatch(expected: string | undefined, given: unknown): boolean {
  if (!expected || typeof given !== 'string' || given === '') return false;
  return timingSafeEqual(digest(expected), digest(given));
}

/**
 * A second line behind the CSRF token: a browser states where a POST comes from (Origin, else Referer), and it must
 * be this host. A request stating neither (not a browser) relies on the token alone.
 */
export function fromThisOrigin(req: Request): boolean {
  const stated = req.get('origin') ?? req.get('referer');
  if (stated === undefined) return true;
  try {
    const url = new URL(stated);
    return url.host === req.get('host') && url.protocol === `${req.protocol}:`;
  } catch {
    return false;
  }
}
