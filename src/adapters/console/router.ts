import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { ConsoleRoutes, sendError, type ConsoleAction } from './guarded-routes.js';
import { CONSOLE_CSS } from './console-css.js';
import { contextOf, type ConsoleResponse } from './context.js';
import { clearCookie, readCookie } from './cookies.js';
import type { ConsoleDeps } from './deps.js';
import { shopsOf } from './shops.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { exportRoutes } from './routes/export.js';
import { goodsRoutes } from './routes/goods.js';
import { operatorRoutes } from './routes/operators.js';
import { accountRoutes } from './routes/account.js';
import { merchantRoutes } from './routes/merchants.js';
import { orderRoutes } from './routes/orders.js';
import { reconciliationRoutes } from './routes/reconciliation.js';
import { refundRoutes } from './routes/refunds.js';
import { reviewRoutes } from './routes/reviews.js';
import { userRoutes } from './routes/users.js';
import { consoleContentSecurityPolicy } from './security.js';
import { requireSession, SESSION_COOKIE } from './session.js';

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#07c160"/><text x="16" y="22" font-size="16" text-anchor="middle" fill="#fff" font-family="sans-serif">¥</text></svg>`;

export interface ConsoleRouter {
  readonly router: Router;
  /** Every state-changing route with the permission it needs (the role tests walk it). */
  readonly actions: readonly ConsoleAction[];
}

/**
 * The operator console at /console: server-rendered pages, no client script, one stylesheet, all served here.
 * Sign-in is open; everything else needs a live session, and every POST its CSRF token and a role allowed to act.
 */
export function consoleRouter(deps: ConsoleDeps, now: () => Date): ConsoleRouter {
  const router = Router();
  router.use(
    '/console',
    consoleContentSecurityPolicy,
    // Parsed first: a form's page context (its `_back` field) names the page the language switch returns to.
    express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }),
    (req: Request, res: Response, next: NextFunction) => {
      (res as ConsoleResponse).locals.console = { ...contextOf(req, res), sandbox: deps.sandbox, merchants: shopsOf(deps.shops()) };
      next();
    },
  );
  router.get('/console/assets/console.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'no-cache').send(CONSOLE_CSS);
  });
  router.get('/console/assets/favicon.svg', (_req, res) => {
    res.type('image/svg+xml').set('Cache-Control', 'no-cache').send(FAVICON);
  });
  authRoutes(router, deps);

  router.use('/console', requireSession(deps.resumeSession));
  const routes = new ConsoleRoutes(router, deps.logger);
  routes.action('/console/logout', 'read', async (req, res) => {
    await deps.signOut.execute(readCookie(req, SESSION_COOKIE));
    clearCookie(req, res, SESSION_COOKIE, '/console');
    res.redirect(303, '/console/login');
  });
  dashboardRoutes(routes, deps);
  orderRoutes(routes, deps, now);
  reviewRoutes(routes, deps);
  refundRoutes(routes, deps);
  goodsRoutes(routes, deps);
  userRoutes(routes, deps);
  reconciliationRoutes(routes, deps, now);
  operatorRoutes(routes, deps);
  auditRoutes(routes, deps);
  exportRoutes(routes, deps);
  accountRoutes(routes, deps);
  merchantRoutes(routes, deps.merchants);
  router.use('/console', (_req: Request, res: ConsoleResponse) => sendError(res, 404, 'error.notFound'));
  return { router, actions: routes.actions };
}
