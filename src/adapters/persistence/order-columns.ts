import type { OrderRecord } from './order-record.js';

/**
 * The columns of shop_goods_order this service reads and writes, by the record's property names: the one list that
 * the hot-path statements (order-sql.ts) select, insert and compare-and-set, and that the mapper's row type
 * (`OrderRow`) is made of. Every column of the entity schema is either here or in `ORDER_COLUMNS_LEFT_ALONE` with the
 * reason; the compiler and a test (order-columns.test.ts) hold both against the schema, so a new column is a
 * decision, never dropped by a naming accident.
 */
export const ORDER_COLUMNS = [
  'id',
  'uid',
  'goodsId',
  'outTradeNo',
  'billNo',
  'paidMoney',
  'paidIntegral',
  'paidType',
  'paidStatus',
  'addTime',
  'paidTime',
  'updateTime',
  'prepayId',
  'prepayIssuedAt',
  'prepayExpireTime',
  'signType',
  'version',
  'needsReview',
  'openKey',
  'reviewReason',
  'cashPaid',
  'merchantId',
  'appId',
] as const satisfies readonly (keyof OrderRecord)[];

const SUPERSEDED_BY_REFUND_TABLE =
  "the seed's single refund, superseded by wx_order_refund (Migration20261130000005OrderRefunds copied it there): nothing reads or writes it";

/** Columns of the entity the service deliberately never reads or writes, each with the reason. */
export const ORDER_COLUMNS_LEFT_ALONE = {
  refundNo: SUPERSEDED_BY_REFUND_TABLE,
  refundFee: SUPERSEDED_BY_REFUND_TABLE,
  refundStatus: SUPERSEDED_BY_REFUND_TABLE,
  refundTime: SUPERSEDED_BY_REFUND_TABLE,
} as const satisfies Partial<Record<keyof OrderRecord, string>>;

export type OrderColumn = (typeof ORDER_COLUMNS)[number];

/** A shop_goods_order row as the domain reads it: the listed columns. */
export type OrderRow = Pick<OrderRecord, OrderColumn>;

/** A property of the record in neither list fails to compile here, naming itself. */
type Unlisted = Exclude<keyof OrderRecord, OrderColumn | keyof typeof ORDER_COLUMNS_LEFT_ALONE>;
const everyColumnDecided: [Unlisted] extends [never] ? true : Unlisted = true;
void everyColumnDecided;
