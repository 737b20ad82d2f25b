import type { RequestHandler } from 'express';

/**
 * The one rule for the browser-facing headers, on every answer of every listener (API, console, /docs, the sandbox's
 * pages, errors and 404s alike), so no page can be added without them: no framing, no MIME sniffing, no referrer to
 * other sites, no cross-origin embedding, and a Content-Security-Policy that allows nothing. A page that needs more
 * (the console's stylesheet, /docs's inline style) replaces the policy with its own, still without framing.
 */
export const BASELINE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set(BASELINE_SECURITY_HEADERS);
  next();
};
