import type { Order } from '../../../domain/order.js';
import { allows } from '../../../domain/operator-role.js';
import type { ConsoleContext } from '../context.js';
import { href, html, type Html } from '../html.js';
import { csrfField, page, type Flash } from '../layout.js';
import { ordersTable, type GoodsNames } from './orders.js';

export function reviewsPage(ctx: ConsoleContext, orders: readonly Order[], names: GoodsNames, flash?: Flash): Html {
  const canResolve = ctx.operator !== undefined && allows(ctx.operator.role, 'resolveReview');
  const resolve = (o: Order): Html =>
    html`<div class="muted">${o.state.review?.reason ?? ''}</div>
      ${
        canResolve
          ? html`<form class="inline" method="post" action="${href(['orders', o.state.outTradeNo.value, 'review'])}">
              ${csrfField(ctx)}
              <input type="hidden" name="back" value="reviews" />
              <input name="note" required maxlength="500" placeholder="${ctx.t('review.note')}" />
              <button type="submit">${ctx.t('review.resolve')}</button>
            </form>`
          : ''
      }`;
  const body = orders.length ? ordersTable(ctx, orders, names, resolve) : html`<p class="muted">${ctx.t('review.empty')}</p>`;
  return page(ctx, { title: ctx.t('nav.reviews'), section: 'reviews', ...(flash ? { flash } : {}) }, body);
}
