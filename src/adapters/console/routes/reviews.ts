import type { ConsoleRoutes } from '../guarded-routes.js';
import type { ConsoleDeps } from '../deps.js';
import { goodsNames } from '../goods-names.js';
import { flashOf, send } from '../layout.js';
import { reviewsPage } from '../pages/reviews.js';

const REVIEW_QUEUE_SIZE = 100;

/**
 * The review queue: orders flagged for a person to look at. Resolving one is an action on the order
 * (`/console/orders/:outTradeNo/review`, in routes/orders.ts), reached from here and from the order's page.
 */
export function reviewRoutes(routes: ConsoleRoutes, deps: ConsoleDeps): void {
  routes.page('/console/reviews', 'read', async (req, res) => {
    const orders = await deps.orders.list({ needsReview: true, limit: REVIEW_QUEUE_SIZE, offset: 0 });
    send(res, 200, reviewsPage(res.locals.console, orders, await goodsNames(deps.goods), flashOf(req, res.locals.console)));
  });
}
