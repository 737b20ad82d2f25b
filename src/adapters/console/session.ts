import type { NextFunction, Request } from 'express';
import type { ResumeOperatorSession } from '../../application/operators/operator-session.js';
import type { ConsoleResponse } from './context.js';
import { sendError } from './guarded-routes.js';
import { readCookie } from './cookies.js';

export const SESSION_COOKIE = 'wxpay_console';
export const LOGIN_FORM_COOKIE = 'wxpay_console_login';

/** Where to go after signing in: a console path of this site only (never `//elsewhere` or a full URL). */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/console(?:[/?][^\\\s]*)?$/.test(value) && !value.startsWith('//') ? value : '/console';
}

/**
 * Every console route behind sign-in: the cookie must open a live session. A page without one redirects to the sign-in
 * form (and back afterwards); an action without one is refused, so nothing is ever done on a stale form.
 */
export function requireSession(resume: ResumeOperatorSession) {
  return async (req: Request, res: ConsoleResponse, next: NextFunction): Promise<void> => {
    const result = await resume.execute(readCookie(req, SESSION_COOKIE));
    if (result.ok) {
      const { operator, session, shops } = result.value;
      res.locals.console = { ...res.locals.console, operator, session, shops };
      return next();
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const query = new URLSearchParams({ next: safeNext(req.originalUrl) });
      if (result.error !== 'none') query.set('ended', '1');
      res.redirect(303, `/console/login?${query.toString()}`);
      return;
    }
    sendError(res, 401, 'login.expired');
  };
}
