import { describe, expect, it } from 'vitest';
import { CachedGoodsCatalog } from '../../src/adapters/caching/cached-goods-catalog.js';
import { CachedUsers } from '../../src/adapters/caching/cached-users.js';
import { Money } from '../../src/domain/money.js';
import type { Goods } from '../../src/domain/goods.js';
import { SAMPLE_MERCHANT } from '../../src/adapters/wechatpay/shared/sample-merchant.js';
import { InMemoryGoodsCatalog } from '../support/doubles/in-memory-goods-catalog.js';
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
