import { merchantFilterOf } from '../../../domain/shop-scope.js';
import { wholeNumber } from '../../http/input.js';
import { scopeOf } from '../context.js';
import type { ConsoleRoutes } from '../guarded-routes.js';
import type { ConsoleDeps } from '../deps.js';
import { send } from '../layout.js';
import { refundsPage } from '../pages/refunds.js';

const PAGE_SIZE = 50;

/** Every refund of every order of the operator's shops, newest first; a refund is asked for on its order's page (routes/orders.ts). */
export function refundRoutes(routes: ConsoleRoutes, deps: ConsoleDeps): void {
  routes.page('/console/refunds', 'read', async (req, res) => {
    const asked = wholeNumber(req.query.page ?? '1', 'page', 1, 10_000);
    const p = asked.ok ? asked.value : 1;
    const merchantIds = merchantFilterOf(scopeOf(res));
    const found = await deps.orders.listRefunds({ limit: PAGE_SIZE + 1, offset: (p - 1) * PAGE_SIZE, merchantIds });
    send(res, 200, refundsPage(res.locals.console, { entries: found.slice(0, PAGE_SIZE), page: p, hasNext: found.length > PAGE_SIZE }));
  });
}
