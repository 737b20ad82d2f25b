import { randomBytes } from 'node:crypto';
import type { Request, Router } from 'express';
import type { ConsoleResponse } from '../context.js';
import { clearCookie, readCookie, setCookie } from '../cookies.js';
import type { ConsoleDeps } from '../deps.js';
import { send } from '../layout.js';
import { loginPage } from '../pages/login.js';
import { clientIpOf } from '../../http/client-ip.js';
import { tokensMatch } from '../security.js';
import { LOGIN_FORM_COOKIE, safeNext, SESSION_COOKIE } from '../session.js';

const LOGIN_PATH = '/console/login';

/**
 * Sign-in and sign-out. The sign-in form carries a token that must match a cookie set with the form (so another
 * site cannot sign a browser into an account of its choosing); each attempt is logged and recorded by the use case.
 */
export function authRoutes(router: Router, deps: ConsoleDeps): void {
  const showForm = async (req: Request, res: ConsoleResponse, status: number, view: { error?: string; name?: string } = {}) => {
    const ctx = res.locals.console;
    const formToken = randomBytes(24).toString('base64url');
    setCookie(req, res, LOGIN_FORM_COOKIE, formToken, { path: LOGIN_PATH, maxAgeSeconds: 3600 });
    const noOperators = (await deps.manageOperators.list()).length === 0;
    const next = safeNext(typeof req.body === 'object' && req.body ? (req.body as Record<string, unknown>).next : req.query.next);
    send(res, status, loginPage(ctx, { formToken, next, noOperators, ...view }));
  };

  router.get(LOGIN_PATH, async (req: Request, res: ConsoleResponse) => {
    const ctx = res.locals.console;
    if ((await deps.resumeSession.execute(readCookie(req, SESSION_COOKIE))).ok) return res.redirect(303, safeNext(req.query.next));
    await showForm(req, res, 200, req.query.ended === '1' ? { error: ctx.t('login.expired') } : {});
  });

  router.post(LOGIN_PATH, async (req: Request, res: ConsoleResponse) => {
    const ctx = res.locals.console;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const name = typeof body.name === 'string' ? body.name.slice(0, 64) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
    if (!tokensMatch(readCookie(req, LOGIN_FORM_COOKIE), body._login)) return showForm(req, res, 403, { error: ctx.t('login.csrf'), name });

    const ip = clientIpOf(req);
    const signed = await deps.signIn.execute({ name, password, ip });
    const log = { console: 'sign-in', name: signed.name, ip, outcome: signed.outcome, ...(signed.role ? { role: signed.role } : {}) };
    if (signed.outcome === 'succeeded') deps.logger.info(log, 'console sign-in');
    else deps.logger.warn(log, 'console sign-in refused');

    if (!signed.result.ok) {
      const error = signed.result.error;
      switch (error.kind) {
        case 'RateLimited':
          res.set('Retry-After', String(error.retryAfterSeconds));
          return showForm(req, res, 429, { error: ctx.t('login.limited', { minutes: Math.ceil(error.retryAfterSeconds / 60) }), name });
        case 'Disabled':
          return showForm(req, res, 403, { error: ctx.t('login.disabled'), name });
        case 'BadCredentials':
          return showForm(req, res, 401, { error: ctx.t('login.bad'), name });
      }
    }
    clearCookie(req, res, LOGIN_FORM_COOKIE, LOGIN_PATH);
    setCookie(req, res, SESSION_COOKIE, signed.result.value.token, { path: '/console', maxAgeSeconds: deps.sessionMaxAgeSeconds });
    res.redirect(303, safeNext(body.next));
  });
}
