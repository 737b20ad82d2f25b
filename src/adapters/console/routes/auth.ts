import { randomBytes } from 'node:crypto';
import type { Request, Router } from 'express';
import type { SignInError, SignInOutcome } from '../../../application/operators/sign-in-operator.js';
import type { ConsoleResponse } from '../context.js';
import { clearCookie, readCookie, setCookie } from '../cookies.js';
import type { ConsoleDeps } from '../deps.js';
import { send } from '../layout.js';
import { codePage, loginPage } from '../pages/login.js';
import { clientIpOf } from '../../http/client-ip.js';
import { tokensMatch } from '../security.js';
import { LOGIN_FORM_COOKIE, safeNext, SESSION_COOKIE } from '../session.js';

const LOGIN_PATH = '/console/login';
const CODE_PATH = '/console/login/code';

const field = (req: Request, name: string, max: number): string => {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
};

/**
 * Sign-in and sign-out. The sign-in forms carry a token that must match a cookie set with the form (so another site
 * cannot sign a browser into an account of its choosing); each attempt is logged and recorded by the use case. An
 * operator with a second factor gets a second form after the password, asking for the code.
 */
export function authRoutes(router: Router, deps: ConsoleDeps): void {
  /** A new form token, in a cookie (its path covers the code form too) and in the form. */
  const newFormToken = (req: Request, res: ConsoleResponse): string => {
    const formToken = randomBytes(24).toString('base64url');
    setCookie(req, res, LOGIN_FORM_COOKIE, formToken, { path: LOGIN_PATH, maxAgeSeconds: 3600 });
    return formToken;
  };

  const showForm = async (req: Request, res: ConsoleResponse, status: number, view: { error?: string; name?: string } = {}) => {
    const ctx = res.locals.console;
    const noOperators = (await deps.manageOperators.list()).length === 0;
    const next = safeNext(typeof req.body === 'object' && req.body ? (req.body as Record<string, unknown>).next : req.query.next);
    send(res, status, loginPage(ctx, { formToken: newFormToken(req, res), next, noOperators, ...view }));
  };

  const showCodeForm = (req: Request, res: ConsoleResponse, status: number, challenge: string, error?: string) => {
    const ctx = res.locals.console;
    const next = safeNext(field(req, 'next', 2048));
    send(res, status, codePage(ctx, { formToken: newFormToken(req, res), next, challenge, ...(error ? { error } : {}) }));
  };

  const logged = (signed: SignInOutcome, ip: string, step: 'password' | 'code') => {
    const log = { console: 'sign-in', step, name: signed.name, ip, outcome: signed.outcome, ...(signed.role ? { role: signed.role } : {}) };
    if (signed.outcome === 'succeeded' || signed.outcome === 'codeRequired') deps.logger.info(log, 'console sign-in');
    else deps.logger.warn(log, 'console sign-in refused');
  };

  /** What each refusal looks like; the code form is shown again for a wrong code, with the same challenge. */
  const refuse = async (req: Request, res: ConsoleResponse, error: SignInError, name: string, challenge?: string) => {
    const ctx = res.locals.console;
    const again = (status: number, message: string) =>
      challenge ? showCodeForm(req, res, status, challenge, message) : showForm(req, res, status, { error: message, name });
    switch (error.kind) {
      case 'RateLimited': {
        res.set('Retry-After', String(error.retryAfterSeconds));
        const seconds = error.retryAfterSeconds;
        return again(
          429,
          seconds < 120 ? ctx.t('login.limitedSeconds', { seconds }) : ctx.t('login.limited', { minutes: Math.ceil(seconds / 60) }),
        );
      }
      case 'CodeRequired':
        return showCodeForm(req, res, 200, error.challenge);
      case 'BadCode':
        return again(401, ctx.t('login.badCode'));
      case 'ChallengeExpired':
        return showForm(req, res, 401, { error: ctx.t('login.challengeExpired') });
      case 'Disabled':
        return showForm(req, res, 403, { error: ctx.t('login.disabled'), name });
      case 'TotpRequired':
        return showForm(req, res, 403, { error: ctx.t('login.totpRequired', { name }), name });
      case 'TotpUnreadable':
        return showForm(req, res, 403, { error: ctx.t('login.totpUnreadable', { name }), name });
      case 'BadCredentials':
        return showForm(req, res, 401, { error: ctx.t('login.bad'), name });
    }
  };

  const signedIn = (req: Request, res: ConsoleResponse, token: string) => {
    clearCookie(req, res, LOGIN_FORM_COOKIE, LOGIN_PATH);
    setCookie(req, res, SESSION_COOKIE, token, { path: '/console', maxAgeSeconds: deps.sessionMaxAgeSeconds });
    res.redirect(303, safeNext(field(req, 'next', 2048)));
  };

  router.get(LOGIN_PATH, async (req: Request, res: ConsoleResponse) => {
    const ctx = res.locals.console;
    if ((await deps.resumeSession.execute(readCookie(req, SESSION_COOKIE))).ok) return res.redirect(303, safeNext(req.query.next));
    await showForm(req, res, 200, req.query.ended === '1' ? { error: ctx.t('login.expired') } : {});
  });

  router.post(LOGIN_PATH, async (req: Request, res: ConsoleResponse) => {
    const ctx = res.locals.console;
    const name = field(req, 'name', 64);
    const password = field(req, 'password', 1024);
    if (!tokensMatch(readCookie(req, LOGIN_FORM_COOKIE), field(req, '_login', 256)))
      return showForm(req, res, 403, { error: ctx.t('login.csrf'), name });

    const ip = clientIpOf(req);
    const signed = await deps.signIn.execute({ name, password, ip });
    logged(signed, ip, 'password');
    if (!signed.result.ok) return refuse(req, res, signed.result.error, name);
    signedIn(req, res, signed.result.value.token);
  });

  router.post(CODE_PATH, async (req: Request, res: ConsoleResponse) => {
    const ctx = res.locals.console;
    const challenge = field(req, 'challenge', 256);
    if (!tokensMatch(readCookie(req, LOGIN_FORM_COOKIE), field(req, '_login', 256)))
      return showForm(req, res, 403, { error: ctx.t('login.csrf') });

    const ip = clientIpOf(req);
    const signed = await deps.signIn.confirmCode({ challenge, code: field(req, 'code', 16), ip });
    logged(signed, ip, 'code');
    if (!signed.result.ok) return refuse(req, res, signed.result.error, signed.name, challenge);
    signedIn(req, res, signed.result.value.token);
  });
}
