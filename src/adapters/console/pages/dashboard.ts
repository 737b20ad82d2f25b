import type { Dashboard, PeriodTotals } from '../../../application/reporting/dashboard.js';
import type { NotifyVerdictCount } from '../../../application/ports/notify-log.js';
import type { ConsoleContext } from '../context.js';
import { count, yuan } from '../format.js';
import type { MerchantId } from '../../../domain/merchant.js';
import { EMPTY, href, html, type Html } from '../html.js';
import { notifyAnswer, notifyDetail, notifyKind } from '../labels.js';
import { page } from '../layout.js';
import { shopLabel, type Shops } from '../shops.js';
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

/** Which shop the dashboard shows, of those the operator may pick (`all`: every one they hold). */
export interface ShopSelection {
  readonly choices: readonly MerchantId[];
  readonly shown: MerchantId | 'all';
  /** Their names: each choice reads "name (id)". */
  readonly shops: Shops;
}

/** A GET form: one select and its button, shown only to an operator with more than one shop. */
function shopSelector(ctx: ConsoleContext, s: ShopSelection): Html {
  if (s.choices.length < 2) return EMPTY;
  const option = (value: string, label: string) =>
    html`<option value="${value}" ${value === s.shown ? html` selected` : ''}>${label}</option>`;
  return html`<form class="filters card" method="get" action="/console">
    <label
      >${ctx.t('shops.shop')}<select name="shop">
        ${option('all', ctx.t('shops.all'))} ${s.choices.map((id) => option(id, shopLabel(s.shops, id)))}
      </select></label
    >
    <button type="submit" class="secondary">${ctx.t('shops.show')}</button>
  </form>`;
}

export function dashboardPage(
  ctx: ConsoleContext,
  d: Dashboard,
  shops: ShopSelection = { choices: [], shown: 'all', shops: new Map() },
): Html {
  const waiting = html`<div class="tiles">
    <a class="tile" href="${href(['orders'], { status: 'CHECKED', ...(shops.shown === 'all' ? {} : { shop: shops.shown }) })}"
      ><div class="label">${ctx.t('dash.awaiting')}</div>
      <div class="value">${count(d.awaitingPayment)}</div></a
    >
    <a class="tile${d.needingReview > 0 ? ' alert' : ''}" href="/console/reviews"
      ><div class="label">${ctx.t('dash.review')}</div>
      <div class="value">${count(d.needingReview)}</div></a
    >
  </div>`;
  const body = html`${shopSelector(ctx, shops)} ${waiting} ${tiles(ctx, ctx.t('dash.today'), d.todayTotals)}
    ${tiles(ctx, ctx.t('dash.period'), d.periodTotals)}
    <h2>${ctx.t('dash.chart')}</h2>
    <div class="card">${paidChart(d.perDay, d.today, ctx.t('dash.chart'))}</div>
    <div class="grid2">
      ${verdicts(ctx, `${ctx.t('dash.verdicts')} · ${ctx.t('dash.today')}`, d.verdictsToday)}
      ${verdicts(ctx, `${ctx.t('dash.verdicts')} · ${ctx.t('dash.period')}`, d.verdictsPeriod)}
    </div>`;
  return page(ctx, { title: ctx.t('nav.dashboard'), section: 'dashboard' }, body);
}
