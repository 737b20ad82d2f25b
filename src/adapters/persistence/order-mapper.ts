import type { OrderKey } from '../../application/ports/order-repository.js';
import { Money } from '../../domain/money.js';
import { ORDER_STATUSES, Order, type OrderState, type OrderStatus, type RefundStatus } from '../../domain/order.js';
import { OutTradeNo } from '../../domain/out-trade-no.js';
import { isPaidType } from '../../domain/paid-type.js';
import type { OrderRecord } from './order-record.js';

/** The open_key column's value: the database's guard for "at most one open order per key". */
export const openKeyOf = (key: OrderKey): string => `${key.uid}:${key.goodsId}:${key.paidType}`;

/** A stored row the domain cannot represent (written by other code, or hand-edited): reported, never guessed at. */
export class UnreadableOrderRowError extends Error {
  override readonly name = 'UnreadableOrderRowError';
}

/** The seed stores int unix seconds; sub-second precision is dropped on write (floor). */
export const toUnixSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);
export const fromUnixSeconds = (seconds: number): Date => new Date(seconds * 1000);

const REFUND_STATUSES: readonly RefundStatus[] = ['PROCESSING', 'SUCCESS', 'CLOSED'];
const isRefundStatus = (value: unknown): value is RefundStatus =>
  typeof value === 'string' && (REFUND_STATUSES as readonly string[]).includes(value);

const isOrderStatus = (value: unknown): value is OrderStatus =>
  typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);

export function toOrder(row: OrderRecord): Order {
  const no = OutTradeNo.parse(row.outTradeNo ?? '');
  const fail = (why: string): never => {
    throw new UnreadableOrderRowError(`shop_goods_order id ${row.id} (out_trade_no '${row.outTradeNo ?? ''}'): ${why}`);
  };
  if (!no) return fail('out_trade_no is not a WeChat merchant order number');
  if (!isPaidType(row.paidType)) return fail(`unknown paid_type '${row.paidType ?? ''}'`);
  if (!isOrderStatus(row.paidStatus)) return fail(`unknown paid_status '${row.paidStatus ?? ''}'`);
  const fen = row.paidMoney ?? 0;
  if (!Number.isSafeInteger(fen) || fen < 0) return fail(`paid_money ${fen} is not a fen amount`);

  const billNo = row.billNo ?? '';
  const paidTime = row.paidTime ?? 0;
  const state: OrderState = {
    outTradeNo: no,
    uid: row.uid ?? 0,
    goodsId: row.goodsId ?? 0,
    paidType: row.paidType,
    cash: Money.ofFen(fen),
    integral: row.paidIntegral ?? 0,
    status: row.paidStatus,
    createdAt: fromUnixSeconds(row.addTime ?? 0),
    updatedAt: fromUnixSeconds(row.updateTime ?? row.addTime ?? 0),
    ...(billNo !== '' && { transactionId: billNo }),
    ...(paidTime > 0 && { paidAt: fromUnixSeconds(paidTime) }),
    ...(row.prepayId && {
      prepay: {
        prepayId: row.prepayId,
        issuedAt: fromUnixSeconds(row.prepayIssuedAt ?? 0),
        // A missing expiry reads as long expired, so the prepay is requested again rather than handed out.
        expiresAt: fromUnixSeconds(row.prepayExpireTime ?? 0),
        signType: row.signType ?? 'MD5',
      },
    }),
    ...(row.refundNo && isRefundStatus(row.refundStatus) && {
      refund: {
        outRefundNo: row.refundNo,
        amount: Money.ofFen(row.refundFee ?? 0),
        requestedAt: fromUnixSeconds(row.refundTime ?? 0),
        status: row.refundStatus,
      },
    }),
    needsReview: Number(row.needsReview) !== 0,
    holdsOpenSlot: row.openKey !== null && row.openKey !== undefined,
    version: Number(row.version ?? 0),
  };
  return Order.restore(state);
}

/** Every column the domain owns (all but id). */
export type OrderColumns = Omit<OrderRecord, 'id'>;

export function toOrderColumns(s: OrderState): OrderColumns {
  return {
    uid: s.uid,
    goodsId: s.goodsId,
    outTradeNo: s.outTradeNo.value,
    billNo: s.transactionId ?? '',
    paidMoney: s.cash.fen,
    paidIntegral: s.integral,
    paidType: s.paidType,
    paidStatus: s.status,
    addTime: toUnixSeconds(s.createdAt),
    paidTime: s.paidAt ? toUnixSeconds(s.paidAt) : 0,
    updateTime: toUnixSeconds(s.updatedAt),
    prepayId: s.prepay?.prepayId ?? null,
    prepayIssuedAt: s.prepay ? toUnixSeconds(s.prepay.issuedAt) : null,
    prepayExpireTime: s.prepay ? toUnixSeconds(s.prepay.expiresAt) : null,
    signType: s.prepay?.signType ?? null,
    version: s.version,
    needsReview: s.needsReview ? 1 : 0,
    openKey: s.holdsOpenSlot ? openKeyOf(s) : null,
    refundNo: s.refund?.outRefundNo ?? null,
    refundFee: s.refund?.amount.fen ?? null,
    refundStatus: s.refund?.status ?? null,
    refundTime: s.refund ? toUnixSeconds(s.refund.requestedAt) : null,
  };
}
