import type { RefundEntry } from '../../../application/ports/order-repository.js';
import type { ConsoleContext } from '../context.js';
import { beijingTime, yuan } from '../format.js';
import { href, html, type Html } from '../html.js';
import { exportForm, page } from '../layout.js';

const BADGE = { PROCESSING: 'warn', SUCCESS: 'ok', CLOSED: '', ABNORMAL: 'bad', REFUSED: 'bad' } as const;

export interface RefundsView {
  readonly entries: readonly RefundEntry[];
  readonly page: number;
  readonly hasNext: boolean;
}

export function refundsPage(ctx: ConsoleContext, v: RefundsView): Html {
  const rows = v.entries.map(
    ({ outTradeNo, refund: r }) =>
      html`<tr class="refund">
        <td class="time">${beijingTime(r.requestedAt)}</td>
        <td class="mono"><a href="${href(['orders', outTradeNo])}">${outTradeNo}</a></td>
        <td class="mono">${r.outRefundNo}</td>
        <td class="num">${yuan(r.amount.fen)}</td>
        <td><span class="badge ${BADGE[r.status]}">${ctx.t(`refundStatus.${r.status}`)}</span></td>
        <td class="time">${r.settledAt ? beijingTime(r.settledAt) : '—'}</td>
        <td class="mono">${r.refundId ?? ''}</td>
      </tr>`,
  );
  const table = rows.length
    ? html`<table>
        <thead>
          <tr>
            <th>${ctx.t('refunds.requested')}</th>
            <th>${ctx.t('col.outTradeNo')}</th>
            <th>${ctx.t('refunds.number')}</th>
            <th class="num">${ctx.t('col.amount')}</th>
            <th>${ctx.t('col.status')}</th>
            <th>${ctx.t('refunds.settled')}</th>
            <th>${ctx.t('refunds.refundId')}</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>`
    : html`<p class="muted">${ctx.t('page.empty')}</p>`;
  const pager = html`<div class="pager">
    ${v.page > 1 ? html`<a href="${href(['refunds'], { page: v.page - 1 })}">${ctx.t('page.prev')}</a>` : ''}
    ${v.hasNext ? html`<a href="${href(['refunds'], { page: v.page + 1 })}">${ctx.t('page.next')}</a>` : ''}
  </div>`;
  return page(ctx, { title: ctx.t('nav.refunds'), section: 'refunds' }, html`${exportForm(ctx, 'refunds.csv')}${table}${pager}`);
}
