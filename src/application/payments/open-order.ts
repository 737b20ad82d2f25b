import type { MerchantId } from '../../domain/merchant.js';
import { Order } from '../../domain/order.js';
import { isReusable } from '../../domain/order-reuse.js';
import { OutTradeNoGenerator } from '../../domain/out-trade-no.js';
import type { Goods } from '../../domain/goods.js';
import { priceFor } from '../../domain/paid-type.js';
import type { Clock, Random } from '../ports/clock.js';
import type { IntegralLedger } from '../ports/integral-ledger.js';
import type { OrderKey, OrderRepository } from '../ports/order-repository.js';
import type { SupersedeOrder } from './supersede-order.js';

/** Where an order is placed: a mini-program, and the merchant it sells through. */
export interface Shop {
  readonly appId: string;
  readonly merchantId: MerchantId;
}

export type Opening =
  | { readonly kind: 'reused'; readonly order: Order }
  | { readonly kind: 'opened'; readonly order: Order }
  | { readonly kind: 'insufficientCoins'; readonly balance: number }
  /** WeChat says the key's open order is paid: it must not be replaced. */
  | { readonly kind: 'openOrderPaid'; readonly order: Order }
  /** Another writer (one that ignored the lock) holds or just changed the key's open order: look again. */
  | { readonly kind: 'contended' };

/**
 * The key's open order when the reuse rule (order-reuse.ts) allows it for these goods, else a new one at the goods'
 * price that takes the open slot. The new order's
 * health coins are reserved before its row exists, so an order never waits for coins the user no longer has.
 */
export class OpenOrder {
  private readonly numbers: OutTradeNoGenerator;

  constructor(
    private readonly orders: OrderRepository,
    private readonly ledger: IntegralLedger,
    private readonly supersede: SupersedeOrder,
    private readonly clock: Clock,
    random: Random,
  ) {
    this.numbers = new OutTradeNoGenerator((n) => random.int(n));
  }

  /** `shop`: the mini-program the request is for, and the merchant it sells through, whose account the order is paid to. */
  async execute(key: OrderKey, goods: Goods, shop: Shop): Promise<Opening> {
    const existing = await this.orders.findOpen(key);
    if (existing && reusableFor(existing, shop, goods, key.uid, this.clock.now())) return { kind: 'reused', order: existing };
    if (existing) {
      const superseded = await this.supersede.execute(existing);
      if (superseded === 'paid') return { kind: 'openOrderPaid', order: existing };
      if (superseded === 'lost') return { kind: 'contended' };
    }
    return this.openNew(key, goods, shop);
  }

  private async openNew(key: OrderKey, goods: Goods, shop: Shop): Promise<Opening> {
    const price = priceFor(goods, key.paidType);
    for (;;) {
      const now = this.clock.now();
      const order = Order.open(
        { ...key, merchantId: shop.merchantId, appId: shop.appId, outTradeNo: this.numbers.next(now, 'SHOP_GOODS'), price },
        now,
      );
      const no = order.state.outTradeNo.value;
      if (price.integral > 0) {
        const reserved = await this.ledger.reserve(key.uid, no, price.integral, now);
        if (reserved.kind === 'insufficient') {
          // A concurrent request (one that ignored the lock) may have just opened the order these coins went to.
          const raced = await this.orders.findOpen(key);
          return raced && reusableFor(raced, shop, goods, key.uid, now)
            ? { kind: 'reused', order: raced }
            : { kind: 'insufficientCoins', balance: reserved.balance };
        }
      }
      const inserted = await this.orders.insert(order);
      if (inserted === 'inserted') return { kind: 'opened', order };
      // No order took the coins: give them back (the reconciler repairs a crash right here the same way).
      if (price.integral > 0) await this.ledger.release(no, now);
      if (inserted === 'openOrderExists') return { kind: 'contended' };
      // 'duplicateOutTradeNo': ten random digits collided with another process within one second; draw again.
    }
  }
}

/**
 * The reuse rule, for an order of the same mini-program and merchant only: another merchant's order is paid to another
 * account, and another mini-program's is paid in another app (its paySign is made over another appid).
 */
const reusableFor = (order: Order, shop: Shop, goods: Goods, uid: number, now: Date): boolean =>
  order.state.merchantId === shop.merchantId && order.state.appId === shop.appId && isReusable(order, { goods, uid, now });
