import type { Order } from '../../domain/order.js';
import type { PaidType } from '../../domain/paid-type.js';

/** The orders of one user for one goods item and one way of paying; the reuse rule and the lock work per key. */
export interface OrderKey {
  readonly uid: number;
  readonly goodsId: number;
  readonly paidType: PaidType;
}

export const orderKeyOf = (order: Order): OrderKey => ({
  uid: order.state.uid,
  goodsId: order.state.goodsId,
  paidType: order.state.paidType,
});

export type InsertOutcome = 'inserted' | 'duplicateOutTradeNo' | 'openOrderExists';
export type UpdateOutcome = 'updated' | 'stale';

export interface OrderRepository {
  /** Exact string match: numbers from other systems (leading zeros, 32 characters) are never normalised. */
  findByOutTradeNo(outTradeNo: string): Promise<Order | undefined>;

  /** The order holding the key's open slot (see Order.holdsOpenSlot), if any. */
  findOpen(key: OrderKey): Promise<Order | undefined>;

  /**
   * Stores a new order. The storage itself guarantees a unique out_trade_no and at most one order holding the open
   * slot per key, so a lost lock cannot produce a second open order.
   */
  insert(order: Order): Promise<InsertOutcome>;

  /**
   * Compare-and-set: writes only if the stored version still equals `order.state.version`, then advances the
   * order's version. A lost race is reported as 'stale', never overwritten.
   */
  update(order: Order): Promise<UpdateOutcome>;
}
