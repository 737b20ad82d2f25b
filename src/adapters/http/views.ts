import type { AuditEntry } from '../../application/ports/audit-log.js';
import type { Order } from '../../domain/order.js';
import type { AdminOrderView, AuditView, OrderView } from './response-schemas.js';

const unixSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/** An order as its owner sees it (the seed's fields, plus what has been refunded). */
export function orderView(order: Order): OrderView {
  const s = order.state;
  return {
    outTradeNo: s.outTradeNo.value,
    status: s.status,
    paidMoney: s.cash.fen,
    paidIntegral: s.integral,
    paidType: s.paidType,
    goodsId: s.goodsId,
    billNo: s.transactionId ?? '',
    paidTime: s.paidAt ? unixSeconds(s.paidAt) : 0,
    refundedMoney: order.refundedFen,
  };
}

/** An order as operators see it: who, when, what WeChat reported, what is refundable, why it waits for a person. */
export const adminOrderView = (order: Order): AdminOrderView => ({
  ...orderView(order),
  uid: order.state.uid,
  createdAt: unixSeconds(order.state.createdAt),
  cashPaid: order.state.cashPaid?.fen ?? null,
  needsReview: order.needsReview,
  reviewReason: order.state.review?.reason ?? null,
  refundableMoney: order.refundableFen,
  prepay: order.state.prepay
    ? {
        prepayId: order.state.prepay.prepayId,
        issuedAt: unixSeconds(order.state.prepay.issuedAt),
        expiresAt: unixSeconds(order.state.prepay.expiresAt),
      }
    : null,
  refunds: order.state.refunds.map((r) => ({
    outRefundNo: r.outRefundNo,
    amount: r.amount.fen,
    status: r.status,
    refundId: r.refundId ?? null,
    requestedAt: unixSeconds(r.requestedAt),
    settledAt: r.settledAt ? unixSeconds(r.settledAt) : null,
  })),
});

export const auditView = (e: AuditEntry): AuditView => ({
  at: unixSeconds(e.at),
  actor: e.actor,
  action: e.action,
  subject: e.subject,
  before: e.before ?? null,
  after: e.after ?? null,
  note: e.note ?? null,
});
