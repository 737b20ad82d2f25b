import type { ConsoleRoutes } from '../guarded-routes.js';
import type { ConsoleDeps } from '../deps.js';
import { send } from '../layout.js';
import { dashboardPage } from '../pages/dashboard.js';

/** The console's front page: today's and the month's totals, what waits, the notify verdicts. */
export function dashboardRoutes(routes: ConsoleRoutes, deps: ConsoleDeps): void {
  routes.page('/console', 'read', async (_req, res) => {
    send(res, 200, dashboardPage(res.locals.console, await deps.dashboard.execute()));
  });
}
