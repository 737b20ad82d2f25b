import type { OrderKey, PaymentFacts } from '../../application/ports/order-repository.js';
import { DEFAULT_MERCHANT_ID } from '../../domain/merchant.js';
import { Money } from '../../domain/money.js';
import { Order, type OrderState } from '../../domain/order.js';
import { isOrderStatus } from '../../domain/order-status.js';
import { OutTradeNo } from '../../domain/out-trade-no.js';
import { isPaidType } from '../../domain/paid-type.js';
import { isRefundStatus, type Refund } from '../../domain/refund.js';
import type { OrderRow } from './order-columns.js';
import type { RefundRecord } from './order-record.js';
import { appIdOf } from './app-id-column.js';

export type { OrderRow };

/** The open_key column's value: the database's guard for "at most one open order per key". */
export const openKeyOf = (key: OrderKey): string => `${key.uid}:${key.goodsId}:${key.paidType}`;

/** A stored row the domain cannot represent (written by other code, or hand-edited): reported, never guessed at. */
export class UnreadableRowError extends Error {
  override readonly name = 'UnreadableRowError';
  constructor(
    readonly table: string,
    message: string,
  ) {
    super(message);
  }
}

/** The seed stores int unix seconds; sub-second precision is dropped on write (floor). */
export const toUnixSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);
export const fromUnixSeconds = (seconds: number): Date => new Date(seconds * 1000);

const fen = (value: number | null | undefined, fail: (why: string) => never, what: string): Money => {
  const amount = value ?? 0;
  return Number.isSafeInteger(amount) && amount >= 0 && amount <= 2_147_483_647
    ? Money.ofFen(amount)
    : fail(`${what} ${amount} is not a fen amount`);
};

export function toRefund(row: RefundRecord): Refund {
  const fail = (why: string): never => {
    throw new UnreadableRowError('wx_order_refund', `wx_order_refund id ${row.id} ('${row.outRefundNo}'): ${why}`);
  };
  if (!isRefundStatus(row.status)) return fail(`unknown status '${row.status}'`);
  return {
    seq: Number(row.seq),
    outRefundNo: row.outRefundNo,
    amount: fen(row.amount, fail, 'amount'),
    status: row.status,
    requestedAt: new Date(Number(row.requestedAt)),
    ...(row.settledAt === null ? {} : { settledAt: new Date(Number(row.settledAt)) }),
    ...(row.refundId === null ? {} : { refundId: row.refundId }),
    ...(row.requestKey === null ? {} : { requestKey: row.requestKey }),
    // Both parts or neither: they are written together.
    ...(row.cashRefund !== null && row.cashRefund !== undefined && row.couponRefund !== null && row.couponRefund !== undefined
      ? { parts: { cash: fen(row.cashRefund, fail, 'cash_refund'), coupon: fen(row.couponRefund, fail, 'coupon_refund') } }
      : {}),
  };
}

export function toOrder(row: OrderRow, refunds: readonly RefundRecord[] = [], defaultAppId = ''): Order {
  const no = OutTradeNo.parse(row.outTradeNo ?? '');
  const fail = (why: string): never => {
    throw new UnreadableRowError('shop_goods_order', `shop_goods_order id ${row.id} (out_trade_no '${row.outTradeNo ?? ''}'): ${why}`);
  };
  if (!no) return fail('out_trade_no is not a WeChat merchant order number');
  if (!isPaidType(row.paidType)) return fail(`unknown paid_type '${row.paidType ?? ''}'`);
  if (!isOrderStatus(row.paidStatus)) return fail(`unknown paid_status '${row.paidStatus ?? ''}'`);

  const billNo = row.billNo ?? '';
  const paidTime = row.paidTime ?? 0;
  const state: OrderState = {
    outTradeNo: no,
    merchantId: row.merchantId ?? DEFAULT_MERCHANT_ID,
    appId: appIdOf(row.appId, defaultAppId),
    uid: row.uid ?? 0,
    goodsId: row.goodsId ?? 0,
    paidType: row.paidType,
    cash: fen(row.paidMoney, fail, 'paid_money'),
    integral: row.paidIntegral ?? 0,
    status: row.paidStatus,
    createdAt: fromUnixSeconds(row.addTime ?? 0),
    updatedAt: fromUnixSeconds(row.updateTime ?? row.addTime ?? 0),
    ...(billNo !== '' && { transactionId: billNo }),
    ...(paidTime > 0 && { paidAt: fromUnixSeconds(paidTime) }),
    ...(row.cashPaid !== null && row.cashPaid !== undefined && { cashPaid: fen(row.cashPaid, fail, 'cash_paid') }),
    ...(row.prepayId && {
      prepay: {
        prepayId: row.prepayId,
        issuedAt: fromUnixSeconds(row.prepayIssuedAt ?? 0),
        // A missing expiry reads as long expired, so the prepay is requested again rather than handed out.
        expiresAt: fromUnixSeconds(row.prepayExpireTime ?? 0),
        signType: row.signType ?? 'MD5',
      },
    }),
    refunds: [...refunds].sort((a, b) => a.seq - b.seq).map(toRefund),
    ...(Number(row.needsReview) !== 0 && { review: { reason: row.reviewReason ?? 'flagged for review' } }),
    holdsOpenSlot: row.openKey !== null && row.openKey !== undefined,
    version: Number(row.version ?? 0),
  };
  return Order.restore(state);
}

/** The columns PaymentFacts come from. */
export type PaymentFactsRow = Pick<
  OrderRow,
  'id' | 'outTradeNo' | 'merchantId' | 'appId' | 'paidMoney' | 'prepayId' | 'signType' | 'billNo'
>;

/** The same reading as toOrder's, of those columns. */
export function toPaymentFacts(row: PaymentFactsRow): PaymentFacts {
  const fail = (why: string): never => {
    throw new UnreadableRowError('shop_goods_order', `shop_goods_order id ${row.id} (out_trade_no '${row.outTradeNo ?? ''}'): ${why}`);
  };
  const billNo = row.billNo ?? '';
  return {
    merchantId: row.merchantId ?? DEFAULT_MERCHANT_ID,
    cash: fen(row.paidMoney, fail, 'paid_money'),
    ...(row.prepayId && { prepaySignType: row.signType ?? 'MD5' }),
    ...(billNo !== '' && { transactionId: billNo }),
  };
}

/** Every column of shop_goods_order the service writes (ORDER_COLUMNS but the id). */
export type OrderColumns = Omit<OrderRow, 'id'>;

export function toOrderColumns(s: OrderState): OrderColumns {
  return {
    uid: s.uid,
    goodsId: s.goodsId,
    outTradeNo: s.outTradeNo.value,
    merchantId: s.merchantId,
    appId: s.appId,
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
    needsReview: s.review ? 1 : 0,
    reviewReason: s.review?.reason.slice(0, 255) ?? null,
    cashPaid: s.cashPaid?.fen ?? null,
    openKey: s.holdsOpenSlot ? openKeyOf(s) : null,
  };
}

export type RefundColumns = Omit<RefundRecord, 'id'>;

export const toRefundColumns = (outTradeNo: string, r: Refund): RefundColumns => ({
  outTradeNo,
  seq: r.seq,
  outRefundNo: r.outRefundNo,
  amount: r.amount.fen,
  status: r.status,
  refundId: r.refundId ?? null,
  requestKey: r.requestKey ?? null,
  requestedAt: r.requestedAt.getTime(),
  settledAt: r.settledAt?.getTime() ?? null,
  cashRefund: r.parts?.cash.fen ?? null,
  couponRefund: r.parts?.coupon.fen ?? null,
});
