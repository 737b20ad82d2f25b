import type { MerchantsAdmin } from '../../http/admin-routes.js';
import type { ConsoleRoutes } from '../guarded-routes.js';
import { actorOf, operatorOf } from '../context.js';
import { send } from '../layout.js';
import { merchantsPage } from '../pages/merchants.js';

/**
 * The merchants' health, and reading MERCHANTS_FILE again: admins only. A reload that does not validate changes
 * nothing, and the page says why.
 */
export function merchantRoutes(routes: ConsoleRoutes, merchants: MerchantsAdmin): void {
  routes.page('/console/merchants', 'manageMerchants', async (_req, res) => {
    send(res, 200, merchantsPage(res.locals.console, merchants.health()));
  });

  routes.action('/console/merchants/reload', 'manageMerchants', async (_req, res) => {
    const ctx = res.locals.console;
    const outcome = await merchants.reload(actorOf(operatorOf(res).operator));
    const flash = outcome.reloaded
      ? {
          kind: 'done' as const,
          text:
            ctx.t('merch.reloaded', {
              added: outcome.added.join(', ') || '—',
              retired: outcome.retired.join(', ') || '—',
              unavailable: outcome.unavailable.map((u) => u.merchant).join(', ') || '—',
              mpAdded: outcome.mini_programs.added.join(', ') || '—',
              mpRemoved: outcome.mini_programs.removed.join(', ') || '—',
            }) + (outcome.warnings.length > 0 ? ` ${ctx.t('merch.reloadWarned')} ${outcome.warnings.join('; ')}` : ''),
        }
      : { kind: 'error' as const, text: `${ctx.t('merch.reloadRefused')} ${outcome.problems.join('; ')}` };
    send(res, outcome.reloaded ? 200 : 422, merchantsPage(ctx, merchants.health(), flash));
  });
}
