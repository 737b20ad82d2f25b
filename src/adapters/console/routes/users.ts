import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { errorResponse } from '../../http/error-status.js';
import { idOf, LIMITS, textOf, tokenOf, wholeNumber } from '../../http/input.js';
import type { ConsoleRoutes } from '../guarded-routes.js';
import { sendError } from '../guarded-routes.js';
import { appIdsOfScope, merchantOfApp } from '../../../application/ports/mini-programs.js';
import type { User } from '../../../application/ports/user-repository.js';
import { coversMerchantOf, merchantFilterOf } from '../../../domain/shop-scope.js';
import { actorOf, operatorOf, scopeOf, type ConsoleResponse } from '../context.js';
import type { ConsoleDeps } from '../deps.js';
import { href } from '../html.js';
import { errorFlash, flashOf, refusalFlash, send, type Flash } from '../layout.js';
import { userPage, usersPage } from '../pages/users.js';

const PAGE_SIZE = 50;

const text = (req: Request, name: string): string => {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim() : '';
};

/** A user belongs to a mini-program, and so to the shop it sells through: an operator sees the users of their shops. */
const holds = (res: ConsoleResponse, deps: ConsoleDeps, user: User): boolean =>
  coversMerchantOf(scopeOf(res), merchantOfApp(deps.miniPrograms, user.appId));

/** Users and their health coins; operators grant coins through the same use case as the admin API. */
export function userRoutes(routes: ConsoleRoutes, deps: ConsoleDeps): void {
  const showUser = async (res: ConsoleResponse, uid: number, status: number, flash?: Flash, switchTo?: string): Promise<void> => {
    const found = await deps.users.findByUid(uid);
    const user = found && holds(res, deps, found) ? found : undefined;
    if (!user) return sendError(res, 404, 'users.notFound');
    const [balance, journal, orders, goods] = await Promise.all([
      deps.ledger.balanceOf(uid),
      deps.ledger.journalOf(uid, 50),
      deps.orders.list({ uid, limit: 20, offset: 0, merchantIds: merchantFilterOf(scopeOf(res)) }),
      deps.goods.listAll(),
    ]);
    const goodsNames = new Map(goods.map((g) => [g.id, g.name]));
    const grantId = `console-${randomBytes(12).toString('base64url')}`;
    send(res, status, userPage(res.locals.console, { user, balance, journal, orders, goodsNames, grantId }, flash, switchTo));
  };

  routes.page('/console/users', 'read', async (req, res) => {
    const ctx = res.locals.console;
    const asked = typeof req.query.uid === 'string' && req.query.uid.trim() !== '' ? idOf(req.query.uid.trim(), 'uid') : undefined;
    if (asked?.ok) return res.redirect(303, href(['users', asked.value]));
    const pageNo = wholeNumber(req.query.page ?? '1', 'page', 1, 10_000);
    const p = pageNo.ok ? pageNo.value : 1;
    // Narrowed in the query, before paging: a shop operator's every page is full, and "next" means there is more.
    const appIds = appIdsOfScope(deps.miniPrograms, merchantFilterOf(scopeOf(res)));
    const listed = await deps.users.list(PAGE_SIZE + 1, (p - 1) * PAGE_SIZE, appIds);
    const users = listed.slice(0, PAGE_SIZE);
    const rows = await Promise.all(users.map(async (user) => ({ user, balance: await deps.ledger.balanceOf(user.uid) })));
    const flash = asked && !asked.ok ? errorFlash(ctx, asked.error) : flashOf(req, ctx);
    send(res, 200, usersPage(ctx, rows, p, listed.length > PAGE_SIZE, flash));
  });

  routes.page('/console/users/:uid', 'read', async (req, res) => {
    const uid = idOf(req.params.uid, 'uid');
    if (!uid.ok) return sendError(res, 404, 'users.notFound');
    await showUser(res, uid.value, 200, flashOf(req, res.locals.console));
  });

  routes.action('/console/users/:uid/grant', 'grantCoins', async (req, res) => {
    const ctx = res.locals.console;
    const uid = idOf(req.params.uid, 'uid');
    if (!uid.ok) return sendError(res, 404, 'users.notFound');
    const amount = wholeNumber(text(req, 'amount'), ctx.t('users.grantAmount'), 1, LIMITS.coins);
    const grantId = tokenOf(text(req, 'grant_id'), 'grant_id');
    const reason = textOf(text(req, 'reason'), 'grant_reason', { max: 200, threeByteUtf8: true });
    // A refused grant's language switch returns to the user with the amount and reason still typed in.
    const keep = href(['users', uid.value], {
      grant_amount: text(req, 'amount').slice(0, 40),
      grant_reason: text(req, 'reason').slice(0, 200),
    });
    const problem = !amount.ok ? amount.error : !reason.ok ? reason.error : !grantId.ok ? 'grant_id' : undefined;
    if (problem !== undefined || !amount.ok || !reason.ok || !grantId.ok)
      return showUser(res, uid.value, 400, errorFlash(ctx, problem ?? ''), keep);
    const result = await deps.grantCoins.execute({
      uid: uid.value,
      amount: amount.value,
      grantId: grantId.value,
      actor: actorOf(operatorOf(res).operator),
      reason: reason.value,
      scope: scopeOf(res),
    });
    if (!result.ok) return showUser(res, uid.value, errorResponse(result.error).status, refusalFlash(ctx, result.error), keep);
    res.redirect(303, href(['users', uid.value], { done: 'grant' }));
  });
}
