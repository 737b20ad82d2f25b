import type { JournalEntry } from '../../../application/ports/integral-ledger.js';
import type { User } from '../../../application/ports/user-repository.js';
import type { Order } from '../../../domain/order.js';
import { allows } from '../../../domain/operator-role.js';
import type { ConsoleContext } from '../context.js';
import { beijingTime, count } from '../format.js';
import { href, html, type Html } from '../html.js';
import { csrfField, page, type Flash } from '../layout.js';
import { ordersTable, type GoodsNames } from './orders.js';

export interface UserRow {
  readonly user: User;
  readonly balance: number;
}

export function usersPage(ctx: ConsoleContext, rows: readonly UserRow[], pageNo: number, hasNext: boolean, flash?: Flash): Html {
  // A refused search shows its error alone: the unfiltered list under it would read as its result.
  const refused = flash?.kind === 'error';
  const table = refused
    ? ''
    : rows.length
      ? html`<table>
          <thead>
            <tr>
              <th>${ctx.t('col.uid')}</th>
              <th>${ctx.t('col.openid')}</th>
              <th class="num">${ctx.t('col.balance')}</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (r) =>
                html`<tr>
                  <td><a href="${href(['users', r.user.uid])}">${r.user.uid}</a></td>
                  <td class="mono">${r.user.openid}</td>
                  <td class="num">${count(r.balance)}</td>
                </tr>`,
            )}
          </tbody>
        </table>`
      : html`<p class="muted">${ctx.t('page.empty')}</p>`;
  const body = html`<form class="filters card" method="get" action="/console/users">
      <label>${ctx.t('users.search')}<input name="uid" class="short" /></label><button type="submit">${ctx.t('filter.search')}</button>
    </form>
    ${table}
    <div class="pager" ${refused ? 'hidden' : ''}>
      ${pageNo > 1 ? html`<a href="${href(['users'], { page: pageNo - 1 })}">${ctx.t('page.prev')}</a>` : ''}
      ${hasNext ? html`<a href="${href(['users'], { page: pageNo + 1 })}">${ctx.t('page.next')}</a>` : ''}
    </div>`;
  return page(ctx, { title: ctx.t('nav.users'), section: 'users', ...(flash ? { flash } : {}) }, body);
}

export interface UserView {
  readonly user: User;
  readonly balance: number;
  readonly journal: readonly JournalEntry[];
  readonly orders: readonly Order[];
  readonly goodsNames: GoodsNames;
  /** Names the grant the form makes, so submitting it twice grants once. */
  readonly grantId: string;
}

export function userPage(ctx: ConsoleContext, v: UserView, flash?: Flash, switchTo?: string): Html {
  const canGrant = ctx.operator !== undefined && allows(ctx.operator.role, 'grantCoins');
  // What a refused grant had typed (its language switch comes back here with it).
  const typed = new URL(ctx.here, 'http://console.invalid').searchParams;
  const journal = v.journal.map(
    (e) =>
      html`<tr>
        <td>${beijingTime(e.at)}</td>
        <td>${ctx.t(`coins.${e.operation}`)}</td>
        <td class="num">${e.delta > 0 ? '+' : ''}${e.delta}</td>
        <td class="mono">${e.outTradeNo ? html`<a href="${href(['orders', e.outTradeNo])}">${e.outTradeNo}</a>` : ''}</td>
        <td>${e.reason ?? ''}</td>
        <td>${e.grantedBy ?? ''}</td>
      </tr>`,
  );
  const grant = canGrant
    ? html`<div class="card">
        <h2>${ctx.t('users.grant')}</h2>
        <form class="filters" method="post" action="${href(['users', v.user.uid, 'grant'])}">
          ${csrfField(ctx)}
          <input type="hidden" name="grant_id" value="${v.grantId}" />
          <label
            >${ctx.t('users.grantAmount')}
            <input name="amount" required inputmode="numeric" class="short" value="${typed.get('grant_amount') ?? ''}"
          /></label>
          <label
            >${ctx.t('users.grantReason')} <input name="reason" required maxlength="200" value="${typed.get('grant_reason') ?? ''}"
          /></label>
          <button type="submit" id="grant">${ctx.t('users.grantSubmit')}</button>
        </form>
      </div>`
    : '';
  const body = html`<div class="grid2">
      <div class="card">
        <dl class="facts">
          <dt>${ctx.t('col.uid')}</dt>
          <dd>${v.user.uid}</dd>
          <dt>${ctx.t('col.openid')}</dt>
          <dd class="mono">${v.user.openid}</dd>
          <dt>${ctx.t('col.balance')}</dt>
          <dd><strong id="balance">${count(v.balance)}</strong></dd>
        </dl>
      </div>
      <div>${grant}</div>
    </div>
    <h2>${ctx.t('users.orders')}</h2>
    ${ordersTable(ctx, v.orders, v.goodsNames)}
    <h2>${ctx.t('users.journal')}</h2>
    ${
      journal.length
        ? html`<table>
            <thead>
              <tr>
                <th>${ctx.t('col.time')}</th>
                <th>${ctx.t('col.kind')}</th>
                <th class="num">${ctx.t('col.coins')}</th>
                <th>${ctx.t('col.outTradeNo')}</th>
                <th>${ctx.t('col.reason')}</th>
                <th>${ctx.t('users.grantedBy')}</th>
              </tr>
            </thead>
            <tbody>
              ${journal}
            </tbody>
          </table>`
        : html`<p class="muted">${ctx.t('page.empty')}</p>`
    }`;
  const options = { title: ctx.t('users.title', { uid: v.user.uid }), section: 'users' as const, ...(flash ? { flash } : {}) };
  return page(ctx, { ...options, ...(switchTo ? { switchTo } : {}) }, body);
}
