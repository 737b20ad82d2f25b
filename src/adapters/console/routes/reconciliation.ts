import type { Request } from 'express';
import { GatewayUnavailableError } from '../../../application/ports/payment-gateway.js';
import { previousBillDate } from '../../../application/reconciliation/reconcile-bill.js';
import { billDay } from '../format.js';
import type { ConsoleRoutes } from '../guarded-routes.js';
import { actorOf, operatorOf, type ConsoleResponse } from '../context.js';
import type { ConsoleDeps } from '../deps.js';
import { href } from '../html.js';
import { errorFlash, flashOf, send, type Flash } from '../layout.js';
import { reconciliationPage } from '../pages/reconciliation.js';

/** The last runs of every reconciliation, and a run of one day's three bills, audited. */
export function reconciliationRoutes(routes: ConsoleRoutes, deps: ConsoleDeps, now: () => Date): void {
  const show = async (req: Request, res: ConsoleResponse, status: number, flash?: Flash) => {
    const [pending, trade, refunds, fundFlow] = await Promise.all([
      deps.runs.latest({ kind: 'pending', limit: 20 }),
      deps.runs.latest({ kind: 'bill', limit: 20 }),
      deps.runs.latest({ kind: 'refbill', limit: 20 }),
      deps.runs.latest({ kind: 'fundflow', limit: 20 }),
    ]);
    const ctx = res.locals.console;
    const bills = { trade, refunds, fundFlow };
    send(res, status, reconciliationPage(ctx, pending, bills, billDay(previousBillDate(now())), flash ?? flashOf(req, ctx)));
  };

  routes.page('/console/reconciliation', 'readBills', (req, res) => show(req, res, 200));

  routes.action('/console/reconciliation/bill', 'reconcile', async (req, res) => {
    const ctx = res.locals.console;
    const typed = (req.body as Record<string, unknown> | undefined)?.date;
    const date = typeof typed === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(typed) ? typed.replaceAll('-', '') : undefined;
    if (!date) return show(req, res, 400, errorFlash(ctx, ctx.t('input.date', { field: ctx.t('rec.billDate') })));
    const audit = (after: unknown) =>
      deps.audit.record({ at: now(), actor: actorOf(operatorOf(res).operator), action: 'bill.reconciled', subject: `bill:${date}`, after });
    let report;
    try {
      report = await deps.reconcileBill(date);
    } catch (error) {
      // WeChat unreachable: on record, and said plainly. Anything else is a server error (logged, never shown).
      if (!(error instanceof GatewayUnavailableError)) throw error;
      await audit({ error: 'WeChat Pay unreachable' });
      return show(req, res, 502, errorFlash(ctx, ctx.t('error.billGateway')));
    }
    const { available, payments, matched, repaired, unknown, mismatched, refundBill, fundFlow } = report;
    await audit({
      available,
      payments,
      matched,
      repaired: repaired.length,
      unknown: unknown.length,
      mismatched: mismatched.length,
      refundsFlagged: refundBill ? refundBill.flagged.length + refundBill.unknown.length : 'not reconciled',
      fundFlowUnmatched: fundFlow ? fundFlow.unmatched.length : 'not reconciled',
    });
    res.redirect(303, href(['reconciliation'], { done: 'bill' }));
  });
}
