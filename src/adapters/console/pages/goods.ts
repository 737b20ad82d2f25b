import type { Goods } from '../../../domain/goods.js';
import { allows } from '../../../domain/operator-role.js';
import type { ConsoleContext } from '../context.js';
import { yuan, yuanField } from '../format.js';
import { href, html, type Html } from '../html.js';
import { csrfField, page, type Flash } from '../layout.js';

/** What the goods form holds, as typed (so a refused form comes back as it was sent). */
export interface GoodsForm {
  readonly name: string;
  readonly market_price: string;
  readonly sale_price: string;
  readonly integral: string;
  readonly online: boolean;
}

export const formOf = (g: Goods): GoodsForm => ({
  name: g.name,
  market_price: yuanField(g.marketPrice.fen),
  sale_price: yuanField(g.salePrice.fen),
  integral: String(g.integral),
  online: g.online,
});

export const EMPTY_GOODS_FORM: GoodsForm = { name: '', market_price: '', sale_price: '', integral: '0', online: true };

function goodsForm(ctx: ConsoleContext, action: string, form: GoodsForm, submit: string): Html {
  return html`<form class="stack" method="post" action="${action}">
    ${csrfField(ctx)}
    <label>${ctx.t('col.name')}<input name="name" required maxlength="100" value="${form.name}" /></label>
    <label>${ctx.t('col.marketPrice')} (¥)<input name="market_price" required inputmode="decimal" value="${form.market_price}" /></label>
    <label>${ctx.t('col.salePrice')} (¥)<input name="sale_price" required inputmode="decimal" value="${form.sale_price}" /></label>
    <label>${ctx.t('col.coins')}<input name="integral" inputmode="numeric" value="${form.integral}" /></label>
    <label
      ><span><input type="checkbox" name="online" value="1" ${form.online ? html` checked` : ''} /> ${ctx.t('col.online')}</span></label
    >
    <p class="muted">${ctx.t('goods.priceHint')}</p>
    <div><button type="submit">${submit}</button></div>
  </form>`;
}

export function goodsListPage(ctx: ConsoleContext, goods: readonly Goods[], form: GoodsForm, flash?: Flash): Html {
  const admin = ctx.operator !== undefined && allows(ctx.operator.role, 'manageGoods');
  const rows = goods.map(
    (g) =>
      html`<tr>
        <td>${g.id}</td>
        <td>${g.name}</td>
        <td class="num">${yuan(g.marketPrice.fen)}</td>
        <td class="num">${yuan(g.salePrice.fen)}</td>
        <td class="num">${g.integral}</td>
        <td><span class="badge ${g.online ? 'ok' : 'bad'}">${g.online ? ctx.t('filter.yes') : ctx.t('filter.no')}</span></td>
        <td>
          ${
            admin
              ? html`<a href="${href(['goods', g.id])}">${ctx.t('goods.editLink')}</a>
                  <form class="inline" method="post" action="${href(['goods', g.id, 'online'])}">
                    ${csrfField(ctx)}
                    <input type="hidden" name="online" value="${g.online ? '0' : '1'}" />
                    <button type="submit" class="secondary" id="goods-${g.id}-toggle">
                      ${g.online ? ctx.t('goods.takeOffline') : ctx.t('goods.putOnline')}
                    </button>
                  </form>`
              : ''
          }
        </td>
      </tr>`,
  );
  const body = html`<table>
      <thead>
        <tr>
          <th>${ctx.t('col.id')}</th>
          <th>${ctx.t('col.name')}</th>
          <th class="num">${ctx.t('col.marketPrice')}</th>
          <th class="num">${ctx.t('col.salePrice')}</th>
          <th class="num">${ctx.t('col.coins')}</th>
          <th>${ctx.t('col.online')}</th>
          <th>${ctx.t('col.actions')}</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
    ${
      admin
        ? html`<h2>${ctx.t('goods.create')}</h2>
            <div class="card">${goodsForm(ctx, '/console/goods', form, ctx.t('goods.create'))}</div>`
        : ''
    }`;
  return page(ctx, { title: ctx.t('nav.goods'), section: 'goods', ...(flash ? { flash } : {}) }, body);
}

export function goodsEditPage(ctx: ConsoleContext, id: number, form: GoodsForm, flash?: Flash): Html {
  const body = html`<div class="card">${goodsForm(ctx, href(['goods', id]), form, ctx.t('goods.save'))}</div>
    <p><a href="/console/goods">${ctx.t('nav.goods')}</a></p>`;
  return page(ctx, { title: ctx.t('goods.edit', { id }), section: 'goods', ...(flash ? { flash } : {}) }, body);
}

/**
 * The step before goods go offline: buyers can no longer order them. `fields` is what the form sent (the whole edit,
 * or only `online`), posted again as it was, with `confirm=yes`.
 */
export function goodsOfflineConfirmPage(ctx: ConsoleContext, goods: Goods, action: string, fields: Readonly<Record<string, string>>): Html {
  const body = html`<div class="card">
    <p>${ctx.t('goods.offlineText', { name: goods.name, id: goods.id })}</p>
    <form class="inline" method="post" action="${action}">
      ${csrfField(ctx)} ${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)}
      <input type="hidden" name="confirm" value="yes" />
      <button type="submit" class="danger" id="confirm-offline">${ctx.t('goods.takeOffline')}</button>
      <a href="/console/goods">${ctx.t('refund.cancel')}</a>
    </form>
  </div>`;
  // The switch goes back to the goods (the action answers POST only).
  return page(ctx, { title: ctx.t('goods.offlineTitle'), section: 'goods', switchTo: '/console/goods' }, body);
}
