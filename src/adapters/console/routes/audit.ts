import { textOf, wholeNumber } from '../../http/input.js';
import { merchantFilterOf } from '../../../domain/shop-scope.js';
import { scopeOf } from '../context.js';
import type { ConsoleRoutes } from '../guarded-routes.js';
import type { ConsoleDeps } from '../deps.js';
import { errorFlash, send } from '../layout.js';
import { auditPage } from '../pages/audit.js';

const PAGE_SIZE = 50;

/** The audit log, newest first, optionally of one subject: what `GET /admin/audit` answers, for admins signed in. */
export function auditRoutes(routes: ConsoleRoutes, deps: ConsoleDeps): void {
  routes.page('/console/audit', 'readAudit', async (req, res) => {
    const ctx = res.locals.console;
    const pageNo = wholeNumber(req.query.page ?? '1', 'page', 1, 10_000);
    const typed = typeof req.query.subject === 'string' ? req.query.subject.trim() : '';
    const subject = typed === '' ? undefined : textOf(typed, 'subject', { max: 64 });
    const problem = !pageNo.ok ? pageNo.error : subject?.ok === false ? subject.error : undefined;
    if (problem !== undefined || !pageNo.ok) {
      const view = { entries: [], subject: typed.slice(0, 64), page: 1, hasNext: false };
      return send(res, 400, auditPage(ctx, view, errorFlash(ctx, problem ?? 'page')));
    }
    const p = pageNo.value;
    const found = await deps.audit.list({
      merchantIds: merchantFilterOf(scopeOf(res)),
      limit: PAGE_SIZE + 1,
      offset: (p - 1) * PAGE_SIZE,
      ...(subject?.ok ? { subject: subject.value } : {}),
    });
    const view = { entries: found.slice(0, PAGE_SIZE), subject: typed, page: p, hasNext: found.length > PAGE_SIZE };
    send(res, 200, auditPage(ctx, view));
  });
}
