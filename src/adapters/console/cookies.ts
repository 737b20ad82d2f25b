import type { Request, Response } from 'express';

/** One cookie's value from the Cookie header; undefined when absent or not decodable. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface CookieScope {
  readonly path: string;
  /** Seconds; undefined for a browser-session cookie. */
  readonly maxAgeSeconds?: number;
}

/**
 * HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), and Secure whenever the request
 * came over HTTPS — directly, or through a proxy the app's `trust proxy` setting (TRUST_PROXY_HOPS) trusts.
 */
export function setCookie(req: Request, res: Response, name: string, value: string, scope: CookieScope): void {
  res.cookie(name, value, {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.secure,
    path: scope.path,
    ...(scope.maxAgeSeconds === undefined ? {} : { maxAge: scope.maxAgeSeconds * 1000 }),
  });
}

export function clearCookie(req: Request, res: Response, name: string, path: string): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'strict', secure: req.secure, path });
}
