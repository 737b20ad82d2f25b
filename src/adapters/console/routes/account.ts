import type { Request } from 'express';
import type { TotpError } from '../../../application/operators/operator-totp.js';
import type { Operator } from '../../../application/ports/operators.js';
import { clientIpOf } from '../../http/client-ip.js';
import type { ConsoleRoutes } from '../guarded-routes.js';
import { actorOf, operatorOf, type ConsoleResponse } from '../context.js';
import type { ConsoleDeps } from '../deps.js';
import { flashOf, send, type Flash } from '../layout.js';
import { totpPage } from '../pages/account.js';

const field = (req: Request, name: string, max: number): string => {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.slice(0, max) : '';
};

/** Each operator's own account: setting up the second factor. Every role may, for itself only. */
export function accountRoutes(routes: ConsoleRoutes, deps: ConsoleDeps): void {
  const show = async (req: Request, res: ConsoleResponse, status: number, flash?: Flash) => {
    const ctx = res.locals.console;
    const state = await deps.manageTotp.status(operatorOf(res).operator.name);
    const shown = flash ?? flashOf(req, ctx);
    send(res, status, totpPage(ctx, { active: state?.active ?? false, ...(shown ? { flash: shown } : {}) }));
  };
  const refused = (res: ConsoleResponse, kind: TotpError['kind']): Flash => ({ kind: 'error', text: res.locals.console.t(`totp.${kind}`) });

  /**
   * The password again, checked (and limited) as at sign-in: a session cookie alone must not change how its operator
   * signs in. Answers the operator, or has answered the request.
   */
  const passwordAgain = async (req: Request, res: ConsoleResponse): Promise<Operator | undefined> => {
    const ctx = res.locals.console;
    const checked = await deps.signIn.recheckPassword(operatorOf(res).operator, field(req, 'password', 200), clientIpOf(req));
    if (checked.ok) return checked.value;
    if (checked.error.kind !== 'RateLimited') {
      await show(req, res, 401, { kind: 'error', text: ctx.t('totp.badPassword') });
      return undefined;
    }
    const seconds = checked.error.retryAfterSeconds;
    res.set('Retry-After', String(seconds));
    const text = seconds < 120 ? ctx.t('login.limitedSeconds', { seconds }) : ctx.t('login.limited', { minutes: Math.ceil(seconds / 60) });
    await show(req, res, 429, { kind: 'error', text });
    return undefined;
  };

  routes.page('/console/account/totp', 'read', (req, res) => show(req, res, 200));

  routes.action('/console/account/totp/begin', 'read', async (req, res) => {
    const ctx = res.locals.console;
    const operator = await passwordAgain(req, res);
    if (!operator) return;
    const begun = await deps.manageTotp.begin(operator.name);
    if (!begun.ok) return show(req, res, begun.error.kind === 'NotDurable' ? 409 : 400, refused(res, begun.error.kind));
    const state = await deps.manageTotp.status(operator.name);
    send(res, 200, totpPage(ctx, { active: state?.active ?? false, enrolment: begun.value }));
  });

  // The code proves the app holds the secret just shown; the password was asked before it was shown.
  routes.action('/console/account/totp/confirm', 'read', async (req, res) => {
    const { operator, session } = operatorOf(res);
    const confirmed = await deps.manageTotp.confirm(operator.name, field(req, 'code', 16), actorOf(operator), session.tokenDigest);
    if (confirmed.ok) return res.redirect(303, '/console/account/totp?done=totp');
    await show(req, res, confirmed.error.kind === 'BadCode' ? 400 : 409, refused(res, confirmed.error.kind));
  });

  routes.action('/console/account/totp/remove', 'read', async (req, res) => {
    const operator = await passwordAgain(req, res);
    if (!operator) return;
    const removed = await deps.manageTotp.remove(operator.name, actorOf(operator), operatorOf(res).session.tokenDigest);
    if (removed.ok) return res.redirect(303, '/console/account/totp?done=totpRemoved');
    await show(req, res, 404, refused(res, removed.error.kind));
  });
}
