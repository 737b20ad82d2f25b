import { inputError } from '../input-errors.js';
import type { Order } from '../../../domain/order.js';
import { ORDER_STATUSES } from '../../../domain/order-status.js';
import { PAID_TYPES } from '../../../domain/paid-type.js';
import type { ConsoleContext } from '../context.js';
import { beijingTime, yuan } from '../format.js';
import { href, html, type Html } from '../html.js';
import { page } from '../layout.js';
import { isRetired } from '../shops.js';
import { PAGE_SIZE, type OrderSearch } from '../order-filter.js';

export const statusBadge = (ctx: ConsoleContext, order: Order): Html =>
  html`<span class="badge ${order.status}">${ctx.t(`status.${order.status}`)}</span>`;

/** Whether the order's merchant was retired by a reload: the console shows its orders and takes no action on them. */
export const ofRetiredShop = (ctx: ConsoleContext, order: Order): boolean => isRetired(ctx.merchants ?? new Map(), order.state.merchantId);

/** The mark a retired merchant's order carries wherever it is listed or shown. */
export const retiredBadge = (ctx: ConsoleContext, order: Order): Html =>
  ofRetiredShop(ctx, order)
    ? html` <span class="badge bad retired" title="${ctx.t('shops.retiredHelp')}">${ctx.t('shops.retired')}</span>`
    : html``;

/** Goods names by id, so tables name what was bought (ids of goods since deleted show as the bare id). */
export type GoodsNames = ReadonlyMap<number, string>;

export const goodsLabel = (names: GoodsNames, id: number): string => (names.has(id) ? `${id} · ${names.get(id) ?? ''}` : String(id));

/** One table of orders, as the list, the review queue and a user's page show them. */
export function ordersTable(ctx: ConsoleContext, orders: readonly Order[], names: GoodsNames, extra?: (order: Order) => Html): Html {
  if (orders.length === 0) return html`<p class="muted">${ctx.t('page.empty')}</p>`;
  const rows = orders.map((o) => {
    const s = o.state;
    return html`<tr>
      <td class="mono"><a href="${href(['orders', s.outTradeNo.value])}">${s.outTradeNo.value}</a></td>
      <td><a href="${href(['users', s.uid])}">${s.uid}</a></td>
      <td>${goodsLabel(names, s.goodsId)}</td>
      <td>${ctx.t(`paidType.${s.paidType}`)}</td>
      <td class="num">${yuan(s.cash.fen)}</td>
      <td class="num">${s.integral}</td>
      <td>
        ${statusBadge(ctx, o)}${o.refundedFen > 0 && o.status === 'SUCC' ? html` <span class="badge REFUND">−${yuan(o.refundedFen)}</span>` : ''}${retiredBadge(ctx, o)}
      </td>
      <td>${o.needsReview ? html`<span class="badge warn">${ctx.t('nav.reviews')}</span>` : ''}</td>
      <td>${beijingTime(s.createdAt)}</td>
      <td>${s.paidAt ? beijingTime(s.paidAt) : '—'}</td>
      ${extra ? html`<td>${extra(o)}</td>` : ''}
    </tr>`;
  });
  return html`<table>
    <thead>
      <tr>
        <th>${ctx.t('col.outTradeNo')}</th>
        <th>${ctx.t('col.uid')}</th>
        <th>${ctx.t('col.goods')}</th>
        <th>${ctx.t('col.paidType')}</th>
        <th class="num">${ctx.t('col.amount')}</th>
        <th class="num">${ctx.t('col.coins')}</th>
        <th>${ctx.t('col.status')}</th>
        <th>${ctx.t('col.review')}</th>
        <th>${ctx.t('col.created')}</th>
        <th>${ctx.t('col.paid')}</th>
        ${extra ? html`<th>${ctx.t('col.actions')}</th>` : ''}
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

function select(name: string, current: string | undefined, options: readonly (readonly [string, string])[], anyLabel: string): Html {
  return html`<select name="${name}">
    <option value="">${anyLabel}</option>
    ${options.map(([value, label]) => html`<option value="${value}" ${current === value ? html` selected` : ''}>${label}</option>`)}
  </select>`;
}

function filters(ctx: ConsoleContext, form: Readonly<Record<string, string>>): Html {
  const any = ctx.t('filter.any');
  const text = (name: string, label: string, cls = '') =>
    html`<label>${label}<input name="${name}" value="${form[name] ?? ''}" class="${cls}" /></label>`;
  return html`<form class="filters card" method="get" action="/console/orders">
    <label
      >${ctx.t('col.status')}${select(
        'status',
        form.status,
        ORDER_STATUSES.map((s) => [s, ctx.t(`status.${s}`)] as const),
        any,
      )}</label
    >
    <label
      >${ctx.t('col.paidType')}${select(
        'paid_type',
        form.paid_type,
        PAID_TYPES.map((p) => [p, ctx.t(`paidType.${p}`)] as const),
        any,
      )}</label
    >
    ${text('uid', ctx.t('col.uid'), 'short')} ${text('openid', ctx.t('col.openid'))} ${text('out_trade_no', ctx.t('filter.outTradeNoPart'))}
    ${text('transaction_id', ctx.t('col.transactionId'))}
    <label>${ctx.t('filter.from')}<input type="date" name="from" value="${form.from ?? ''}" /></label>
    <label>${ctx.t('filter.to')}<input type="date" name="to" value="${form.to ?? ''}" /></label>
    <label
      >${ctx.t('col.review')}${select(
        'needs_review',
        form.needs_review,
        [
          ['yes', ctx.t('filter.yes')],
          ['no', ctx.t('filter.no')],
        ],
        any,
      )}</label
    >
    ${form.shop === undefined ? '' : html`<input type="hidden" name="shop" value="${form.shop}" />`}
    <button type="submit">${ctx.t('filter.search')}</button>
    <a href="/console/orders">${ctx.t('filter.reset')}</a>
    <a href="${href(['export', 'orders.csv'], form)}" id="export-orders" download>${ctx.t('csv.export')}</a>
  </form>`;
}

export function ordersPage(ctx: ConsoleContext, search: OrderSearch, found: readonly Order[], names: GoodsNames): Html {
  const hasNext = found.length > PAGE_SIZE;
  const link = (p: number) => href(['orders'], { ...search.form, page: p });
  const pager = html`<div class="pager">
    ${search.page > 1 ? html`<a href="${link(search.page - 1)}">${ctx.t('page.prev')}</a>` : ''}
    ${hasNext ? html`<a href="${link(search.page + 1)}">${ctx.t('page.next')}</a>` : ''}
  </div>`;
  if (search.problems.length) {
    // A refused filter shows its errors alone: the unfiltered list under them would read as the filter's result.
    const text = ctx.t('error.refused', { reason: search.problems.map((p) => inputError(ctx, p)).join('；') });
    return page(ctx, { title: ctx.t('nav.orders'), section: 'orders', flash: { kind: 'error', text } }, filters(ctx, search.form));
  }
  return page(
    ctx,
    { title: ctx.t('nav.orders'), section: 'orders' },
    html`${filters(ctx, search.form)}${ordersTable(ctx, found.slice(0, PAGE_SIZE), names)}${pager}`,
  );
}
