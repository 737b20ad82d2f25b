import { describe, expect, it } from 'vitest';
import { CachedGoodsCatalog } from '../../src/adapters/caching/cached-goods-catalog.js';
import { cachedPaymentFacts } from '../../src/adapters/caching/cached-payment-facts.js';
import { CachedUsers } from '../../src/adapters/caching/cached-users.js';
import { Money } from '../../src/domain/money.js';
import type { Goods } from '../../src/domain/goods.js';
import { SAMPLE_MERCHANT } from '../../src/adapters/wechatpay/shared/sample-merchant.js';
import { anOrder } from '../support/builders.js';
import { InMemoryGoodsCatalog } from '../support/doubles/in-memory-goods-catalog.js';
import { InMemoryOrderRepository } from '../support/doubles/in-memory-order-repository.js';
import { InMemoryUserRepository } from '../support/doubles/in-memory-user-repository.js';

const goods: Goods = {
  id: 7,
  appId: SAMPLE_MERCHANT.appId,
  name: 'Tea',
  marketPrice: Money.ofFen(19_900),
  salePrice: Money.ofFen(9_900),
  integral: 500,
  online: true,
};

/** Counts the lookups that reach the wrapped store. */
function counting<T extends object>(target: T, method: keyof T): { target: T; calls: () => number } {
  let calls = 0;
  const original = (target[method] as (...args: unknown[]) => unknown).bind(target);
  (target as Record<keyof T, unknown>)[method] = (...args: unknown[]) => {
    calls++;
    return original(...args);
  };
  return { target, calls: () => calls };
}

describe('CachedGoodsCatalog', () => {
  it('serves a lookup from memory for its time to live, then asks again', async () => {
    let now = 0;
    const { target, calls } = counting(new InMemoryGoodsCatalog([goods]), 'findById');
    const catalog = new CachedGoodsCatalog(target, 1_000, () => now);
    expect(await catalog.findById(7)).toEqual(goods);
    now = 999;
    expect(await catalog.findById(7)).toEqual(goods);
    expect(calls()).toBe(1);
    now = 1_000;
    await catalog.findById(7);
    expect(calls()).toBe(2);
  });

  it('sees a change made through it at once, and a missing id once created', async () => {
    const catalog = new CachedGoodsCatalog(new InMemoryGoodsCatalog([goods]), 60_000, () => 0);
    await catalog.findById(7);
    await catalog.update({ ...goods, marketPrice: Money.ofFen(29_900) });
    expect((await catalog.findById(7))?.marketPrice).toEqual(Money.ofFen(29_900));
    expect(await catalog.findById(8)).toBeUndefined();
    const created = await catalog.create({ ...goods, name: 'Coffee' });
    expect((await catalog.findById(created.id))?.name).toBe('Coffee');
  });
});

describe('CachedUsers', () => {
  it('keeps users found, and asks again for a uid not found', async () => {
    const { target, calls } = counting(new InMemoryUserRepository(), 'findByUid');
    const users = new CachedUsers(target, 60_000, () => 0);
    expect(await users.findByUid(1)).toBeUndefined();
    const user = await users.findOrCreate('openid-1');
    expect(await users.findByUid(user.uid)).toEqual(user);
    expect(await users.findByUid(user.uid)).toEqual(user);
    expect(calls()).toBe(2);
  });
});

describe('cachedPaymentFacts', () => {
  const paidAt = new Date(Date.UTC(2026, 0, 15, 5, 0, 0));

  it("keeps a paid order's facts (they never change), and reads an unpaid or unknown order's every time", async () => {
    let now = 0;
    const { target, calls } = counting(new InMemoryOrderRepository(), 'findPaymentFacts');
    const orders = cachedPaymentFacts(target, 600_000, () => now);
    const order = anOrder();
    const no = order.state.outTradeNo.value;
    expect(await orders.findPaymentFacts(no)).toBeUndefined();
    await orders.insert(order);
    expect((await orders.findPaymentFacts(no))?.transactionId).toBeUndefined();
    expect((await orders.findPaymentFacts(no))?.transactionId).toBeUndefined();
    expect(calls()).toBe(3);

    order.confirmPaid({ transactionId: 'T1', amount: order.state.cash, paidAt });
    expect(await orders.update(order)).toBe('updated');
    const facts = await orders.findPaymentFacts(no);
    expect(facts).toMatchObject({ transactionId: 'T1', cash: order.state.cash, merchantId: order.state.merchantId });
    now = 599_999;
    expect(await orders.findPaymentFacts(no)).toEqual(facts);
    expect(await orders.findPaymentFacts(no.toLowerCase().replace(/^2/, '3'))).toBeUndefined();
    expect(calls()).toBe(5);
    now = 600_000;
    await orders.findPaymentFacts(no);
    expect(calls()).toBe(6);
  });

  it('keeps only lookups across every shop: one within a shop asks the repository, which applies the scope', async () => {
    const { target, calls } = counting(new InMemoryOrderRepository(), 'findPaymentFacts');
    const orders = cachedPaymentFacts(target, 600_000, () => 0);
    const order = anOrder();
    const no = order.state.outTradeNo.value;
    await orders.insert(order);
    order.confirmPaid({ transactionId: 'T1', amount: order.state.cash, paidAt });
    await orders.update(order);
    await orders.findPaymentFacts(no);
    await orders.findPaymentFacts(no);
    expect(calls()).toBe(1);
    expect(await orders.findPaymentFacts(no, { merchantId: 'another-shop' })).toBeUndefined();
    expect(await orders.findPaymentFacts(no, { merchantId: order.state.merchantId })).toMatchObject({ transactionId: 'T1' });
    expect(calls()).toBe(3);
  });

  it('passes every other method through to the repository it wraps', async () => {
    const inner = new InMemoryOrderRepository();
    const orders = cachedPaymentFacts(inner);
    const order = anOrder();
    await orders.insert(order);
    expect((await inner.findByOutTradeNo(order.state.outTradeNo.value))?.state.outTradeNo).toEqual(order.state.outTradeNo);
    expect((await orders.findByOutTradeNo(order.state.outTradeNo.value))?.state.outTradeNo).toEqual(order.state.outTradeNo);
  });
});
