import type { HistoryEntry, OrderHistory } from '../../../application/orders/order-history.js';
import { allows } from '../../../domain/operator-role.js';
import type { ConsoleContext } from '../context.js';
import { beijingTime, yuan } from '../format.js';
import { href, html, type Html } from '../html.js';
import { csrfField, page, type Flash } from '../layout.js';
import { actorName, auditAction, auditOutcome, eventType, notifyAnswer, notifyDetail, notifyKind } from '../labels.js';
import { shopLabel } from '../shops.js';
import { goodsLabel, ofRetiredShop, retiredBadge, statusBadge, type GoodsNames } from './orders.js';

function describe(ctx: ConsoleContext, e: HistoryEntry): [string, Html] {
  switch (e.kind) {
    case 'created':
      return [ctx.t('hist.created'), html`${ctx.t(`paidType.${e.paidType}`)} · ${yuan(e.cashFen)}${e.integral ? ` + ${e.integral}` : ''}`];
    case 'prepay':
      return [ctx.t('hist.prepay'), html`<span class="mono">${e.prepayId}</span> → ${beijingTime(e.expiresAt)}`];
    case 'notify':
      return [
        ctx.t('hist.notify', { kind: notifyKind(ctx, e.notify) }),
        html`<span class="badge ${e.verdict === 'SUCCESS' ? 'ok' : 'bad'}" title="${e.verdict}">${notifyAnswer(ctx, e.verdict)}</span>
          <span title="${e.detail}">${notifyDetail(ctx, e.detail)}</span>`,
      ];
    case 'paid':
      return [
        ctx.t('hist.paid'),
        html`<span class="mono">${e.transactionId ?? ''}</span
          >${e.cashPaidFen === undefined ? '' : ` · ${ctx.t('order.cashPaid')} ${yuan(e.cashPaidFen)}`}`,
      ];
    case 'refundRequested':
      return [ctx.t('hist.refundRequested'), html`<span class="mono">${e.outRefundNo}</span> · ${yuan(e.amountFen)}`];
    case 'refundSettled':
      return [
        ctx.t('hist.refundSettled'),
        html`<span class="mono">${e.outRefundNo}</span>
          <span class="badge ${e.status === 'SUCCESS' ? 'ok' : 'warn'}" title="${e.status}">${ctx.t(`refundStatus.${e.status}`)}</span>`,
      ];
    case 'event': {
      const state = e.event.deliveredAt
        ? ctx.t('hist.delivered', { at: beijingTime(e.event.deliveredAt) })
        : ctx.t('hist.pending', { n: e.event.attempts });
      return [
        ctx.t('hist.event', { type: eventType(ctx, e.event.type) }),
        html`${state}${e.event.lastError ? html` · <span class="mono">${e.event.lastError}</span>` : ''}`,
      ];
    }
    case 'coins':
      return [ctx.t('hist.coins'), html`${ctx.t(`coins.${e.operation}`)} ${e.delta > 0 ? '+' : ''}${e.delta}`];
    case 'audit': {
      const outcome = auditOutcome(ctx, e.entry);
      return [
        ctx.t('hist.audit', { action: auditAction(ctx, e.entry.action) }),
        html`${actorName(ctx, e.entry.actor)}${e.entry.note ? html` · ${e.entry.note}` : ''}${outcome ? html`<div class="muted">${outcome}</div>` : ''}`,
      ];
    }
  }
}

/**
 * What the user paid in cash and what a coupon paid, when WeChat reported the cash (cash_fee / payer_total). A refund
 * is asked for against the order's amount; WeChat splits it between the two (shown per refund).
 */
function paidParts(ctx: ConsoleContext, priceFen: number, cashPaidFen: number | undefined): Html {
  if (cashPaidFen === undefined) return html``;
  return html`<dt>${ctx.t('order.cashPaid')}</dt>
    <dd>${yuan(cashPaidFen)}</dd>
    ${
      cashPaidFen < priceFen
        ? html`<dt>${ctx.t('order.coupon')}</dt>
            <dd>${yuan(priceFen - cashPaidFen)}</dd>`
        : ''
    }`;
}

function summary(ctx: ConsoleContext, h: OrderHistory, names: GoodsNames): Html {
  const o = h.order;
  const s = o.state;
  return html`<div class="card">
    <dl class="facts">
      <dt>${ctx.t('order.shop')}</dt>
      <dd>${shopLabel(ctx.merchants ?? new Map(), s.merchantId)}${retiredBadge(ctx, o)}</dd>
      <dt>${ctx.t('col.status')}</dt>
      <dd>${statusBadge(ctx, o)}</dd>
      <dt>${ctx.t('col.uid')}</dt>
      <dd><a href="${href(['users', s.uid])}">${s.uid}</a></dd>
      <dt>${ctx.t('col.goods')}</dt>
      <dd>${goodsLabel(names, s.goodsId)}</dd>
      <dt>${ctx.t('col.paidType')}</dt>
      <dd>${ctx.t(`paidType.${s.paidType}`)}</dd>
      <dt>${ctx.t('col.amount')}</dt>
      <dd>${yuan(s.cash.fen)}${s.integral ? ` + ${s.integral} ${ctx.t('col.coins')}` : ''}</dd>
      ${paidParts(ctx, s.cash.fen, s.cashPaid?.fen)}
      <dt>${ctx.t('order.refunded')}</dt>
      <dd>${yuan(o.refundedFen)}</dd>
      <dt>${ctx.t('order.refundable')}</dt>
      <dd>${yuan(o.refundableFen)}</dd>
      <dt>${ctx.t('col.transactionId')}</dt>
      <dd class="mono">${s.transactionId ?? '—'}</dd>
      <dt>${ctx.t('col.created')}</dt>
      <dd>${beijingTime(s.createdAt)}</dd>
      <dt>${ctx.t('col.paid')}</dt>
      <dd>${s.paidAt ? beijingTime(s.paidAt) : '—'}</dd>
      ${
        s.review
          ? html`<dt>${ctx.t('order.reviewReason')}</dt>
              <dd><span class="badge warn">${s.review.reason}</span></dd>`
          : ''
      }
    </dl>
  </div>`;
}

function actions(ctx: ConsoleContext, h: OrderHistory): Html {
  // A retired merchant's order is read-only here: no form is offered (and each action refuses it, routes/orders.ts).
  if (ofRetiredShop(ctx, h.order)) {
    return html`<div class="card retired-note">
      <h2>${ctx.t('shops.retired')}</h2>
      <p class="muted">${ctx.t('shops.retiredHelp')}</p>
    </div>`;
  }
  const role = ctx.operator?.role;
  const no = h.order.state.outTradeNo.value;
  const refundable = h.order.refundable;
  const coinsOnly = refundable.kind === 'coinsOnly';
  const canRefund = role !== undefined && allows(role, 'refund') && refundable.kind !== 'nothing';
  const canResolve = role !== undefined && allows(role, 'resolveReview') && h.order.needsReview;
  // A half-done refund comes back filled in (from its confirmation's language switch).
  const typed = new URL(ctx.here, 'http://console.invalid').searchParams;
  const refund = !canRefund
    ? ''
    : coinsOnly
      ? html`<div class="card">
          <h2>${ctx.t('refund.title')}</h2>
          <form class="stack" method="post" action="${href(['orders', no, 'refund'])}">
            ${csrfField(ctx)}
            <p class="muted">${ctx.t('refund.coinsOnly', { coins: h.order.state.integral })}</p>
            <div><button type="submit" class="danger" id="refund">${ctx.t('refund.submit')}</button></div>
          </form>
        </div>`
      : html`<div class="card">
          <h2>${ctx.t('refund.title')}</h2>
          <form class="stack" method="post" action="${href(['orders', no, 'refund'])}">
            ${csrfField(ctx)}
            <label
              >${ctx.t('refund.amount')}<input
                name="amount"
                inputmode="decimal"
                placeholder="${yuan(h.order.refundableFen)}"
                value="${typed.get('refund_amount') ?? ''}"
            /></label>
            <label>${ctx.t('refund.reason')}<input name="reason" maxlength="80" value="${typed.get('refund_reason') ?? ''}" /></label>
            <div><button type="submit" class="danger" id="refund">${ctx.t('refund.submit')}</button></div>
          </form>
        </div>`;
  const resolve = canResolve
    ? html`<div class="card">
        <h2>${ctx.t('review.resolve')}</h2>
        <form class="stack" method="post" action="${href(['orders', no, 'review'])}">
          ${csrfField(ctx)}
          <label>${ctx.t('review.note')}<textarea name="note" required maxlength="500"></textarea></label>
          <div><button type="submit">${ctx.t('review.resolve')}</button></div>
        </form>
      </div>`
    : '';
  return html`${refund}${resolve}`;
}

export function orderPage(ctx: ConsoleContext, h: OrderHistory, names: GoodsNames, flash?: Flash): Html {
  const rows = h.timeline.map((e) => {
    const [what, detail] = describe(ctx, e);
    return html`<tr>
      <td class="time">${beijingTime(e.at)}</td>
      <td>${what}</td>
      <td>${detail}</td>
    </tr>`;
  });
  const refunds = h.order.state.refunds.map(
    (r) =>
      html`<tr class="refund-row">
        <td class="mono">${r.outRefundNo}</td>
        <td class="num">${yuan(r.amount.fen)}</td>
        <td class="num">${r.parts ? yuan(r.parts.cash.fen) : '—'}</td>
        <td class="num">${r.parts ? yuan(r.parts.coupon.fen) : '—'}</td>
        <td>
          <span class="badge ${r.status === 'SUCCESS' ? 'ok' : 'warn'}" title="${r.status}">${ctx.t(`refundStatus.${r.status}`)}</span>
        </td>
        <td class="time">${beijingTime(r.requestedAt)}</td>
        <td class="time">${r.settledAt ? beijingTime(r.settledAt) : '—'}</td>
      </tr>`,
  );
  const body = html`<div class="grid2">
      <div>${summary(ctx, h, names)}</div>
      <div>${actions(ctx, h)}</div>
    </div>
    ${
      refunds.length
        ? html`<h2>${ctx.t('order.refunds')}</h2>
            <table id="refunds">
              <thead>
                <tr>
                  <th>${ctx.t('col.outRefundNo')}</th>
                  <th class="num">${ctx.t('col.amount')}</th>
                  <th class="num">${ctx.t('order.cashRefund')}</th>
                  <th class="num">${ctx.t('order.couponRefund')}</th>
                  <th>${ctx.t('col.status')}</th>
                  <th>${ctx.t('col.requested')}</th>
                  <th>${ctx.t('col.settled')}</th>
                </tr>
              </thead>
              <tbody>
                ${refunds}
              </tbody>
            </table>`
        : ''
    }
    <h2>${ctx.t('order.history')}</h2>
    <table>
      <thead>
        <tr>
          <th>${ctx.t('col.time')}</th>
          <th>${ctx.t('col.what')}</th>
          <th>${ctx.t('col.detail')}</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
    <p class="muted">${ctx.t('order.noQueries')}</p>`;
  const title = ctx.t('order.title', { no: h.order.state.outTradeNo.value });
  return page(ctx, { title, section: 'orders', ...(flash ? { flash } : {}) }, body);
}

export interface RefundConfirmation {
  readonly outTradeNo: string;
  readonly amountFen: number;
  readonly paidFen: number;
  readonly refundableFen: number;
  readonly reason: string;
  /** Names this refund: submitting the confirmation twice refunds once. */
  readonly requestKey: string;
}

export function refundConfirmPage(ctx: ConsoleContext, c: RefundConfirmation): Html {
  const text = ctx.t('refund.confirmText', {
    amount: yuan(c.amountFen),
    paid: yuan(c.paidFen),
    remaining: yuan(c.refundableFen - c.amountFen),
  });
  const action = href(['orders', c.outTradeNo, 'refund']);
  const body = html`<div class="card">
    <p>${text}</p>
    <form class="inline" method="post" action="${action}">
      ${csrfField(ctx)}
      <input type="hidden" name="amount_fen" value="${c.amountFen}" />
      <input type="hidden" name="reason" value="${c.reason}" />
      <input type="hidden" name="request_key" value="${c.requestKey}" />
      <input type="hidden" name="confirm" value="yes" />
      <button type="submit" class="danger" id="confirm-refund">${ctx.t('refund.confirm')}</button>
      <a href="${href(['orders', c.outTradeNo])}">${ctx.t('refund.cancel')}</a>
    </form>
  </div>`;
  // The switch goes back to the order with this refund filled in: the action answers POST only.
  const switchTo = href(['orders', c.outTradeNo], { refund_amount: plainYuan(c.amountFen), refund_reason: c.reason });
  return page(ctx, { title: `${ctx.t('refund.confirmTitle')} · ${c.outTradeNo}`, section: 'orders', switchTo }, body);
}

/** Fen as the refund form reads yuan: 1234 → "12.34". */
const plainYuan = (fen: number): string => `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/** The confirmation of refunding an order paid only in coins: the coins go back, WeChat is not involved. */
export function coinsRefundConfirmPage(ctx: ConsoleContext, outTradeNo: string, coins: number): Html {
  const body = html`<div class="card">
    <p>${ctx.t('refund.coinsConfirm', { coins })}</p>
    <form class="inline" method="post" action="${href(['orders', outTradeNo, 'refund'])}">
      ${csrfField(ctx)}
      <input type="hidden" name="confirm" value="yes" />
      <button type="submit" class="danger" id="confirm-refund">${ctx.t('refund.confirm')}</button>
      <a href="${href(['orders', outTradeNo])}">${ctx.t('refund.cancel')}</a>
    </form>
  </div>`;
  return page(ctx, { title: `${ctx.t('refund.confirmTitle')} · ${outTradeNo}`, section: 'orders' }, body);
}
