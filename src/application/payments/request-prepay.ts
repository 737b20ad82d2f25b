import { DEFAULT_MERCHANT_ID, type MerchantId } from '../../domain/merchant.js';
import type { Order } from '../../domain/order.js';
import { isPaidType, priceFor, type PaidType } from '../../domain/paid-type.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { IssuePrepay } from './issue-prepay.js';
import type { OpenOrder } from './open-order.js';
import type { PaymentRecorder } from '../orders/payment-recorder.js';
import type { Clock } from '../ports/clock.js';
import type { GoodsCatalog } from '../ports/goods-catalog.js';
import type { MiniPrograms } from '../ports/mini-programs.js';
import type { Lock } from '../ports/lock.js';
import type { OrderKey } from '../ports/order-repository.js';
import type { ClientPayment, RefusalCategory } from '../ports/payment-gateway.js';
import type { UserRepository } from '../ports/user-repository.js';

export interface PrepayCommand {
  readonly uid: number;
  /**
   * The mini-program the request arrived for (absent: the user's own). A user of another mini-program is refused as
   * unknown: a user, its coins and its orders exist in one mini-program only.
   */
  readonly appId?: string;
  readonly goodsId: number;
  readonly paidType: PaidType;
  readonly clientIp: string;
}

export type PrepayGranted =
  /** Pay the cash part in the payer's client, as the payment provider's `clientPayment` says. */
  | { readonly kind: 'payInClient'; readonly outTradeNo: string; readonly clientPayment: ClientPayment; readonly reused: boolean }
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
  | { readonly kind: 'GatewayRejected'; readonly code: string; readonly message: string; readonly category: RefusalCategory };

export interface PrepayLockTiming {
  /** Longer than a unifiedorder round trip with retries, so the lease outlives the work it guards. */
  readonly ttlMs: number;
  /** Short enough for the client to get an answer well inside its own request timeout. */
  readonly waitMs: number;
}

export const DEFAULT_PREPAY_LOCK_TIMING: PrepayLockTiming = { ttlMs: 30_000, waitMs: 5_000 };
/** Each round may replace one unusable order; two rounds cover "closed" then a fresh number, more means a bug. */
const MAX_ROUNDS = 3;

/**
 * Turns "user U wants goods G paying with P" into what the payer's client pays with (signed by the gateway), reusing
 * the key's open order when the seed's rule allows. The order row is committed before WeChat hears of it, so a payment can never arrive
 * for a number we do not know. One request per key at a time (the lock); the database guards the rest.
 */
export class RequestPrepay {
  constructor(
    private readonly goods: GoodsCatalog,
    private readonly users: UserRepository,
    private readonly lock: Lock,
    private readonly openOrder: OpenOrder,
    private readonly issuePrepay: IssuePrepay,
    private readonly recorder: PaymentRecorder,
    private readonly clock: Clock,
    /** Which merchant each mini-program sells through: the one its orders are opened with. */
    private readonly miniPrograms: MiniPrograms,
    private readonly lockTiming: PrepayLockTiming = DEFAULT_PREPAY_LOCK_TIMING,
  ) {}

  async execute(command: PrepayCommand): Promise<Result<PrepayGranted, PrepayError>> {
    if (!Number.isSafeInteger(command.uid) || command.uid <= 0) return invalid('uid must be a positive integer');
    if (!Number.isSafeInteger(command.goodsId) || command.goodsId <= 0) return invalid('goods_id must be a positive integer');
    if (!isPaidType(command.paidType)) return invalid('paid_type must be WXPAY, INTEGRAL or MIXED');

    const user = await this.users.findByUid(command.uid);
    if (!user || (command.appId !== undefined && user.appId !== command.appId)) return err({ kind: 'UnknownUser' });
    const miniProgram = this.miniPrograms.byAppId(user.appId);
    if (!miniProgram) return err({ kind: 'UnknownUser' });
    const goods = await this.goods.findById(command.goodsId);
    // Another mini-program's goods are not for sale here: as unknown as goods that never existed.
    if (!goods || goods.appId !== user.appId) return err({ kind: 'GoodsNotFound' });
    if (!goods.online) return err({ kind: 'GoodsOffline' });
    const price = priceFor(goods, command.paidType);
    const shop = { appId: miniProgram.appId, merchantId: miniProgram.merchantId };
    // A merchant that cannot sell (retired, or its credentials failed) is refused before an order is opened or coins
    // are spent: a 503 naming it, and nothing left behind.
    this.issuePrepay.assertSells(shop.merchantId);

    const key: OrderKey = { uid: command.uid, goodsId: command.goodsId, paidType: command.paidType };
    const lease = await this.lock.acquire(lockKey(key, shop.merchantId), this.lockTiming);
    if (!lease) return err({ kind: 'Busy' });
    try {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const opening = await this.openOrder.execute(key, goods, shop);
        if (opening.kind === 'contended') continue;
        if (opening.kind === 'insufficientCoins')
          return err({ kind: 'InsufficientIntegral', balance: opening.balance, required: price.integral });
        if (opening.kind === 'openOrderPaid') return err({ kind: 'AlreadyPaid', outTradeNo: opening.order.state.outTradeNo.value });
        const order = opening.order;
        if (price.cash.isZero()) return this.payWithCoins(order);
        const issued = await this.issuePrepay.execute(order, goods, user, command.clientIp);
        switch (issued.kind) {
          case 'clientPayment':
            return ok({
              kind: 'payInClient',
              outTradeNo: order.state.outTradeNo.value,
              clientPayment: issued.clientPayment,
              reused: opening.kind === 'reused',
            });
          case 'alreadyPaid':
            return err({ kind: 'AlreadyPaid', outTradeNo: order.state.outTradeNo.value });
          case 'rejected':
            return err({ kind: 'GatewayRejected', code: issued.code, message: issued.message, category: issued.category });
          case 'replaced':
            continue;
        }
      }
      throw new Error(`prepay for ${lockKey(key, shop.merchantId)}: no usable order after ${MAX_ROUNDS} rounds`);
    } finally {
      await lease.release();
    }
  }

  private async payWithCoins(order: Order): Promise<Result<PrepayGranted, PrepayError>> {
    const outcome = await this.recorder.recordCashless(order, 'paid', this.clock.now());
    if (outcome.kind !== 'changed' && outcome.kind !== 'unchanged') {
      throw new Error(`order ${order.state.outTradeNo.value}: cashless payment not recorded (${outcome.kind})`);
    }
    return ok({ kind: 'paidWithCoins', outTradeNo: order.state.outTradeNo.value, paidIntegral: order.state.integral });
  }
}

/**
 * Hash-tagged so that all of a key's lock traffic lands on one Redis Cluster slot. Another merchant's key names it;
 * the `default` merchant's stays the string it always was, so the old and the new instances of a rolling deploy of a
 * single-merchant deployment lock the same key.
 */
export const lockKey = (key: OrderKey, merchantId: MerchantId = DEFAULT_MERCHANT_ID): string =>
  `prepay:{${merchantId === DEFAULT_MERCHANT_ID ? '' : `${merchantId}:`}${key.uid}:${key.goodsId}:${key.paidType}}`;

const invalid = (reason: string): Result<never, PrepayError> => err({ kind: 'InvalidCommand', reason });
