import type { RefundEntry } from '../../application/ports/order-repository.js';
import type { ReconcileRun } from '../../application/ports/reconcile-runs.js';
import type { Order } from '../../domain/order.js';
import type { ConsoleContext } from './context.js';
import { beijingTime, billDay, yuanField } from './format.js';
import type { MessageKey } from './i18n.js';
import type { GoodsNames } from './pages/orders.js';
import { PENDING_COUNTS, summaryRecord as record, summaryUnknownPayments } from './run-summary.js';

/**
 * The columns of the console's CSV exports. Amounts are yuan with two decimals (no currency sign or grouping, so a
 * spreadsheet reads them as numbers), times Beijing time, labels in the operator's language.
 */
export type Cell = string | number | undefined;

export interface ExportTable<T> {
  readonly header: (ctx: ConsoleContext) => string[];
  readonly row: (ctx: ConsoleContext, item: T) => Cell[];
}

const labels = (ctx: ConsoleContext, keys: readonly MessageKey[]): string[] => keys.map((k) => ctx.t(k));
const time = (at: Date | undefined): string => (at ? beijingTime(at) : '');

export const orderTable = (names: GoodsNames): ExportTable<Order> => ({
  header: (ctx) =>
    labels(ctx, [
      'col.outTradeNo',
      'col.transactionId',
      'col.uid',
      'col.goods',
      'col.paidType',
      'csv.amount',
      'csv.cashPaid',
      'col.coins',
      'col.status',
      'csv.refunded',
      'csv.created',
      'csv.paid',
      'col.review',
    ]),
  row: (ctx, o) => {
    const s = o.state;
    return [
      s.outTradeNo.value,
      s.transactionId,
      s.uid,
      names.get(s.goodsId) ?? String(s.goodsId),
      ctx.t(`paidType.${s.paidType}`),
      yuanField(s.cash.fen),
      s.cashPaid === undefined ? undefined : yuanField(s.cashPaid.fen),
      s.integral,
      ctx.t(`status.${s.status}`),
      yuanField(o.refundedFen),
      time(s.createdAt),
      time(s.paidAt),
      s.review?.reason,
    ];
  },
});

export const refundTable: ExportTable<RefundEntry> = {
  header: (ctx) =>
    labels(ctx, [
      'csv.requested',
      'col.outTradeNo',
      'refunds.number',
      'csv.refundAmount',
      'csv.cashRefund',
      'csv.couponRefund',
      'col.status',
      'csv.settled',
      'refunds.refundId',
    ]),
  row: (ctx, { outTradeNo, refund: r }) => [
    time(r.requestedAt),
    outTradeNo,
    r.outRefundNo,
    yuanField(r.amount.fen),
    r.parts ? yuanField(r.parts.cash.fen) : undefined,
    r.parts ? yuanField(r.parts.coupon.fen) : undefined,
    ctx.t(`refundStatus.${r.status}`),
    time(r.settledAt),
    r.refundId,
  ],
};

const joined = (value: unknown): string => (Array.isArray(value) ? value.map(String).join(' ') : '');
const count = (value: unknown): Cell => (typeof value === 'number' ? value : undefined);

export const runTable: ExportTable<ReconcileRun> = {
  header: (ctx) =>
    labels(ctx, [
      'col.kind',
      'rec.billDate',
      'csv.started',
      'csv.finished',
      'rec.result',
      'rec.problems',
      'rec.payments',
      'rec.matched',
      'rec.repaired',
      'rec.unknown',
      'rec.mismatched',
      'col.detail',
    ]),
  row: (ctx, run) => {
    const s = record(run.summary);
    const bill = run.kind === 'bill';
    const detail = !run.succeeded
      ? String(s.error ?? (typeof run.summary === 'string' ? run.summary : ''))
      : bill
        ? joined(s.discrepancies)
        : PENDING_COUNTS.filter((k) => typeof s[k] === 'number')
            .map((k) => `${k}=${String(s[k])}`)
            .join(' ');
    return [
      ctx.t(bill ? 'rec.bill' : 'rec.pending'),
      run.billDate ? billDay(run.billDate) : undefined,
      time(run.startedAt),
      time(run.finishedAt),
      ctx.t(run.succeeded ? 'rec.ok' : 'rec.failed'),
      run.problems,
      bill ? count(s.payments) : undefined,
      bill ? count(s.matched) : undefined,
      bill ? joined(s.repaired) : undefined,
      bill
        ? summaryUnknownPayments(s)
            .map((p) => (p.merchantId ? `${p.merchantId}:${p.outTradeNo}` : p.outTradeNo))
            .join(' ')
        : undefined,
      bill ? joined(s.mismatched) : undefined,
      detail,
    ];
  },
};
