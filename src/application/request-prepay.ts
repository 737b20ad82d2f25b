import { Order } from '../domain/order.js';
import { isPrepayUsable, isReusable } from '../domain/order-reuse.js';
import { OutTradeNoGenerator } from '../domain/out-trade-no.js';
import { isPaidType, priceFor, type PaidType, type Price } from '../domain/paid-type.js';
import { err, ok, type Result } from '../domain/result.js';
import type { Clock, Random } from './ports/clock.js';
import type { GoodsCatalog } from './ports/goods-catalog.js';
import type { Lock } from './ports/lock.js';
import type { OrderKey, OrderRepository } from './ports/order-repository.js';
import type { ClientPaymentParams, PaymentGateway } from './ports/payment-gateway.js';
import type { UserRepository } from './ports/user-repository.js';
import type { ConfirmOrder } from './confirm-order.js';

export interface PrepayCommand {
  readonly uid: number;
  readonly goodsId: number;
  readonly paidType: PaidType;
  readonly clientIp: string;
}

export interface PrepayGranted {
  readonly outTradeNo: string;
  readonly params: ClientPaymentParams;
  readonly reused: boolean;
}

export type PrepayError =
  | { readonly kind: 'InvalidCommand'; readonly reason: string }
  | { readonly kind: 'UnknownUser' }
  | { readonly kind: 'GoodsNotFound' }
  | { readonly kind: 'GoodsOffline' }
  /** The cash part is 0: nothing to pay through WeChat (health-coin-only orders are settled elsewhere). */
  | { readonly kind: 'NothingToPayInCash' }
  /** Another request for the same key held the lock past the wait: the client may simply retry. */
  | { readonly kind: 'Busy' }
  /** WeChat says this order is already paid; the order has been confirmed accordingly. */
  | { readonly kind: 'AlreadyPaid'; readonly outTradeNo: string }
  | { readonly kind: 'GatewayRejected'; readonly code: string; readonly message: string };

export interface PrepayLockTiming {
  /** Longer than a unifiedorder round trip with retries, so the lease outlives the work it guards. */
  readonly ttlMs: number;
  /** Short enough for the client to get an answer well inside its own request timeout. */
  readonly waitMs: number;
}

const DEFAULT_LOCK_TIMING: PrepayLockTiming = { ttlMs: 30_000, waitMs: 5_000 };
/** Each round may replace one unusable order; two rounds cover "closed" then a fresh number, more means a bug. */
const MAX_ROUNDS = 3;

/**
 * Turns "user U wants goods G paying with P" into signed wx.requestPayment parameters, reusing the key's open order
 * when the seed's rule allows. The order row is committed before WeChat hears of it, so a payment can never arrive
 * for a number we do not know.
 */
export class RequestPrepay {
  private readonly numbers: OutTradeNoGenerator;

  constructor(
    private readonly goods: GoodsCatalog,
    private readonly users: UserRepository,
    private readonly orders: OrderRepository,
    private readonly gateway: PaymentGateway,
    private readonly confirm: ConfirmOrder,
    private readonly lock: Lock,
    private readonly clock: Clock,
    random: Random,
    private readonly lockTiming: PrepayLockTiming = DEFAULT_LOCK_TIMING,
  ) {
    this.numbers = new OutTradeNoGenerator((n) => random.int(n));
  }

  async execute(command: PrepayCommand): Promise<Result<PrepayGranted, PrepayError>> {
    if (!Number.isSafeInteger(command.uid) || command.uid <= 0) return invalid('uid must be a positive integer');
    if (!Number.isSafeInteger(command.goodsId) || command.goodsId <= 0) return invalid('goods_id must be a positive integer');
    if (!isPaidType(command.paidType)) return invalid('paid_type must be WXPAY, INTEGRAL or MIXED');

    const goods = await this.goods.findById(command.goodsId);
    if (!goods) return err({ kind: 'GoodsNotFound' });
    if (!goods.online) return err({ kind: 'GoodsOffline' });
    const user = await this.users.findByUid(command.uid);
    if (!user) return err({ kind: 'UnknownUser' });
    const price = priceFor(goods, command.paidType);
    if (price.cash.isZero()) return err({ kind: 'NothingToPayInCash' });

    const key: OrderKey = { uid: command.uid, goodsId: command.goodsId, paidType: command.paidType };
    const lease = await this.lock.acquire(lockKey(key), this.lockTiming);
    if (!lease) return err({ kind: 'Busy' });
    try {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const { order, reused } = await this.openOrder(key, price);
        if (!order) continue; // lost the open slot to a writer that ignored the lock; look again
        const now = this.clock.now();
        if (isPrepayUsable(order.state.prepay, now)) {
          return ok({ outTradeNo: order.state.outTradeNo.value, params: this.gateway.clientPaymentParams(order.state.prepay), reused });
        }
        const outcome = await this.gateway.createPrepay({
          outTradeNo: order.state.outTradeNo.value,
          description: goods.name,
          amount: order.state.cash,
          openid: user.openid,
          clientIp: command.clientIp,
        });
        switch (outcome.kind) {
          case 'created': {
            order.attachPrepay(outcome.prepay, this.clock.now());
            // A stale write only means a concurrent writer got here first; the prepay_id is valid either way.
            await this.orders.update(order);
            return ok({ outTradeNo: order.state.outTradeNo.value, params: this.gateway.clientPaymentParams(outcome.prepay), reused });
          }
          case 'alreadyPaid':
            await this.confirm.execute(order);
            return err({ kind: 'AlreadyPaid', outTradeNo: order.state.outTradeNo.value });
          case 'closed':
            await this.confirm.execute(order);
            await this.release(order);
            continue;
          case 'parametersChanged':
            await this.release(order);
            continue;
          case 'rejected':
            return err({ kind: 'GatewayRejected', code: outcome.code, message: outcome.message });
        }
      }
      throw new Error(`prepay for ${lockKey(key)}: no usable order after ${MAX_ROUNDS} rounds`);
    } finally {
      await lease.release();
    }
  }

  /** The reusable open order of the key, or a new one that has taken the open slot. */
  private async openOrder(key: OrderKey, price: Price): Promise<{ order?: Order; reused: boolean }> {
    const now = this.clock.now();
    const existing = await this.orders.findOpen(key);
    if (existing && isReusable(existing, price, now)) return { order: existing, reused: true };
    if (existing && !(await this.release(existing))) return { reused: false };

    for (;;) {
      const order = Order.open({ ...key, outTradeNo: this.numbers.next(now, 'SHOP_GOODS'), price }, now);
      switch (await this.orders.insert(order)) {
        case 'inserted':
          return { order, reused: false };
        case 'duplicateOutTradeNo':
          continue; // 10 random digits collided within one second: draw again
        case 'openOrderExists':
          return { reused: false };
      }
    }
  }

  /** Gives up the order's open slot; false when another writer changed it first. */
  private async release(order: Order): Promise<boolean> {
    if (order.supersede(this.clock.now()) === 'unchanged') return true;
    return (await this.orders.update(order)) === 'updated';
  }
}

/** Hash-tagged so that all of a key's lock traffic lands on one Redis Cluster slot. */
export const lockKey = (key: OrderKey): string => `prepay:{${key.uid}:${key.goodsId}:${key.paidType}}`;

const invalid = (reason: string): Result<never, PrepayError> => err({ kind: 'InvalidCommand', reason });
