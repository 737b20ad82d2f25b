import type { AuditEntry } from '../../../application/ports/audit-log.js';
import { OutTradeNo } from '../../../domain/out-trade-no.js';
import type { ConsoleContext } from '../context.js';
import { beijingTime } from '../format.js';
import { href, html, type Html } from '../html.js';
import { actorName, auditAction, auditOutcome, recordedFields } from '../labels.js';
import { page, type Flash } from '../layout.js';

export interface AuditView {
  readonly entries: readonly AuditEntry[];
  readonly subject: string;
  readonly page: number;
  readonly hasNext: boolean;
}

/** A subject as a link to the page of what it names (a user, the goods, an order, the bills, the operators). */
function subjectLink(subject: string): Html {
  const user = /^user:(\d+)$/.exec(subject);
  if (user) return html`<a href="${href(['users', user[1] ?? ''])}">${subject}</a>`;
  if (/^goods:\d+$/.test(subject)) return html`<a href="${href(['goods'])}">${subject}</a>`;
  if (/^bill:\d{8}$/.test(subject)) return html`<a href="${href(['reconciliation'])}">${subject}</a>`;
  if (/^operator:/.test(subject)) return html`<a href="${href(['operators'])}">${subject}</a>`;
  if (OutTradeNo.parse(subject)) return html`<a href="${href(['orders', subject])}">${subject}</a>`;
  return html`${subject}`;
}

export function auditPage(ctx: ConsoleContext, v: AuditView, flash?: Flash): Html {
  const rows = v.entries.map(
    (e) =>
      html`<tr class="audit">
        <td class="time">${beijingTime(e.at)}</td>
        <td>${actorName(ctx, e.actor)}</td>
        <td>${auditAction(ctx, e.action)}</td>
        <td class="mono">${subjectLink(e.subject)}</td>
        <td>${e.note ?? ''}</td>
        <td class="muted">${e.before === undefined ? '' : html`<s>${recordedFields(e.before)}</s><br />`}${auditOutcome(ctx, e)}</td>
      </tr>`,
  );
  const table = rows.length
    ? html`<table>
        <thead>
          <tr>
            <th>${ctx.t('col.time')}</th>
            <th>${ctx.t('audit.actor')}</th>
            <th>${ctx.t('audit.action')}</th>
            <th>${ctx.t('audit.subject')}</th>
            <th>${ctx.t('audit.note')}</th>
            <th>${ctx.t('audit.change')}</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>`
    : html`<p class="muted">${ctx.t('page.empty')}</p>`;
  const link = (p: number) => href(['audit'], { subject: v.subject, page: p });
  const body = html`<form class="filters card" method="get" action="/console/audit">
      <label>${ctx.t('audit.filter')}<input name="subject" value="${v.subject}" /></label
      ><button type="submit">${ctx.t('filter.search')}</button>
      <a href="/console/audit">${ctx.t('filter.reset')}</a>
    </form>
    ${table}
    <div class="pager">
      ${v.page > 1 ? html`<a href="${link(v.page - 1)}">${ctx.t('page.prev')}</a>` : ''}
      ${v.hasNext ? html`<a href="${link(v.page + 1)}">${ctx.t('page.next')}</a>` : ''}
    </div>`;
  return page(ctx, { title: ctx.t('nav.audit'), section: 'audit', ...(flash ? { flash } : {}) }, body);
}
