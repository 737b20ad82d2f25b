import type { MerchantHealthView } from '../../http/response-schemas.js';
import type { ConsoleContext } from '../context.js';
import { beijingTime } from '../format.js';
import { html, type Html } from '../html.js';
import { csrfField, page, type Flash } from '../layout.js';

const STATE_BADGE = { available: 'ok', unavailable: 'bad', retired: 'warn' } as const;

const when = (ctx: ConsoleContext, iso: string | null): Html | string => (iso ? beijingTime(new Date(iso)) : ctx.t('merch.never'));

function row(ctx: ConsoleContext, m: MerchantHealthView): Html {
  return html`<tr>
    <td><strong>${m.name}</strong><br /><span class="mono">${m.id}</span></td>
    <td>${ctx.t(`merch.mode.${m.mode}`)}${m.provider ? html`<br /><span class="mono">${m.provider}</span>` : ''}</td>
    <td>${m.api_version}</td>
    <td class="mono">${m.mch_id}${m.sub_mch_id ? html`<br />${m.sub_mch_id}` : ''}</td>
    <td>
      <span class="badge ${STATE_BADGE[m.state]}">${ctx.t(`merch.state.${m.state}`)}</span>
      ${
        m.problems.length > 0
          ? html`<ul class="problems">
              ${m.problems.map((p) => html`<li>${p}</li>`)}
            </ul>`
          : ''
      }
    </td>
    <td>${m.expiries.length === 0 ? '—' : m.expiries.map((e) => html`${e.what}: ${beijingTime(new Date(e.valid_to))}<br />`)}</td>
    <td>${when(ctx, m.last_answer_at)}</td>
    <td>${when(ctx, m.last_notify_at)}</td>
  </tr>`;
}

/** Each merchant's health, and (admins) the button that reads MERCHANTS_FILE again. */
export function merchantsPage(ctx: ConsoleContext, merchants: readonly MerchantHealthView[], flash?: Flash): Html {
  const body = html`<table>
      <thead>
        <tr>
          <th>${ctx.t('merch.merchant')}</th>
          <th>${ctx.t('merch.mode')}</th>
          <th>API</th>
          <th>${ctx.t('merch.mchId')}</th>
          <th>${ctx.t('merch.credentials')}</th>
          <th>${ctx.t('merch.expiry')}</th>
          <th>${ctx.t('merch.lastAnswer')}</th>
          <th>${ctx.t('merch.lastNotify')}</th>
        </tr>
      </thead>
      <tbody>
        ${merchants.map((m) => row(ctx, m))}
      </tbody>
    </table>
    <div class="card">
      <p>${ctx.t('merch.reloadHelp')}</p>
      <form method="post" action="/console/merchants/reload">
        ${csrfField(ctx)}
        <button type="submit">${ctx.t('merch.reload')}</button>
      </form>
    </div>`;
  return page(ctx, { title: ctx.t('nav.merchants'), section: 'merchants', ...(flash ? { flash } : {}) }, body);
}
