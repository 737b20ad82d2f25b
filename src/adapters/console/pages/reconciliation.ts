import type { ReconcileRun } from '../../../application/ports/reconcile-runs.js';
import { allows } from '../../../domain/operator-role.js';
import type { ConsoleContext } from '../context.js';
import { beijingTime, billDay, yuan } from '../format.js';
import { href, html, type Html } from '../html.js';
import { csrfField, exportForm, page, type Flash } from '../layout.js';
import {
  PENDING_COUNTS,
  summaryCount as num,
  summaryList as list,
  summaryRecord as record,
  summaryUnknownPayments,
} from '../run-summary.js';
import { shopLabel } from '../shops.js';

function outcome(ctx: ConsoleContext, run: ReconcileRun): Html {
  // WeChat had no bill for the day: nothing was compared, so it is neither a success nor a failure.
  if (run.succeeded && record(run.summary).available === false) return html`<span class="badge">${ctx.t('rec.noBill')}</span>`;
  const ok = run.succeeded && run.problems === 0;
  return html`<span class="badge ${ok ? 'ok' : run.succeeded ? 'warn' : 'bad'}"
    >${run.succeeded ? ctx.t('rec.ok') : ctx.t('rec.failed')}</span
  >`;
}

const took = (run: ReconcileRun): string => `${((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000).toFixed(1)} s`;

function pendingTable(ctx: ConsoleContext, runs: readonly ReconcileRun[]): Html {
  if (!runs.length) return html`<p class="muted">${ctx.t('rec.none')}</p>`;
  const heads = PENDING_COUNTS;
  const rows = runs.map((run) => {
    const s = record(run.summary);
    const cells = heads.map((h) => html`<td class="num">${num(s[h])}</td>`);
    return html`<tr>
      <td>${beijingTime(run.startedAt)}</td>
      <td class="num">${took(run)}</td>
      <td>
        ${outcome(ctx, run)} ${run.succeeded ? '' : html`<div class="mono muted">${String(s.error ?? '')}</div>`} ${causes(s.problems)}
      </td>
      ${cells}
      <td class="num">${run.problems}</td>
    </tr>`;
  });
  return html`<table>
    <thead>
      <tr>
        <th>${ctx.t('rec.started')}</th>
        <th class="num">${ctx.t('rec.duration')}</th>
        <th>${ctx.t('rec.result')}</th>
        ${heads.map((h) => html`<th class="num">${ctx.t(`rec.col.${h}`)}</th>`)}
        <th class="num">${ctx.t('rec.problems')}</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

/** What a run could not settle, and why (the report names the first few): subject and cause, as text. */
function causes(problems: unknown): Html {
  const named = (Array.isArray(problems) ? problems : []).slice(0, 5).map(record);
  return html`${named.map((p) => html`<div class="mono muted">${String(p.subject ?? '')}: ${String(p.cause ?? '')}</div>`)}`;
}

function numbers(values: readonly string[]): Html {
  if (values.length === 0) return html`<span class="muted">—</span>`;
  return html`${values.map((no, i) => html`${i ? ', ' : ''}<a class="mono" href="${href(['orders', no])}">${no}</a>`)}`;
}

/** Payments WeChat billed that no order here matches: each out_trade_no with the shop whose bill it was in. */
function unknownPayments(ctx: ConsoleContext, s: Record<string, unknown>): Html {
  const payments = summaryUnknownPayments(s);
  if (!payments.length) return html`—`;
  return html`${payments.map(
    (p) =>
      html`<div class="unknown-payment">
        <span class="mono">${p.outTradeNo}</span>${p.merchantId ? html` · ${shopLabel(ctx.merchants ?? new Map(), p.merchantId)}` : ''}
      </div>`,
  )}`;
}

function billTable(ctx: ConsoleContext, runs: readonly ReconcileRun[]): Html {
  if (!runs.length) return html`<p class="muted">${ctx.t('rec.none')}</p>`;
  const rows = runs.map((run) => {
    const s = record(run.summary);
    return html`<tr>
      <td>${run.billDate ? billDay(run.billDate) : '—'}</td>
      <td>${beijingTime(run.startedAt)}</td>
      <td>
        ${outcome(ctx, run)}${s.available === false ? html`<div class="muted">${ctx.t('rec.noBillWhy')}</div>` : ''}
        ${list(s.discrepancies).map((d) => html`<div class="mono muted">${d}</div>`)}
      </td>
      <td class="num">${num(s.payments)}</td>
      <td class="num">${num(s.matched)}</td>
      <td>${numbers(list(s.repaired))}</td>
      <td>${unknownPayments(ctx, s)}</td>
      <td>${numbers(list(s.mismatched))}</td>
    </tr>`;
  });
  return html`<table>
    <thead>
      <tr>
        <th>${ctx.t('rec.billDate')}</th>
        <th>${ctx.t('rec.started')}</th>
        <th>${ctx.t('rec.result')}</th>
        <th class="num">${ctx.t('rec.payments')}</th>
        <th class="num">${ctx.t('rec.matched')}</th>
        <th>${ctx.t('rec.repaired')}</th>
        <th>${ctx.t('rec.unknown')}</th>
        <th>${ctx.t('rec.mismatched')}</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

/** The columns every bill run starts with: its day, when it ran, and how it went (with the bill's own disagreements). */
function billRunCells(ctx: ConsoleContext, run: ReconcileRun, s: Record<string, unknown>): Html {
  return html`<td>${run.billDate ? billDay(run.billDate) : '—'}</td>
    <td>${beijingTime(run.startedAt)}</td>
    <td>
      ${outcome(ctx, run)} ${run.succeeded ? '' : html`<div class="mono muted">${String(s.error ?? '')}</div>`}
      ${list(s.discrepancies).map((d) => html`<div class="mono muted">${d}</div>`)}
    </td>`;
}

const billRunHeads = (ctx: ConsoleContext): Html =>
  html`<th>${ctx.t('rec.billDate')}</th>
    <th>${ctx.t('rec.started')}</th>
    <th>${ctx.t('rec.result')}</th>`;

function refundBillTable(ctx: ConsoleContext, runs: readonly ReconcileRun[]): Html {
  if (!runs.length) return html`<p class="muted">${ctx.t('rec.none')}</p>`;
  const rows = runs.map((run) => {
    const s = record(run.summary);
    return html`<tr>
      ${billRunCells(ctx, run, s)}
      <td class="num">${num(s.refunds)}</td>
      <td class="num">${num(s.matched)}</td>
      <td class="mono">${list(s.repaired).join(', ') || '—'}</td>
      <td class="mono">${list(s.unknown).join(', ') || '—'}</td>
      <td>${numbers(list(s.flagged))}</td>
    </tr>`;
  });
  return html`<table>
    <thead>
      <tr>
        ${billRunHeads(ctx)}
        <th class="num">${ctx.t('rec.refunds')}</th>
        <th class="num">${ctx.t('rec.matched')}</th>
        <th>${ctx.t('rec.repaired')}</th>
        <th>${ctx.t('rec.unknown')}</th>
        <th>${ctx.t('rec.flaggedOrders')}</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

/** A fund-flow line matched to nothing (or to another amount), as the run recorded it. */
export function unmatchedLine(value: unknown): Html {
  const u = record(value);
  const sign = u.income === true ? '+' : '−';
  return html`<div class="mono">
    ${sign}${yuan(num(u.amountFen))} ${String(u.description ?? '')} · ${String(u.businessNo ?? '')}
    ${u.voucherNo ? html` · ${String(u.voucherNo)}` : ''}
    <div class="muted">${String(u.reason ?? '')}</div>
  </div>`;
}

function fundFlowTable(ctx: ConsoleContext, runs: readonly ReconcileRun[]): Html {
  if (!runs.length) return html`<p class="muted">${ctx.t('rec.none')}</p>`;
  const rows = runs.map((run) => {
    const s = record(run.summary);
    const unmatched = Array.isArray(s.unmatched) ? s.unmatched : [];
    return html`<tr>
      ${billRunCells(ctx, run, s)}
      <td class="num">${num(s.lines)}</td>
      <td class="num">${num(s.matched)}</td>
      <td class="num">${yuan(num(s.incomeFen))}</td>
      <td class="num">${yuan(num(s.expenseFen))}</td>
      <td class="num">${yuan(num(s.feesFen))}</td>
      <td class="num">${yuan(num(s.payoutsFen))}</td>
      <td>${unmatched.length ? unmatched.slice(0, 10).map(unmatchedLine) : html`<span class="muted">—</span>`}</td>
    </tr>`;
  });
  return html`<table>
    <thead>
      <tr>
        ${billRunHeads(ctx)}
        <th class="num">${ctx.t('rec.lines')}</th>
        <th class="num">${ctx.t('rec.matched')}</th>
        <th class="num">${ctx.t('rec.income')}</th>
        <th class="num">${ctx.t('rec.expense')}</th>
        <th class="num">${ctx.t('rec.fees')}</th>
        <th class="num">${ctx.t('rec.payouts')}</th>
        <th>${ctx.t('rec.unmatched')}</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

export interface BillRuns {
  readonly trade: readonly ReconcileRun[];
  readonly refunds: readonly ReconcileRun[];
  readonly fundFlow: readonly ReconcileRun[];
}

export function reconciliationPage(
  ctx: ConsoleContext,
  pending: readonly ReconcileRun[],
  bills: BillRuns,
  yesterday: string,
  flash?: Flash,
): Html {
  const canRun = ctx.operator !== undefined && allows(ctx.operator.role, 'reconcile');
  const form = canRun
    ? html`<form class="filters card" method="post" action="/console/reconciliation/bill">
        ${csrfField(ctx)}
        <label>${ctx.t('rec.runBillFor')}<input type="date" name="date" value="${yesterday}" required /></label>
        <button type="submit">${ctx.t('rec.runBill')}</button>
      </form>`
    : '';
  const body = html`<h2>${ctx.t('rec.bill')}</h2>
    ${form}${billTable(ctx, bills.trade)}
    <h2>${ctx.t('rec.refundBill')}</h2>
    ${refundBillTable(ctx, bills.refunds)}
    <h2>${ctx.t('rec.fundFlow')}</h2>
    ${fundFlowTable(ctx, bills.fundFlow)}
    <h2>${ctx.t('rec.pending')}</h2>
    ${pendingTable(ctx, pending)}
    <h2>${ctx.t('csv.export')}</h2>
    ${exportForm(ctx, 'reconciliation.csv')}`;
  return page(ctx, { title: ctx.t('nav.reconciliation'), section: 'reconciliation', ...(flash ? { flash } : {}) }, body);
}
