import type { Request } from 'express';
import type { OperatorError } from '../../../application/operators/manage-operators.js';
import { isOperatorRole } from '../../../domain/operator-role.js';
import type { Result } from '../../../domain/result.js';
import { PLATFORM, shopsScope } from '../../../domain/shop-scope.js';
import type { ConsoleRoutes } from '../guarded-routes.js';
import { actorOf, operatorOf, type ConsoleResponse } from '../context.js';
import type { ConsoleDeps } from '../deps.js';
import { href } from '../html.js';
import { errorFlash, flashOf, send, type Flash } from '../layout.js';
import { operatorsPage } from '../pages/operators.js';
import { shopsOf } from '../shops.js';

const text = (req: Request, name: string): string => {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : '';
};

/**
 * Operators, for admins only: create, change role, disable or enable, reset a password or remove a second factor
 * (either signs them out everywhere).
 */
export function operatorRoutes(routes: ConsoleRoutes, deps: ConsoleDeps): void {
  const show = async (req: Request, res: ConsoleResponse, status: number, flash?: Flash) => {
    const ctx = res.locals.console;
    const [operators, attempts] = await Promise.all([deps.manageOperators.listWithShops(), deps.loginAttempts.recent(50)]);
    send(res, status, operatorsPage(ctx, operators, shopsOf(deps.shops()), attempts, flash ?? flashOf(req, ctx)));
  };

  const finish = async (req: Request, res: ConsoleResponse, result: Result<unknown, OperatorError>) => {
    if (result.ok) return res.redirect(303, href(['operators'], { done: 'operator' }));
    const ctx = res.locals.console;
    const status =
      result.error.kind === 'OperatorNotFound' ? 404 : result.error.kind === 'NameTaken' || result.error.kind === 'LastAdmin' ? 409 : 400;
    await show(req, res, status, errorFlash(ctx, ctx.t(`ops.${result.error.kind}`)));
  };

  routes.page('/console/operators', 'manageOperators', (req, res) => show(req, res, 200));

  routes.action('/console/operators', 'manageOperators', async (req, res) => {
    const role = text(req, 'role');
    if (!isOperatorRole(role)) return show(req, res, 400, errorFlash(res.locals.console, 'role'));
    const command = { name: text(req, 'name'), role, password: text(req, 'password') };
    await finish(req, res, await deps.manageOperators.add(command, actorOf(operatorOf(res).operator)));
  });

  routes.action('/console/operators/:name/role', 'manageOperators', async (req, res) => {
    const role = text(req, 'role');
    if (!isOperatorRole(role)) return show(req, res, 400, errorFlash(res.locals.console, 'role'));
    await finish(req, res, await deps.manageOperators.setRole(req.params.name ?? '', role, actorOf(operatorOf(res).operator)));
  });

  for (const [path, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    routes.action(`/console/operators/:name/${path}`, 'manageOperators', async (req, res) => {
      await finish(req, res, await deps.manageOperators.setDisabled(req.params.name ?? '', disabled, actorOf(operatorOf(res).operator)));
    });
  }

  // For a lost phone: as `npm run operator -- totp-remove <name>`, audited under the admin's name.
  routes.action('/console/operators/:name/totp/remove', 'manageOperators', async (req, res) => {
    const { operator, session } = operatorOf(res);
    const removed = await deps.manageTotp.remove(req.params.name ?? '', actorOf(operator), session.tokenDigest);
    if (removed.ok) return res.redirect(303, href(['operators'], { done: 'operator' }));
    await show(req, res, 404, errorFlash(res.locals.console, res.locals.console.t('ops.OperatorNotFound')));
  });

  // Platform operator (`all`), or a shop operator of the boxes ticked (none ticked: of no shop). Audited.
  routes.action('/console/operators/:name/shops', 'manageOperators', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const ticked = ([] as unknown[]).concat(body.shop ?? []);
    const shops = body.all === '1' ? PLATFORM : shopsScope(ticked.map((id) => (typeof id === 'string' ? id : '')));
    await finish(req, res, await deps.manageOperators.setShops(req.params.name ?? '', shops, actorOf(operatorOf(res).operator)));
  });

  routes.action('/console/operators/:name/password', 'manageOperators', async (req, res) => {
    const actor = actorOf(operatorOf(res).operator);
    await finish(req, res, await deps.manageOperators.resetPassword(req.params.name ?? '', text(req, 'password'), actor));
  });
}
