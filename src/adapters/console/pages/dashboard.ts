import type { Dashboard, PeriodTotals } from '../../../application/reporting/dashboard.js';
import type { NotifyVerdictCount } from '../../../application/ports/notify-log.js';
import type { ConsoleContext } from '../context.js';
import { count, yuan } from '../format.js';
import { html, type Html } from '../html.js';
import { notifyAnswer, notifyDetail, notifyKind } from '../labels.js';
import { page } from '../layout.js';
import { paidChart } from './chart.js';

function tiles(ctx: ConsoleContext, label: string, p: PeriodTotals): Html {
  return html`<h2>${label}</h2>
    <div class="tiles">
      <div class="tile">
        <div class="label">${ctx.t('dash.paidCount')}</div>
        <div class="value">${count(p.paidCount)}</div>
      </div>
      <div class="tile">
        <div class="label">${ctx.t('dash.paidAmount')}</div>
        <div class="value">${yuan(p.paidFen)}</div>
      </div>
      <div class="tile">
        <div class="label">${ctx.t('dash.refunds')}</div>
        <div class="value">${yuan(p.refunds.fen)}</div>
        <div class="sub">${ctx.t('dash.refundCount', { n: count(p.refunds.count) })}</div>
      </div>
    </div>`;
}

function verdicts(ctx: ConsoleContext, title: string, rows: readonly NotifyVerdictCount[]): Html {
  const body = rows.length
    ? rows.map(
        (r) =>
          html`<tr>
            <td>${notifyKind(ctx, r.kind)}</td>
            <td>
              <span class="badge ${r.verdict === 'SUCCESS' ? 'ok' : 'bad'}" title="${r.verdict}">${notifyAnswer(ctx, r.verdict)}</span>
            </td>
            <td title="${r.detail}">${notifyDetail(ctx, r.detail)}</td>
            <td class="num">${count(r.count)}</td>
          </tr>`,
      )
    : html`<tr>
        <td colspan="4" class="muted">${ctx.t('dash.noNotifies')}</td>
      </tr>`;
  return html`<div>
    <h2>${title}</h2>
    <table>
      <thead>
        <tr>
          <th>${ctx.t('col.kind')}</th>
          <th>${ctx.t('col.verdict')}</th>
          <th>${ctx.t('col.detail')}</th>
          <th class="num">${ctx.t('col.count')}</th>
        </tr>
      </thead>
      <tbody>
        ${body}
      </tbody>
    </table>
  </div>`;
}

export function dashboardPage(ctx: ConsoleContext, d: Dashboard): Html {
  const waiting = html`<div class="tiles">
    <a class="tile" href="/console/orders?status=CHECKED"
      ><div class="label">${ctx.t('dash.awaiting')}</div>
      <div class="value">${count(d.awaitingPayment)}</div></a
    >
    <a class="tile${d.needingReview > 0 ? ' alert' : ''}" href="/console/reviews"
      ><div class="label">${ctx.t('dash.review')}</div>
      <div class="value">${count(d.needingReview)}</div></a
    >
  </div>`;
  const body = html`${waiting} ${tiles(ctx, ctx.t('dash.today'), d.todayTotals)} ${tiles(ctx, ctx.t('dash.period'), d.periodTotals)}
    <h2>${ctx.t('dash.chart')}</h2>
    <div class="card">${paidChart(d.perDay, d.today, ctx.t('dash.chart'))}</div>
    <div class="grid2">
      ${verdicts(ctx, `${ctx.t('dash.verdicts')} · ${ctx.t('dash.today')}`, d.verdictsToday)}
      ${verdicts(ctx, `${ctx.t('dash.verdicts')} · ${ctx.t('dash.period')}`, d.verdictsPeriod)}
    </div>`;
  return page(ctx, { title: ctx.t('nav.dashboard'), section: 'dashboard' }, body);
}
