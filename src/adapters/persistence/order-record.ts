import { BigIntType, EntitySchema } from '@mikro-orm/core';

/**
 * The seed's `shop_goods_order`, column for column, plus the columns the migrations add. Nullable where the seed's
 * DDL is (it declares defaults but no NOT NULL), because rows written by the seed's PHP code may hold NULLs.
 * Times are int unix seconds like the seed's own; `paid_money` is fen.
 */
export class OrderRecord {
  id!: number;
  uid!: number | null;
  goodsId!: number | null;
  outTradeNo!: string | null;
  /** WeChat's transaction_id; '' while unpaid (the seed's convention). */
  billNo!: string | null;
  paidMoney!: number | null;
  paidIntegral!: number | null;
  paidType!: string | null;
  paidStatus!: string | null;
  addTime!: number | null;
  paidTime!: number | null;
  updateTime!: number | null;
  // Added by Migration20260601000002OrderColumns.
  prepayId!: string | null;
  prepayIssuedAt!: number | null;
  prepayExpireTime!: number | null;
  signType!: string | null;
  version!: number;
  needsReview!: number;
  /** 'uid:goods_id:paid_type' while the order holds its key's open slot, NULL otherwise; UNIQUE. */
  openKey!: string | null;
  /** Superseded by wx_order_refund (Migration20261130000005OrderRefunds): read by that migration, never written. */
  refundNo!: string | null;
  refundFee!: number | null;
  refundStatus!: string | null;
  refundTime!: number | null;
  // Added by Migration20261130000005OrderRefunds.
  reviewReason!: string | null;
  cashPaid!: number | null;
  // Added by Migration20261207000009OrderMerchant.
  /** Our id of the merchant account the order belongs to; 'default' for every row from before merchants existed. */
  merchantId!: string;
  // Added by Migration20261207000014MiniPrograms.
  /** The mini-program's appid; '' for rows from before mini-programs (and the seed's PHP): the default one's. */
  appId!: string;
}

export const ORDER_TABLE = 'shop_goods_order';
/** Index names the repository recognises in unique-violation errors (MariaDB names them, SQLite names columns). */
export const ORDER_OUT_TRADE_NO_UNIQUE = 'uq_shop_goods_order_out_trade_no';
export const ORDER_OPEN_KEY_UNIQUE = 'uq_shop_goods_order_open_key';
export const ORDER_REUSE_INDEX = 'idx_shop_goods_order_reuse';
export const ORDER_STATUS_TIME_INDEX = 'idx_shop_goods_order_status_time';
/** Unpaid orders holding a prepay_id: what the payment reconciliation scans (migration 17). */
export const ORDER_AWAITING_INDEX = 'idx_shop_goods_order_awaiting';

const int = (fieldName: string) => ({ type: 'integer', fieldName, nullable: true }) as const;
const str = (fieldName: string, length: number) => ({ type: 'string', fieldName, length, nullable: true }) as const;

export const OrderRecordSchema = new EntitySchema<OrderRecord>({
  class: OrderRecord,
  tableName: ORDER_TABLE,
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    uid: int('uid'),
    goodsId: int('goods_id'),
    outTradeNo: str('out_trade_no', 32),
    billNo: str('bill_no', 32),
    paidMoney: int('paid_money'),
    paidIntegral: int('paid_integral'),
    paidType: str('paid_type', 15),
    paidStatus: str('paid_status', 10),
    addTime: int('add_time'),
    paidTime: int('paid_time'),
    updateTime: int('update_time'),
    prepayId: str('prepay_id', 64),
    prepayIssuedAt: int('prepay_issued_at'),
    prepayExpireTime: int('prepay_expire_time'),
    signType: str('sign_type', 16),
    version: { type: 'integer', fieldName: 'version', default: 0 },
    needsReview: { type: 'tinyint', fieldName: 'needs_review', default: 0 },
    openKey: str('open_key', 64),
    refundNo: str('refund_no', 64),
    refundFee: int('refund_fee'),
    refundStatus: str('refund_status', 16),
    refundTime: int('refund_time'),
    reviewReason: str('review_reason', 255),
    cashPaid: int('cash_paid'),
    merchantId: { type: 'string', fieldName: 'merchant_id', length: 32, default: 'default' },
    appId: { type: 'string', fieldName: 'app_id', length: 32, default: '' },
  },
});

/** One refund of an order (wx_order_refund); times are unix milliseconds. */
export class RefundRecord {
  id!: string;
  outTradeNo!: string;
  seq!: number;
  outRefundNo!: string;
  amount!: number;
  status!: string;
  refundId!: string | null;
  requestKey!: string | null;
  requestedAt!: number;
  settledAt!: number | null;
  // Added by Migration20261207000013RefundParts.
  cashRefund!: number | null;
  couponRefund!: number | null;
}

export const REFUND_TABLE = 'wx_order_refund';

export const RefundRecordSchema = new EntitySchema<RefundRecord>({
  class: RefundRecord,
  tableName: REFUND_TABLE,
  properties: {
    id: { type: new BigIntType('string'), primary: true, autoincrement: true },
    outTradeNo: { type: 'string', fieldName: 'out_trade_no', length: 32 },
    seq: { type: 'integer' },
    outRefundNo: { type: 'string', fieldName: 'out_refund_no', length: 64 },
    amount: { type: 'integer' },
    status: { type: 'string', length: 16 },
    refundId: { type: 'string', fieldName: 'refund_id', length: 64, nullable: true },
    requestKey: { type: 'string', fieldName: 'request_key', length: 64, nullable: true },
    requestedAt: { type: new BigIntType('number'), fieldName: 'requested_at' },
    settledAt: { type: new BigIntType('number'), fieldName: 'settled_at', nullable: true },
    cashRefund: { type: 'integer', fieldName: 'cash_refund', nullable: true },
    couponRefund: { type: 'integer', fieldName: 'coupon_refund', nullable: true },
  },
});
