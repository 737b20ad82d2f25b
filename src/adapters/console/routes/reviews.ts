import { merchantFilterOf } from '../../../domain/shop-scope.js';
import { scopeOf } from '../context.js';
import type { ConsoleRoutes } from '../guarded-routes.js';
import type { ConsoleDeps } from '../deps.js';
import { goodsNames } from '../goods-names.js';
import { flashOf, send } from '../layout.js';
import { reviewsPage } from '../pages/reviews.js';

const REVIEW_QUEUE_SIZE = 100;
/**
 * The refund and fund-flow runs whose unmatched items the review queue shows: a week of days. An item concerning one
 * of our orders is on that order's review flag as well; the others (nothing here to flag) leave the queue with their run.
 */
const BILL_DAYS_REVIEWED = 7;

/**
 * The review queue: orders flagged for a person to look at, and what the latest refund and fund-flow bills matched
 * to nothing held here. Resolving one is an action on the order
 * (`/console/orders/:outTradeNo/review`, in routes/orders.ts), reached from here and from the order's page.
 */
export function reviewRoutes(routes: ConsoleRoutes, deps: ConsoleDeps): void {
  routes.page('/console/reviews', 'read', async (req, res) => {
    const scope = scopeOf(res);
    // A bill run covers every merchant's bill: what it matched to nothing is the platform's to look at (PLATFORM_ONLY).
    const bills = (kind: 'refbill' | 'fundflow') =>
      scope.kind === 'platform' ? deps.runs.latest({ kind, limit: BILL_DAYS_REVIEWED }) : Promise.resolve([]);
    const [orders, refundBills, fundFlows] = await Promise.all([
      deps.orders.list({ needsReview: true, limit: REVIEW_QUEUE_SIZE, offset: 0, merchantIds: merchantFilterOf(scope) }),
      bills('refbill'),
      bills('fundflow'),
    ]);
    const unmatched = [...refundBills, ...fundFlows].filter((run) => run.problems > 0);
    send(res, 200, reviewsPage(res.locals.console, orders, await goodsNames(deps.goods), unmatched, flashOf(req, res.locals.console)));
  });
}
