import type { MerchantId } from '../../../domain/merchant.js';
import { merchantFilterOf, type ShopScope } from '../../../domain/shop-scope.js';
import { scopeOf } from '../context.js';
import type { ConsoleRoutes } from '../guarded-routes.js';
import { sendError } from '../guarded-routes.js';
import type { ConsoleDeps } from '../deps.js';
import { send } from '../layout.js';
import { shopsOf } from '../shops.js';
import { dashboardPage } from '../pages/dashboard.js';

/** The shops an operator can pick one of: a platform operator every configured merchant, a shop operator their own. */
export const shopChoices = (scope: ShopScope, configured: readonly MerchantId[]): readonly MerchantId[] =>
  scope.kind === 'platform' ? [...configured].sort() : scope.merchantIds;

/**
 * The console's front page: today's and the month's totals, what waits, the notify verdicts — of one shop
 * (`?shop=<merchant>`) or of every shop the operator holds (`?shop=all`, the default). A shop they do not hold is not found.
 */
export function dashboardRoutes(routes: ConsoleRoutes, deps: ConsoleDeps): void {
  routes.page('/console', 'read', async (req, res) => {
    const scope = scopeOf(res);
    const shops = deps.shops();
    const choices = shopChoices(
      scope,
      shops.map((s) => s.id),
    );
    const asked = typeof req.query.shop === 'string' && req.query.shop !== '' ? req.query.shop : 'all';
    if (asked !== 'all' && !choices.includes(asked)) return sendError(res, 404, 'error.notFound');
    const merchantIds = asked === 'all' ? merchantFilterOf(scope) : [asked];
    send(
      res,
      200,
      dashboardPage(res.locals.console, await deps.dashboard.execute(merchantIds), { choices, shown: asked, shops: shopsOf(shops) }),
    );
  });
}
