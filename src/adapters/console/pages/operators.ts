import type { OperatorWithShops } from '../../../application/operators/manage-operators.js';
import type { LoginAttempt, Operator } from '../../../application/ports/operators.js';
import type { ShopScope } from '../../../domain/shop-scope.js';
import { OPERATOR_ROLES, type OperatorRole } from '../../../domain/operator-role.js';
import type { ConsoleContext } from '../context.js';
import { beijingTime } from '../format.js';
import { href, html, type Html } from '../html.js';
import { csrfField, page, type Flash } from '../layout.js';
import { shopLabel, type Shops } from '../shops.js';

function roleSelect(ctx: ConsoleContext, current: OperatorRole): Html {
  return html`<select name="role">
    ${OPERATOR_ROLES.map((r) => html`<option value="${r}" ${r === current ? html` selected` : ''}>${ctx.t(`role.${r}`)}</option>`)}
  </select>`;
}

/** The operator's scope in words: every shop, none, or the shops by name and id. */
const scopeText = (ctx: ConsoleContext, shops: ShopScope, names: Shops): string =>
  shops.kind === 'platform'
    ? ctx.t('shops.platform')
    : shops.merchantIds.length
      ? shops.merchantIds.map((id) => shopLabel(names, id)).join(', ')
      : ctx.t('shops.none');

/** Every shop (platform), or a box per merchant: those configured now and any granted earlier and since removed. */
function shopsForm(ctx: ConsoleContext, o: Operator, shops: ShopScope, merchants: Shops): Html {
  const held = shops.kind === 'shops' ? shops.merchantIds : [];
  const offered = [...new Set([...merchants.keys(), ...held])].sort();
  const box = (name: string, value: string, label: string, checked: boolean) =>
    html`<label class="check"><input type="checkbox" name="${name}" value="${value}" ${checked ? html` checked` : ''} />${label}</label>`;
  return html`<form class="inline shops" method="post" action="${href(['operators', o.name, 'shops'])}">
    ${csrfField(ctx)} ${box('all', '1', ctx.t('shops.platform'), shops.kind === 'platform')}
    ${offered.map((id) => box('shop', id, shopLabel(merchants, id), held.includes(id)))}
    <button type="submit" class="secondary">${ctx.t('shops.set')}</button>
  </form>`;
}

function row(ctx: ConsoleContext, { operator: o, shops }: OperatorWithShops, merchants: Shops): Html {
  const form = (action: string, inner: Html) =>
    html`<form class="inline" method="post" action="${href(['operators', o.name, ...action.split('/')])}">${csrfField(ctx)}${inner}</form>`;
  return html`<tr>
    <td><strong>${o.name}</strong></td>
    <td>${ctx.t(`role.${o.role}`)}</td>
    <td>${scopeText(ctx, shops, merchants)}</td>
    <td><span class="badge ${o.disabled ? 'bad' : 'ok'}">${o.disabled ? ctx.t('ops.disabled') : ctx.t('ops.active')}</span></td>
    <td>${beijingTime(o.createdAt)}</td>
    <td>${beijingTime(o.passwordChangedAt)}</td>
    <td>
      ${form('role', html`${roleSelect(ctx, o.role)}<button type="submit" class="secondary">${ctx.t('ops.setRole')}</button>`)}
      ${form(
        o.disabled ? 'enable' : 'disable',
        html`<button type="submit" class="${o.disabled ? 'secondary' : 'danger'}">
          ${o.disabled ? ctx.t('ops.enable') : ctx.t('ops.disable')}
        </button>`,
      )}
      ${form(
        'password',
        html`<input
            type="password"
            name="password"
            autocomplete="new-password"
            minlength="10"
            maxlength="200"
            required
            placeholder="${ctx.t('ops.newPassword')}"
          />
          <button type="submit" class="secondary">${ctx.t('ops.resetPassword')}</button>`,
      )}
      ${form('totp/remove', html`<button type="submit" class="danger">${ctx.t('ops.removeTotp')}</button>`)}
      ${shopsForm(ctx, o, shops, merchants)}
    </td>
  </tr>`;
}

export function operatorsPage(
  ctx: ConsoleContext,
  operators: readonly OperatorWithShops[],
  merchants: Shops,
  attempts: readonly LoginAttempt[],
  flash?: Flash,
): Html {
  const attemptRows = attempts.map(
    (a) =>
      html`<tr>
        <td>${beijingTime(a.at)}</td>
        <td>${a.name}</td>
        <td class="mono">${a.ip}</td>
        <td><span class="badge ${a.outcome === 'succeeded' ? 'ok' : 'bad'}">${ctx.t(`outcome.${a.outcome}`)}</span></td>
      </tr>`,
  );
  const body = html`<table>
      <thead>
        <tr>
          <th>${ctx.t('login.name')}</th>
          <th>${ctx.t('col.role')}</th>
          <th>${ctx.t('shops.col')}</th>
          <th>${ctx.t('col.state')}</th>
          <th>${ctx.t('col.created')}</th>
          <th>${ctx.t('col.passwordChanged')}</th>
          <th>${ctx.t('col.actions')}</th>
        </tr>
      </thead>
      <tbody>
        ${operators.map((o) => row(ctx, o, merchants))}
      </tbody>
    </table>
    <p class="muted">${ctx.t('shops.hint')}</p>
    <h2>${ctx.t('ops.create')}</h2>
    <div class="card">
      <form class="stack" method="post" action="/console/operators">
        ${csrfField(ctx)}
        <label>${ctx.t('login.name')}<input name="name" required maxlength="32" autocomplete="off" /></label>
        <label>${ctx.t('col.role')}${roleSelect(ctx, 'viewer')}</label>
        <label
          >${ctx.t('ops.newPassword')}<input
            type="password"
            name="password"
            autocomplete="new-password"
            minlength="10"
            maxlength="200"
            required
        /></label>
        <div><button type="submit">${ctx.t('ops.create')}</button></div>
      </form>
    </div>
    <h2>${ctx.t('ops.logins')}</h2>
    <table>
      <thead>
        <tr>
          <th>${ctx.t('col.time')}</th>
          <th>${ctx.t('login.name')}</th>
          <th>${ctx.t('col.ip')}</th>
          <th>${ctx.t('col.outcome')}</th>
        </tr>
      </thead>
      <tbody>
        ${attemptRows}
      </tbody>
    </table>`;
  return page(ctx, { title: ctx.t('nav.operators'), section: 'operators', ...(flash ? { flash } : {}) }, body);
}
