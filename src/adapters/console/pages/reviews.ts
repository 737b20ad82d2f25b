import type { ReconcileRun } from '../../../application/ports/reconcile-runs.js';
import type { Order } from '../../../domain/order.js';
import { billDay } from '../format.js';
import { unmatchedLine } from './reconciliation.js';
import { allows } from '../../../domain/operator-role.js';
import type { ConsoleContext } from '../context.js';
import { href, html, type Html } from '../html.js';
import { csrfField, page, type Flash } from '../layout.js';
import { summaryList as strings, summaryRecord as record } from '../run-summary.js';
import { ofRetiredShop, ordersTable, type GoodsNames } from './orders.js';

/** What the latest refund and fund-flow runs could not match, day by day (their runs are on the reconciliation page). */
function billItems(ctx: ConsoleContext, runs: readonly ReconcileRun[]): Html {
  const items = runs.flatMap((run) => {
    const s = record(run.summary);
    const day = run.billDate ? billDay(run.billDate) : '—';
    const title = ctx.t(run.kind === 'refbill' ? 'rec.refundBill' : 'rec.fundFlow');
    const refunds = strings(s.unknown).map((no) => html`<div class="mono">${ctx.t('review.billRefund')}: ${no}</div>`);
    const lines = (Array.isArray(s.unmatched) ? s.unmatched : []).map(unmatchedLine);
    const disagreements = strings(s.discrepancies).map((d) => html`<div class="mono muted">${d}</div>`);
    const all = [...refunds, ...lines, ...disagreements];
    return all.length
      ? [
          html`<tr>
            <td>${day}</td>
            <td>${title}</td>
            <td>${all}</td>
          </tr>`,
        ]
      : [];
  });
  if (!items.length) return html`<p class="muted">${ctx.t('review.billsEmpty')}</p>`;
  return html`<table>
    <thead>
      <tr>
        <th>${ctx.t('rec.billDate')}</th>
        <th>${ctx.t('rec.result')}</th>
        <th>${ctx.t('rec.unmatched')}</th>
      </tr>
    </thead>
    <tbody>
      ${items}
    </tbody>
  </table>`;
}

export function reviewsPage(
  ctx: ConsoleContext,
  orders: readonly Order[],
  names: GoodsNames,
  bills: readonly ReconcileRun[],
  flash?: Flash,
): Html {
  const canResolve = ctx.operator !== undefined && allows(ctx.operator.role, 'resolveReview');
  const resolve = (o: Order): Html =>
    html`<div class="muted">${o.state.review?.reason ?? ''}</div>
      ${
        canResolve && !ofRetiredShop(ctx, o)
          ? html`<form class="inline" method="post" action="${href(['orders', o.state.outTradeNo.value, 'review'])}">
              ${csrfField(ctx)}
              <input type="hidden" name="back" value="reviews" />
              <input name="note" required maxlength="500" placeholder="${ctx.t('review.note')}" />
              <button type="submit">${ctx.t('review.resolve')}</button>
            </form>`
          : ''
      }`;
  const body = orders.length ? ordersTable(ctx, orders, names, resolve) : html`<p class="muted">${ctx.t('review.empty')}</p>`;
  const all = html`${body}
    <h2>${ctx.t('review.bills')}</h2>
    ${billItems(ctx, bills)}`;
  return page(ctx, { title: ctx.t('nav.reviews'), section: 'reviews', ...(flash ? { flash } : {}) }, all);
}
