import type { Request } from 'express';
import type { TotpError } from '../../../application/operators/operator-totp.js';
import type { ConsoleRoutes } from '../guarded-routes.js';
import { actorOf, operatorOf, type ConsoleResponse } from '../context.js';
import type { ConsoleDeps } from '../deps.js';
import { flashOf, send, type Flash } from '../layout.js';
import { totpPage } from '../pages/account.js';

/** Each operator's own account: setting up the second factor. Every role may, for itself only. */
export function accountRoutes(routes: ConsoleRoutes, deps: ConsoleDeps): void {
  const show = async (req: Request, res: ConsoleResponse, status: number, flash?: Flash) => {
    const ctx = res.locals.console;
    const state = await deps.manageTotp.status(operatorOf(res).operator.name);
    const shown = flash ?? flashOf(req, ctx);
    send(res, status, totpPage(ctx, { active: state?.active ?? false, ...(shown ? { flash: shown } : {}) }));
  };
  const refused = (res: ConsoleResponse, kind: TotpError['kind']): Flash => ({ kind: 'error', text: res.locals.console.t(`totp.${kind}`) });

  routes.page('/console/account/totp', 'read', (req, res) => show(req, res, 200));

  routes.action('/console/account/totp/begin', 'read', async (req, res) => {
    const ctx = res.locals.console;
    const name = operatorOf(res).operator.name;
    const begun = await deps.manageTotp.begin(name);
    if (!begun.ok) return show(req, res, begun.error.kind === 'NotDurable' ? 409 : 400, refused(res, begun.error.kind));
    const state = await deps.manageTotp.status(name);
    send(res, 200, totpPage(ctx, { active: state?.active ?? false, enrolment: begun.value }));
  });

  routes.action('/console/account/totp/confirm', 'read', async (req, res) => {
    const operator = operatorOf(res).operator;
    const typed = (req.body as Record<string, unknown> | undefined)?.code;
    const code = typeof typed === 'string' ? typed.slice(0, 16) : '';
    const confirmed = await deps.manageTotp.confirm(operator.name, code, actorOf(operator));
    if (confirmed.ok) return res.redirect(303, '/console/account/totp?done=totp');
    await show(req, res, confirmed.error.kind === 'BadCode' ? 400 : 409, refused(res, confirmed.error.kind));
  });
}
