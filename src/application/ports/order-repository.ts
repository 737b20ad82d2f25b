import type { MerchantId } from '../../domain/merchant.js';
import type { Money } from '../../domain/money.js';
import type { Order } from '../../domain/order.js';
import type { OrderStatus } from '../../domain/order-status.js';
import type { PaidType } from '../../domain/paid-type.js';
import type { Refund } from '../../domain/refund.js';

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

/**
 * Which shop's orders a query may see: one merchant's, one mini-program's, or both conditions. `EVERY_SHOP` (no
 * condition) is for what acts with each order's own merchant (the reconciliation jobs) and for platform operators.
 * out_trade_no stays unique across every shop here (a unique index on it alone), which is stricter than WeChat's
 * per-merchant rule: a lookup by number finds at most one order, and the scope then decides whether the caller sees it.
 */
export interface OrderScope {
  readonly merchantId?: MerchantId;
  readonly appId?: string;
}

export const EVERY_SHOP: OrderScope = Object.freeze({});

/** Whether the order is one the scope may see. */
export const inScope = (scope: OrderScope, s: { readonly merchantId: MerchantId; readonly appId: string }): boolean =>
  (scope.merchantId === undefined || scope.merchantId === s.merchantId) && (scope.appId === undefined || scope.appId === s.appId);

export interface OrderFilter extends OrderScope {
  readonly status?: OrderStatus;
  readonly uid?: number;
  readonly paidType?: PaidType;
  readonly outTradeNo?: string;
  /** Part of the number (a prefix, or any part): `%` and `_` are characters here, never wildcards. */
  readonly outTradeNoContains?: string;
  /** WeChat's transaction_id (bill_no). */
  readonly transactionId?: string;
  /** Created at or after this instant. */
  readonly createdFrom?: Date;
  /** Created before this instant. */
  readonly createdBefore?: Date;
  /** Only orders waiting for a person (true), or only those that are not (false). */
  readonly needsReview?: boolean;
  /** Only orders of these merchants (an empty list: none): a shop operator's view. Absent: every merchant's. */
  readonly merchantIds?: readonly MerchantId[];
  /**
   * Oldest first, as an export reads its pages: orders created meanwhile land after them, so no page shifts and no
   * order is read twice or missed.
   */
  readonly oldestFirst?: boolean;
  /** At most 100. */
  readonly limit: number;
  readonly offset: number;
}

/** Which refunds to list, by when they were requested (and of which shop's orders). */
export interface RefundFilter extends OrderScope {
  /** Requested at or after this instant. */
  readonly requestedFrom?: Date;
  /** Requested before this instant. */
  readonly requestedBefore?: Date;
  /** Only refunds of these merchants' orders (an empty list: none). Absent: every merchant's. */
  readonly merchantIds?: readonly MerchantId[];
  /** Oldest first (an export reads pages this way: refunds requested meanwhile land after them, never shift them). */
  readonly oldestFirst?: boolean;
  /** At most 1000. */
  readonly limit: number;
  readonly offset: number;
}

/** One refund with the order it belongs to. */
export interface RefundEntry {
  readonly outTradeNo: string;
  readonly refund: Refund;
}

/**
 * What a payment notice is checked against before anything else (HandleNotify): a few columns of the order, none of
 * which changes once the order is paid, so a paid order's may be kept in memory (the adapters' cachedPaymentFacts)
 * and a duplicate notice answered without reading the order.
 */
export interface PaymentFacts {
  /** The merchant the order was opened with: only its account's notices are about this order. */
  readonly merchantId: MerchantId;
  readonly cash: Money;
  /** How the order's current prepay was signed, if it has one. */
  readonly prepaySignType?: string;
  /** WeChat's transaction_id, once recorded. */
  readonly transactionId?: string;
  /**
   * The whole order, read with the facts, when it is not paid yet (no transaction_id): a first notice goes on to ask
   * WeChat about it and record the answer, without reading the order a second time. Never given for a paid order.
   */
  readonly order?: Order;
}

export const paymentFactsOf = (order: Order): PaymentFacts => ({
  merchantId: order.state.merchantId,
  cash: order.state.cash,
  ...(order.state.prepay && { prepaySignType: order.state.prepay.signType }),
  ...(order.state.transactionId !== undefined && { transactionId: order.state.transactionId }),
});

export type InsertOutcome = 'inserted' | 'duplicateOutTradeNo' | 'openOrderExists';
export type UpdateOutcome = 'updated' | 'stale';

export interface OrderRepository {
  /**
   * Exact string match: numbers from other systems (leading zeros, 32 characters) are never normalised. An order
   * outside `scope` is not found (absent: every shop's, for callers that act with the order's own merchant).
   */
  findByOutTradeNo(outTradeNo: string, scope?: OrderScope): Promise<Order | undefined>;

  /** The payment facts of the order with exactly this number in `scope` (see findByOutTradeNo), if any. */
  findPaymentFacts(outTradeNo: string, scope?: OrderScope): Promise<PaymentFacts | undefined>;

  /** The order holding the key's open slot (see Order.holdsOpenSlot), if any. */
  findOpen(key: OrderKey): Promise<Order | undefined>;

  /**
   * Stores a new order. The storage itself guarantees a unique out_trade_no and at most one order holding the open
   * slot per key, so a lost lock cannot produce a second open order.
   */
  insert(order: Order): Promise<InsertOutcome>;

  /**
   * Compare-and-set: writes only if the stored version still equals `order.state.version`, then advances the
   * order's version. The order's refunds are written with it, and the events it recorded (pullEvents) go to the
   * event outbox in the same transaction, so a change and its event are committed together or not at all. A lost
   * race is reported as 'stale', never overwritten.
   */
  update(order: Order): Promise<UpdateOutcome>;

  /**
   * CHECKED orders that were given a prepay_id and wait for no review, oldest first: what reconciliation asks WeChat
   * about. An order flagged for review is left to a person, so reconciliation does not retry it forever.
   * `prepaidBefore`: only orders whose prepay_id was issued at or before it (whole seconds), when given.
   */
  listAwaitingPayment(limit: number, offset?: number, scope?: OrderScope, prepaidBefore?: Date): Promise<Order[]>;

  /** CHECKED orders created before `createdBefore` that never got a prepay_id, oldest first. */
  listOpenWithoutPrepay(createdBefore: Date, limit: number, scope?: OrderScope): Promise<Order[]>;

  /** Paid orders with a refund WeChat has not settled (PROCESSING or ABNORMAL), oldest first. */
  listRefundsUnsettled(limit: number, scope?: OrderScope): Promise<Order[]>;

  /** Newest first (unless `oldestFirst`), for the admin view. */
  list(filter: OrderFilter): Promise<Order[]>;

  /** Refunds of every order, newest first unless asked otherwise (by request time, then number). */
  listRefunds(filter: RefundFilter): Promise<RefundEntry[]>;
}
