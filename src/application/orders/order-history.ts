import type { Order } from '../../domain/order.js';
import type { PaidType } from '../../domain/paid-type.js';
import { coversMerchant, PLATFORM, type ShopScope } from '../../domain/shop-scope.js';
import type { RefundStatus } from '../../domain/refund.js';
import type { AuditEntry, AuditLog } from '../ports/audit-log.js';
import type { IntegralLedger, IntegralOperation } from '../ports/integral-ledger.js';
import type { NotifyAnswer, NotifyHistory, NotifyKind } from '../ports/notify-log.js';
import type { OrderRepository } from '../ports/order-repository.js';
import type { OutboxHistory, OutboxRecordView } from '../ports/payment-events.js';

/** One thing that happened to an order, for the operators' timeline. */
export type HistoryEntry =
  | { readonly kind: 'created'; readonly at: Date; readonly cashFen: number; readonly integral: number; readonly paidType: PaidType }
  | { readonly kind: 'prepay'; readonly at: Date; readonly prepayId: string; readonly expiresAt: Date }
  | { readonly kind: 'notify'; readonly at: Date; readonly notify: NotifyKind; readonly verdict: NotifyAnswer; readonly detail: string }
  | { readonly kind: 'paid'; readonly at: Date; readonly transactionId?: string; readonly cashPaidFen?: number }
  | { readonly kind: 'refundRequested'; readonly at: Date; readonly outRefundNo: string; readonly amountFen: number }
  | { readonly kind: 'refundSettled'; readonly at: Date; readonly outRefundNo: string; readonly status: RefundStatus }
  | { readonly kind: 'event'; readonly at: Date; readonly event: OutboxRecordView }
  | { readonly kind: 'coins'; readonly at: Date; readonly operation: IntegralOperation; readonly delta: number }
  | { readonly kind: 'audit'; readonly at: Date; readonly entry: AuditEntry };

export interface OrderHistory {
  readonly order: Order;
  /** Oldest first; entries of the same instant keep the order above (created, prepay, paid, notify, ...). */
  readonly timeline: readonly HistoryEntry[];
}

/**
 * Everything recorded about one order, from every table that keeps part of its story: the order and its refunds,
 * the notify log, the event outbox, the coin journal and the audit log. orderquery calls are not recorded, so the
 * timeline cannot show them.
 */
export class ReadOrderHistory {
  constructor(
    private readonly orders: OrderRepository,
    private readonly notifies: NotifyHistory,
    private readonly outbox: OutboxHistory,
    private readonly ledger: IntegralLedger,
    private readonly audit: AuditLog,
  ) {}

  /** `scope`: the shops the reader answers for; another shop's order is not found (undefined, as no order). */
  async execute(outTradeNo: string, scope: ShopScope = PLATFORM): Promise<OrderHistory | undefined> {
    const order = await this.orders.findByOutTradeNo(outTradeNo);
    if (!order || !coversMerchant(scope, order.state.merchantId)) return undefined;
    const [notifies, events, coins, audit] = await Promise.all([
      this.notifies.forOrder(outTradeNo, 100),
      this.outbox.forOrder(outTradeNo),
      this.ledger.journalOfOrder(outTradeNo),
      this.audit.list({ subject: outTradeNo, limit: 100, offset: 0 }),
    ]);
    const s = order.state;
    const entries: HistoryEntry[] = [
      { kind: 'created', at: s.createdAt, cashFen: s.cash.fen, integral: s.integral, paidType: s.paidType },
      ...(s.prepay ? [{ kind: 'prepay' as const, at: s.prepay.issuedAt, prepayId: s.prepay.prepayId, expiresAt: s.prepay.expiresAt }] : []),
      ...(s.paidAt
        ? [
            {
              kind: 'paid' as const,
              at: s.paidAt,
              ...(s.transactionId ? { transactionId: s.transactionId } : {}),
              ...(s.cashPaid ? { cashPaidFen: s.cashPaid.fen } : {}),
            },
          ]
        : []),
      ...notifies.map((n) => ({ kind: 'notify' as const, at: n.receivedAt, notify: n.kind, verdict: n.verdict, detail: n.detail })),
      ...s.refunds.flatMap((r) => [
        { kind: 'refundRequested' as const, at: r.requestedAt, outRefundNo: r.outRefundNo, amountFen: r.amount.fen },
        ...(r.settledAt ? [{ kind: 'refundSettled' as const, at: r.settledAt, outRefundNo: r.outRefundNo, status: r.status }] : []),
      ]),
      ...events.map((e) => ({ kind: 'event' as const, at: e.createdAt, event: e })),
      ...coins.map((c) => ({ kind: 'coins' as const, at: c.at, operation: c.operation, delta: c.delta })),
      ...[...audit].reverse().map((a) => ({ kind: 'audit' as const, at: a.at, entry: a })),
    ];
    // WeChat reports settle times in whole seconds: a refund settled within the second it was requested must still
    // follow its request. Otherwise by time; a stable sort keeps the listing order above for the same instant.
    const requested = new Map(s.refunds.map((r) => [r.outRefundNo, r.requestedAt.getTime()]));
    const sortKey = (e: HistoryEntry): number =>
      e.kind === 'refundSettled' ? Math.max(e.at.getTime(), requested.get(e.outRefundNo) ?? 0) : e.at.getTime();
    const timeline = entries.map((e, i) => [e, i] as const).sort(([a, i], [b, j]) => sortKey(a) - sortKey(b) || i - j);
    return { order, timeline: timeline.map(([e]) => e) };
  }
}
