import type { NextFunction, Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import { allows, allowsIn, type Permission } from '../../domain/operator-role.js';
import type { ConsoleContext, ConsoleResponse } from './context.js';
import { html } from './html.js';
import type { MessageKey } from './i18n.js';
import { page, send } from './layout.js';
import { fromThisOrigin, tokensMatch } from './security.js';

/** A state-changing console route and the capability it needs: the table the role tests walk. */
export interface ConsoleAction {
  readonly path: string;
  readonly permission: Permission;
}

export type ConsoleHandler = (req: Request<Record<string, string>>, res: ConsoleResponse) => Promise<void>;

export function sendError(res: ConsoleResponse, status: number, message: MessageKey, detail?: string): void {
  const ctx: ConsoleContext = res.locals.console;
  const body = html`<div class="flash error" role="alert">${ctx.t(message)}${detail ? html`<br />${detail}` : ''}</div>
    <p><a href="/console">${ctx.t('nav.dashboard')}</a></p>`;
  send(res, status, page(ctx, { title: ctx.t('error.title') }, body));
}

/**
 * Registers console routes so that none can skip its checks: a page (GET) needs a permission; an action (POST)
 * must come from this origin with the session's CSRF token, and then needs a permission, before its handler runs.
 * Every action is listed in `actions`.
 */
export class ConsoleRoutes {
  readonly actions: ConsoleAction[] = [];

  constructor(
    private readonly router: Router,
    private readonly logger: Logger,
  ) {}

  page(path: string, permission: Permission, handler: ConsoleHandler): void {
    this.router.get(path, this.guard(permission), this.safe(handler));
  }

  action(path: string, permission: Permission, handler: ConsoleHandler): void {
    this.actions.push({ path, permission });
    this.router.post(path, csrfCheck, this.guard(permission), this.safe(handler));
  }

  private guard(permission: Permission) {
    return (_req: Request, res: ConsoleResponse, next: NextFunction): void => {
      const { operator, shops } = res.locals.console;
      if (!operator || !shops || !allows(operator.role, permission)) return sendError(res, 403, 'error.forbidden');
      // The role would allow it, but it spans every shop and the operator holds only some.
      if (!allowsIn(operator.role, shops, permission)) return sendError(res, 403, 'shops.platformOnly');
      next();
    };
  }

  private safe(handler: ConsoleHandler) {
    return async (req: Request<Record<string, string>>, res: ConsoleResponse): Promise<void> => {
      try {
        await handler(req, res);
      } catch (error) {
        this.logger.error({ err: error, path: req.path }, 'console request failed');
        if (!res.headersSent) sendError(res, 500, 'error.internal');
      }
    };
  }
}

/** The synchronizer token of the session, compared in constant time, plus the Origin check. */
export function csrfCheck(req: Request, res: Response, next: NextFunction): void {
  const locals = (res as ConsoleResponse).locals;
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
  if (!fromThisOrigin(req) || !tokensMatch(locals.console.session?.csrfToken, body._csrf)) {
    return sendError(res as ConsoleResponse, 403, 'error.csrf');
  }
  next();
}
