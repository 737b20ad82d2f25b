import type { MerchantId } from './merchant.js';
import type { Money } from './money.js';
import type { OrderStatus } from './order-status.js';
import type { OutTradeNo } from './out-trade-no.js';
import type { PaidType, Price } from './paid-type.js';
import type { Prepay } from './prepay.js';
import type { Refund } from './refund.js';

/** Why an order waits for a person: set by the use cases that find something WeChat and we disagree on. */
export interface Review {
  readonly reason: string;
}

export interface OrderState {
  readonly outTradeNo: OutTradeNo;
  /** The merchant account the order was opened with, and is queried, closed and refunded with, for good. */
  readonly merchantId: MerchantId;
  /**
   * The mini-program (appid) the order was placed in: its user, goods and coins are that mini-program's, and the
   * payer pays in it (the paySign is made over its appid).
   */
  readonly appId: string;
  readonly uid: number;
  readonly goodsId: number;
  readonly paidType: PaidType;
  /** paid_money: the order's price in cash, which is what WeChat must confirm (its total_fee). */
  readonly cash: Money;
  /** paid_integral: health coins. */
  readonly integral: number;
  readonly status: OrderStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** bill_no: WeChat's transaction_id, set once paid through WeChat. */
  readonly transactionId?: string;
  readonly paidAt?: Date;
  /** WeChat's cash_fee: what the user paid in cash, less than `cash` when a coupon paid the rest. */
  readonly cashPaid?: Money;
  readonly prepay?: Prepay;
  /** Every refund ever requested, oldest first. */
  readonly refunds: readonly Refund[];
  readonly review?: Review;
  /**
   * True for the one order of its (uid, goods, paid type) that prepay requests may reuse. Storage enforces that at
   * most one order per key holds it, which is the database's guard against duplicate open orders.
   */
  readonly holdsOpenSlot: boolean;
  /**
   * Opaque optimistic-concurrency token: repositories write only if the stored version still equals this one.
   * A deliberate compromise so that a compare-and-set needs no ORM identity map.
   */
  readonly version: number;
}

/** A payment WeChat confirmed (orderquery, or a notify confirmed by it). */
export interface ConfirmedPayment {
  readonly transactionId: string;
  /** total_fee: the order amount, coupons included. */
  readonly amount: Money;
  readonly paidAt: Date;
  /** cash_fee, when WeChat reported it. */
  readonly cashPaid?: Money;
}

export type Change = 'changed' | 'unchanged';

export interface NewOrder {
  readonly outTradeNo: OutTradeNo;
  readonly merchantId: MerchantId;
  readonly appId: string;
  readonly uid: number;
  readonly goodsId: number;
  readonly paidType: PaidType;
  readonly price: Price;
}
