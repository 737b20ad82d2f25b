import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { Lock } from '../../../src/application/ports/lock.js';
import { Money } from '../../../src/domain/money.js';
import { scheduledBy, useCaseFixture } from '../../support/test-container.js';

/** A lock that always grants: what the database guard alone must withstand when Redis is lost. */
const noLock: Lock = { acquire: async (key) => ({ key, release: async () => {} }) };

describe('concurrency (fast-check scheduler interleavings)', () => {
  test.prop([fc.scheduler(), fc.integer({ min: 2, max: 8 }), fc.boolean()], { numRuns: 200 })(
    'N concurrent prepays for one key leave exactly one open CHECKED order, with or without the lock',
    async (s, n, withLock) => {
      const f = await useCaseFixture({ wrap: scheduledBy(s), ...(withLock ? {} : { lock: noLock }) });
      const command = { uid: f.user.uid, goodsId: 3, paidType: 'WXPAY' as const, clientIp: '203.0.113.7' };
      const results = await s.waitFor(Promise.all(Array.from({ length: n }, () => f.requestPrepay.execute(command))));

      const orders = f.orders.all();
      expect(orders).toHaveLength(1);
      expect(orders[0]?.state).toMatchObject({ status: 'CHECKED', holdsOpenSlot: true });
      const numbers = new Set(results.map((r) => (r.ok ? r.value.outTradeNo : 'refused')));
      expect([...numbers]).toEqual([orders[0]?.state.outTradeNo.value]);
    },
  );

  test.prop([fc.scheduler(), fc.integer({ min: 1, max: 10 })], { numRuns: 200 })(
    'K duplicate concurrent notices cause one transition and one event, and every one is acknowledged',
    async (s, k) => {
      const f = await useCaseFixture({ wrap: scheduledBy(s) });
      const prepay = await s.waitFor(f.requestPrepay.execute({ uid: f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' }));
      if (!prepay.ok) throw new Error('prepay failed');
      const notice = f.gateway.pay(prepay.value.outTradeNo);

      const verdicts = await s.waitFor(Promise.all(Array.from({ length: k }, () => f.handleNotify.execute(notice))));

      expect(verdicts.every((v) => v.ack)).toBe(true);
      expect(verdicts.filter((v) => v.ack && v.result === 'recorded')).toHaveLength(1);
      expect(f.events.published.filter((e) => e.type === 'OrderPaid')).toHaveLength(1);
      expect((await f.orders.findByOutTradeNo(notice.outTradeNo))?.status).toBe('SUCC');
    },
  );

  test.prop(
    [
      fc.scheduler(),
      fc.array(
        fc.oneof(
          fc.record({ kind: fc.constant('wrongAmount' as const), fen: fc.integer({ min: 1, max: 9899 }) }),
          fc.record({ kind: fc.constant('foreignApp' as const) }),
          fc.record({ kind: fc.constant('unpaid' as const) }),
        ),
        { minLength: 1, maxLength: 6 },
      ),
    ],
    { numRuns: 200 },
  )('bad notices in any interleaving never produce SUCC and are never acknowledged', async (s, bad) => {
    const f = await useCaseFixture({ wrap: scheduledBy(s) });
    const prepay = await s.waitFor(f.requestPrepay.execute({ uid: f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' }));
    if (!prepay.ok) throw new Error('prepay failed');
    const no = prepay.value.outTradeNo;
    const genuine = {
      appId: f.gateway.merchant.appId,
      mchId: f.gateway.merchant.mchId,
      outTradeNo: no,
      transactionId: '4200000000',
      totalFee: Money.ofFen(9900),
      succeeded: true,
    };
    const notices = bad.map((b) =>
      b.kind === 'wrongAmount'
        ? { ...genuine, totalFee: Money.ofFen(b.fen) }
        : b.kind === 'foreignApp'
          ? { ...genuine, appId: 'wxforeign' }
          : genuine,
    );

    const verdicts = await s.waitFor(Promise.all(notices.map((n) => f.handleNotify.execute(n))));

    expect(verdicts.every((v) => !v.ack)).toBe(true);
    expect((await f.orders.findByOutTradeNo(no))?.status).toBe('CHECKED');
    expect(f.events.published).toHaveLength(0);
  });
});
