import { Order } from '../domain/order.js';
import { isPrepayUsable, isReusable } from '../domain/order-reuse.js';
import { OutTradeNoGenerator } from '../domain/out-trade-no.js';
import { isPaidType, priceFor, type Goods, type PaidType, type Price } from '../domain/paid-type.js';
import { err, ok, type Result } from '../domain/result.js';
import type { ConfirmOrder } from './confirm-order.js';
import type { PaymentRecorder } from './payment-recorder.js';
import type { Clock, Random } from './ports/clock.js';
import type { GoodsCatalog } from './ports/goods-catalog.js';
import type { IntegralLedger } from './ports/integral-ledger.js';
import type { Lock } from './ports/lock.js';
import type { OrderKey, OrderRepository } from './ports/order-repository.js';
import type { ClientPaymentParams, PaymentGateway } from './ports/payment-gateway.js';
import type { User, UserRepository } from './ports/user-repository.js';

export interface PrepayCommand {
  readonly uid: number;
  readonly goodsId: number;
  readonly paidType: PaidType;
  readonly clientIp: string;
}

export type PrepayGranted =
  /** Pay the cash part through wx.requestPayment with these parameters. */
  | { readonly kind: 'payWithWechat'; readonly outTradeNo: string; readonly params: ClientPaymentParams; readonly reused: boolean }
  /** The cash part was 0: the order is already paid with health coins; there is nothing for WeChat to do. */
  | { readonly kind: 'paidWithCoins'; readonly outTradeNo: string; readonly paidIntegral: number };

export type PrepayError =
  | { readonly kind: 'InvalidCommand'; readonly reason: string }
  | { readonly kind: 'UnknownUser' }
  | { readonly kind: 'GoodsNotFound' }
  | { readonly kind: 'GoodsOffline' }
  | { readonly kind: 'InsufficientIntegral'; readonly balance: number; readonly required: number }
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

export interface RequestPrepayDeps {
  readonly goods: GoodsCatalog;
  readonly users: UserRepository;
  readonly orders: OrderRepository;
  readonly gateway: PaymentGateway;
  readonly confirm: ConfirmOrder;
  readonly recorder: PaymentRecorder;
  readonly ledger: IntegralLedger;
  readonly lock: Lock;
  readonly clock: Clock;
  readonly random: Random;
  readonly lockTiming?: PrepayLockTiming;
}

const DEFAULT_LOCK_TIMING: PrepayLockTiming = { ttlMs: 30_000, waitMs: 5_000 };
/** Each round may replace one unusable order; two rounds cover "closed" then a fresh number, more means a bug. */
const MAX_ROUNDS = 3;

type Opened = { readonly order: Order; readonly reused: boolean } | { readonly order?: undefined; readonly insufficient?: number };

/**
 * Turns "user U wants goods G paying with P" into signed wx.requestPayment parameters, reusing the key's open order
 * when the seed's rule allows. The order row is committed before WeChat hears of it, so a payment can never arrive
 * for a number we do not know; the order's health coins are reserved before the row exists, so an order never waits
 * for coins the user no longer has.
 */
export class RequestPrepay {
  private readonly numbers: OutTradeNoGenerator;
  private readonly lockTiming: PrepayLockTiming;

  constructor(private readonly d: RequestPrepayDeps) {
    this.numbers = new OutTradeNoGenerator((n) => d.random.int(n));
    this.lockTiming = d.lockTiming ?? DEFAULT_LOCK_TIMING;
  }

  async execute(command: PrepayCommand): Promise<Result<PrepayGranted, PrepayError>> {
    if (!Number.isSafeInteger(command.uid) || command.uid <= 0) return invalid('uid must be a positive integer');
    if (!Number.isSafeInteger(command.goodsId) || command.goodsId <= 0) return invalid('goods_id must be a positive integer');
    if (!isPaidType(command.paidType)) return invalid('paid_type must be WXPAY, INTEGRAL or MIXED');

    const goods = await this.d.goods.findById(command.goodsId);
    if (!goods) return err({ kind: 'GoodsNotFound' });
    if (!goods.online) return err({ kind: 'GoodsOffline' });
    const user = await this.d.users.findByUid(command.uid);
    if (!user) return err({ kind: 'UnknownUser' });
    const price = priceFor(goods, command.paidType);

    const key: OrderKey = { uid: command.uid, goodsId: command.goodsId, paidType: command.paidType };
    const lease = await this.d.lock.acquire(lockKey(key), this.lockTiming);
    if (!lease) return err({ kind: 'Busy' });
    try {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const opened = await this.openOrder(key, price);
        if (opened.order === undefined) {
          if (opened.insufficient !== undefined) return err({ kind: 'InsufficientIntegral', balance: opened.insufficient, required: price.integral });
          continue; // lost the open slot to a writer that ignored the lock; look again
        }
        if (price.cash.isZero()) return this.payWithCoins(opened.order);
        const outcome = await this.payWithWechat(opened.order, opened.reused, goods, user, command.clientIp);
        if (outcome !== 'retry') return outcome;
      }
      throw new Error(`prepay for ${lockKey(key)}: no usable order after ${MAX_ROUNDS} rounds`);
    } finally {
      await lease.release();
    }
  }

  private async payWithCoins(order: Order): Promise<Result<PrepayGranted, PrepayError>> {
    const outcome = await this.d.recorder.recordCashless(order, 'paid', this.d.clock.now());
    if (outcome.kind !== 'recorded' && outcome.kind !== 'alreadyRecorded') throw new Error(`order ${order.state.outTradeNo.value}: cashless payment not recorded (${outcome.kind})`);
    return ok({ kind: 'paidWithCoins', outTradeNo: order.state.outTradeNo.value, paidIntegral: order.state.integral });
  }

  private async payWithWechat(order: Order, reused: boolean, goods: Goods, user: User, clientIp: string): Promise<Result<PrepayGranted, PrepayError> | 'retry'> {
    const outTradeNo = order.state.outTradeNo.value;
    if (isPrepayUsable(order.state.prepay, this.d.clock.now())) {
      return ok({ kind: 'payWithWechat', outTradeNo, params: this.d.gateway.clientPaymentParams(order.state.prepay), reused });
    }
    const outcome = await this.d.gateway.createPrepay({ outTradeNo, description: goods.name, amount: order.state.cash, openid: user.openid, clientIp });
    switch (outcome.kind) {
      case 'created':
        order.attachPrepay(outcome.prepay, this.d.clock.now());
        // A stale write only means a concurrent writer got here first; the prepay_id is valid either way.
        await this.d.orders.update(order);
        return ok({ kind: 'payWithWechat', outTradeNo, params: this.d.gateway.clientPaymentParams(outcome.prepay), reused });
      case 'alreadyPaid':
        await this.d.confirm.execute(order);
        return err({ kind: 'AlreadyPaid', outTradeNo });
      case 'closed':
        await this.d.confirm.execute(order);
        await this.release(order);
        return 'retry';
      case 'parametersChanged':
        await this.release(order);
        return 'retry';
      case 'rejected':
        return err({ kind: 'GatewayRejected', code: outcome.code, message: outcome.message });
    }
  }

  /** The reusable open order of the key, or a new one (coins reserved first) that has taken the open slot. */
  private async openOrder(key: OrderKey, price: Price): Promise<Opened> {
    const now = this.d.clock.now();
    const existing = await this.d.orders.findOpen(key);
    if (existing && isReusable(existing, price, now)) return { order: existing, reused: true };
    if (existing && !(await this.release(existing))) return {};

    for (;;) {
      const order = Order.open({ ...key, outTradeNo: this.numbers.next(now, 'SHOP_GOODS'), price }, now);
      const no = order.state.outTradeNo.value;
      if (price.integral > 0) {
        const reserved = await this.d.ledger.reserve(key.uid, no, price.integral, now);
        if (reserved.kind === 'insufficient') {
          // A concurrent request (one that ignored the lock) may have just opened the order these coins went to.
          const raced = await this.d.orders.findOpen(key);
          return raced && isReusable(raced, price, now) ? { order: raced, reused: true } : { insufficient: reserved.balance };
        }
      }
      const inserted = await this.d.orders.insert(order);
      if (inserted === 'inserted') return { order, reused: false };
      // No order took the coins: give them back (the reconciler repairs a crash right here the same way).
      if (price.integral > 0) await this.d.ledger.release(no, now);
      if (inserted === 'openOrderExists') return {};
      // 'duplicateOutTradeNo': ten random digits collided with another process within one second; draw again.
    }
  }

  /** Gives up the order's open slot; false when another writer changed it first. */
  private async release(order: Order): Promise<boolean> {
    if (order.supersede(this.d.clock.now()) === 'unchanged') return true;
    return (await this.d.orders.update(order)) === 'updated';
  }
}

/** Hash-tagged so that all of a key's lock traffic lands on one Redis Cluster slot. */
export const lockKey = (key: OrderKey): string => `prepay:{${key.uid}:${key.goodsId}:${key.paidType}}`;

const invalid = (reason: string): Result<never, PrepayError> => err({ kind: 'InvalidCommand', reason });
