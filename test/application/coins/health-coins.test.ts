import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ABANDONED_AFTER_MS } from '../../../src/application/reconciliation/close-abandoned-orders.js';
import type { Lock } from '../../../src/application/ports/lock.js';
import { GatewayUnavailableError } from '../../../src/application/ports/payment-gateway.js';
import { Money } from '../../../src/domain/money.js';
import { PREPAY_LIFETIME_MS } from '../../../src/domain/prepay.js';
import { aGoods } from '../../support/builders.js';
import { scheduledBy, useCaseFixture, type UseCaseFixture } from '../../support/test-container.js';

const command = (f: UseCaseFixture, paidType: 'INTEGRAL' | 'MIXED' = 'MIXED') => ({
  uid: f.user.uid,
  goodsId: 3,
  paidType,
  clientIp: '203.0.113.7',
});

async function withCoins(coins: number) {
  const f = await useCaseFixture();
  if (coins > 0) await f.ledger.grant(f.user.uid, coins, 'welcome', f.clock.now());
  return f;
}

describe('health coins (INTEGRAL and MIXED)', () => {
  it('reserves the coins when the order is created and commits them when WeChat confirms the cash part', async () => {
    const f = await withCoins(100);
    const result = await f.requestPrepay.execute(command(f));
    expect(result.ok && result.value.kind).toBe('payInClient');
    const no = result.ok ? result.value.outTradeNo : '';
    expect(await f.ledger.balanceOf(f.user.uid)).toBe(70);

    await f.handleNotify.execute(f.gateway.pay(no));
    expect((await f.orders.findByOutTradeNo(no))?.state).toMatchObject({ status: 'SUCC', integral: 30, cash: Money.ofFen(6900) });
    expect((await f.ledger.journalOf(f.user.uid, 10)).map((e) => e.operation)).toEqual(['commit', 'reserve', 'grant']);
    expect(await f.ledger.balanceOf(f.user.uid)).toBe(70);
  });

  it('refuses with the balance, creating nothing, when the coins do not suffice', async () => {
    const f = await withCoins(29);
    expect(await f.requestPrepay.execute(command(f))).toEqual({
      ok: false,
      error: { kind: 'InsufficientIntegral', balance: 29, required: 30 },
    });
    expect(f.orders.all()).toHaveLength(0);
    expect(f.gateway.calls).toEqual([]);
    expect(await f.ledger.balanceOf(f.user.uid)).toBe(29);
  });

  it('completes a coins-only order at once, without WeChat, and publishes it as paid', async () => {
    const f = await withCoins(30);
    await f.goods.save(aGoods({ salePrice: Money.ZERO }));
    const result = await f.requestPrepay.execute(command(f, 'INTEGRAL'));
    expect(result.ok && result.value).toMatchObject({ kind: 'paidWithCoins', paidIntegral: 30 });
    const no = result.ok ? result.value.outTradeNo : '';
    expect((await f.orders.findByOutTradeNo(no))?.state).toMatchObject({ status: 'SUCC', holdsOpenSlot: false });
    expect(f.gateway.calls).toEqual([]);
    expect(f.events.published).toMatchObject([{ type: 'OrderPaid', cashFen: 0, integral: 30, transactionId: null }]);
    expect(await f.ledger.balanceOf(f.user.uid)).toBe(0);
  });

  it('reuses the open order without reserving its coins twice', async () => {
    const f = await withCoins(100);
    const first = await f.requestPrepay.execute(command(f));
    const second = await f.requestPrepay.execute(command(f));
    expect(first.ok && second.ok && first.value.outTradeNo === second.value.outTradeNo).toBe(true);
    expect(await f.ledger.balanceOf(f.user.uid)).toBe(70);
  });

  it('gives the coins back when an abandoned order is closed', async () => {
    const f = await withCoins(30);
    const result = await f.requestPrepay.execute(command(f));
    const no = result.ok ? result.value.outTradeNo : '';
    expect(await f.ledger.balanceOf(f.user.uid)).toBe(0);
    f.clock.advance(PREPAY_LIFETIME_MS + 1);
    await f.reconcile.execute();
    expect((await f.orders.findByOutTradeNo(no))?.status).toBe('FAILED');
    expect(await f.ledger.balanceOf(f.user.uid)).toBe(30);
  });

  it('returns cash through WeChat and the coins on refund', async () => {
    const f = await withCoins(30);
    const result = await f.requestPrepay.execute(command(f));
    const no = result.ok ? result.value.outTradeNo : '';
    await f.handleNotify.execute(f.gateway.pay(no));
    await f.refundOrder.execute({ outTradeNo: no, actor: 'test' });
    expect(await f.ledger.balanceOf(f.user.uid)).toBe(0);
    await f.handleRefundNotice.execute(f.gateway.settleRefund(`${no}R1`));
    expect((await f.orders.findByOutTradeNo(no))?.status).toBe('REFUND');
    expect(await f.ledger.balanceOf(f.user.uid)).toBe(30);
  });

  it('refunds a coins-only order without WeChat', async () => {
    const f = await withCoins(30);
    await f.goods.save(aGoods({ salePrice: Money.ZERO }));
    const result = await f.requestPrepay.execute(command(f, 'INTEGRAL'));
    const no = result.ok ? result.value.outTradeNo : '';
    expect(await f.refundOrder.execute({ outTradeNo: no, actor: 'test' })).toMatchObject({
      ok: true,
      value: { amountFen: 0, completed: true },
    });
    expect(f.events.published.map((e) => e.type)).toEqual(['OrderPaid', 'OrderRefunded']);
    expect((await f.orders.findByOutTradeNo(no))?.status).toBe('REFUND');
    expect(await f.ledger.balanceOf(f.user.uid)).toBe(30);
    expect(f.gateway.calls).toEqual([]);
  });

  it('releases coins reserved for an order that was never stored (a crash between the two)', async () => {
    const f = await withCoins(30);
    await f.ledger.reserve(f.user.uid, '2026011512000000029999999999', 30, f.clock.now());
    f.clock.advance(11 * 60_000);
    await f.reconcile.execute();
    expect(await f.ledger.balanceOf(f.user.uid)).toBe(30);
  });

  // Found by test/properties/coin-invariant.props.test.ts ("a retried prepay races the reconciler"): the reconciler's
  // ORDERNOTEXIST, asked before the retry reached WeChat, failed the order after the retry had attached its prepay_id,
  // so the coins went back while the user still held a payable prepay_id; the payment then landed on a FAILED order
  // (SUCC for review) whose coins were never taken: balance + reserved = granted, though 30 coins were spent.
  it('keeps the order a retried prepay revived while the reconciler asked about it: its coins stay reserved, then spent', async () => {
    const f = await withCoins(30);
    f.gateway.beUnavailable(1); // unifiedorder: SYSTEMERROR until the client gives up
    await expect(f.requestPrepay.execute(command(f))).rejects.toBeInstanceOf(GatewayUnavailableError);
    const [abandoned] = f.orders.all();
    const no = abandoned?.state.outTradeNo.value ?? '';
    f.clock.advance(ABANDONED_AFTER_MS + 60_000);

    // WeChat does not know the order when the reconciler asks; the user's retry gets a prepay_id before the answer is recorded.
    const query = f.gateway.queryOrder.bind(f.gateway);
    let retry: Awaited<ReturnType<typeof f.requestPrepay.execute>> | undefined;
    f.gateway.queryOrder = async (n) => {
      const answer = await query(n);
      retry ??= await f.requestPrepay.execute(command(f));
      return answer;
    };
    await f.reconcile.execute();
    expect(retry).toMatchObject({ ok: true, value: { kind: 'payInClient', outTradeNo: no } });
    expect((await f.orders.findByOutTradeNo(no))?.state).toMatchObject({ status: 'CHECKED', prepay: expect.anything() });
    expect(await f.ledger.balanceOf(f.user.uid)).toBe(0);

    await f.handleNotify.execute(f.gateway.pay(no));
    expect((await f.orders.findByOutTradeNo(no))?.state).toMatchObject({ status: 'SUCC', integral: 30 });
    expect((await f.orders.findByOutTradeNo(no))?.needsReview).toBe(false);
    expect((await f.ledger.journalOf(f.user.uid, 10)).map((e) => e.operation)).toEqual(['commit', 'reserve', 'grant']);
    expect(await f.ledger.balanceOf(f.user.uid)).toBe(0);
    expect(f.alerts.raised).toEqual([]);
  });

  /** A lock that always grants: what the database guards alone must withstand. */
  const noLock: Lock = { acquire: async (key) => ({ key, release: async () => {} }) };

  test.prop([fc.scheduler(), fc.integer({ min: 2, max: 6 })], { numRuns: 100 })(
    'concurrent prepays for goods the balance covers once never overdraw, even without the lock',
    async (s, n) => {
      const f = await useCaseFixture({ wrap: scheduledBy(s), lock: noLock });
      await s.waitFor(f.ledger.grant(f.user.uid, 30, 'welcome', f.clock.now()));
      const results = await s.waitFor(Promise.all(Array.from({ length: n }, () => f.requestPrepay.execute(command(f)))));
      expect(await s.waitFor(f.ledger.balanceOf(f.user.uid))).toBeGreaterThanOrEqual(0);
      const orders = f.orders.all().filter((o) => o.status === 'CHECKED' && o.state.holdsOpenSlot);
      expect(orders).toHaveLength(1);
      // Without the lock a loser can look before the winner's order exists; it is told so, and nothing is overdrawn.
      for (const r of results)
        expect(r.ok ? r.value.outTradeNo : r.error.kind).toBeOneOf([orders[0]?.state.outTradeNo.value, 'InsufficientIntegral']);
      expect(results.some((r) => r.ok)).toBe(true);
    },
  );
});
