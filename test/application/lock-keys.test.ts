import { describe, expect, it } from 'vitest';
import type { Lock } from '../../src/application/ports/lock.js';
import { lockKey } from '../../src/application/payments/request-prepay.js';
import { refundLockKey } from '../../src/application/refunds/refund-order.js';
import { hashTagged } from '../../src/adapters/redis/redis-lock.js';
import type { MerchantAccount } from '../../src/composition/merchant-registry.js';
import { Money } from '../../src/domain/money.js';
import { FakePaymentGateway } from '../support/doubles/fake-payment-gateway.js';
import { useCaseFixture } from '../support/test-container.js';

/**
 * Issue 20, "locks and leases carry the merchant", without breaking a rolling deploy: while an old and a new instance
 * of a single-merchant deployment run side by side, both must lock the very same Redis key for the same order, so
 * the `default` merchant's keys are exactly the strings the service has always written. These literals are those
 * strings (README › Redis); they must never be computed from the code under test.
 */
describe('lock keys', () => {
  const key = { uid: 42, goodsId: 7, paidType: 'WXPAY' } as const;

  it("keeps the default merchant's keys byte for byte, in Redis too", () => {
    expect(lockKey(key)).toBe('prepay:{42:7:WXPAY}');
    expect(lockKey(key, 'default')).toBe('prepay:{42:7:WXPAY}');
    expect(lockKey({ uid: 9, goodsId: 1, paidType: 'MIXED' }, 'default')).toBe('prepay:{9:1:MIXED}');
    expect(refundLockKey('WX20260115120000123456789012')).toBe('refund:WX20260115120000123456789012');
    expect(refundLockKey('WX20260115120000123456789012', 'default')).toBe('refund:WX20260115120000123456789012');
    // What RedisLock writes under the default prefix.
    expect(`wxpay:lock:${hashTagged(lockKey(key, 'default'))}`).toBe('wxpay:lock:prepay:{42:7:WXPAY}');
    expect(`wxpay:lock:${hashTagged(refundLockKey('WX1001', 'default'))}`).toBe('wxpay:lock:{refund:WX1001}');
  });

  it("names any other merchant, inside the key's hash tag", () => {
    expect(lockKey(key, 'east')).toBe('prepay:{east:42:7:WXPAY}');
    expect(refundLockKey('WX1001', 'east')).toBe('refund:east:WX1001');
    expect(`wxpay:lock:${hashTagged(refundLockKey('WX1001', 'east'))}`).toBe('wxpay:lock:{refund:east:WX1001}');
    // Two merchants never share a key, nor does a merchant share the default's.
    const keys = ['default', 'east', 'south', 'east-2'].flatMap((m) => [lockKey(key, m), refundLockKey('WX1001', m)]);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('the use cases lock with the merchant of the order', () => {
  const EAST: MerchantAccount = { id: 'east', appId: 'wx2421b1c4370ec43b', mchId: '1900000110', apiVersion: 'v2' };

  async function taking(selling: 'default' | 'east') {
    const taken: string[] = [];
    const recordingLock: Lock = {
      acquire: async (k) => {
        taken.push(k);
        return { key: k, release: async () => {} };
      },
    };
    const clock = { now: () => f.clock.now() };
    const east = new FakePaymentGateway(clock, { appId: EAST.appId, mchId: EAST.mchId });
    const f = await useCaseFixture({ lock: recordingLock, merchants: [{ account: EAST, gateway: east }], sellingMerchant: selling });
    const granted = await f.requestPrepay.execute({ uid: f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
    if (!granted.ok || granted.value.kind !== 'payInClient') throw new Error(`prepay failed: ${JSON.stringify(granted)}`);
    const no = granted.value.outTradeNo;
    const gateway = selling === 'east' ? east : f.gateway;
    expect(await f.handleNotify.execute(gateway.pay(no))).toEqual({ ack: true, result: 'recorded' });
    expect((await f.refundOrder.execute({ outTradeNo: no, amount: Money.ofFen(1000), actor: 'test' })).ok).toBe(true);
    return { taken, uid: f.user.uid, no };
  }

  it("takes today's keys for the default merchant's prepay and refund", async () => {
    const { taken, uid, no } = await taking('default');
    expect(taken).toEqual([`prepay:{${uid}:3:WXPAY}`, `refund:${no}`]);
  });

  it("takes keys naming east for east's prepay and refund", async () => {
    const { taken, uid, no } = await taking('east');
    expect(taken).toEqual([`prepay:{east:${uid}:3:WXPAY}`, `refund:east:${no}`]);
  });
});
