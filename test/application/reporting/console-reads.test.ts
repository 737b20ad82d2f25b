import { describe, expect, it } from 'vitest';
import { Money } from '../../../src/domain/money.js';
import { aGoods } from '../../support/builders.js';
import { useCaseFixture } from '../../support/test-container.js';

describe("an order's history", () => {
  it('tells the whole story from every table that keeps part of it, in time order', async () => {
    const f = await useCaseFixture();
    await f.goods.save(aGoods({ marketPrice: Money.ofFen(1900) }));
    const prepay = await f.requestPrepay.execute({ uid: f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
    if (!prepay.ok) throw new Error('prepay failed');
    const no = prepay.value.outTradeNo;
    f.clock.advance(60_000);
    const notice = f.gateway.pay(no);
    await f.handleNotify.execute(notice);
    await f.notifyLog.append({
      receivedAt: f.clock.now(),
      kind: 'pay',
      outTradeNo: no,
      rawBody: '<xml/>',
      verdict: 'SUCCESS',
      detail: 'recorded',
    });
    f.clock.advance(60_000);
    await f.refundOrder.execute({ outTradeNo: no, amount: Money.ofFen(100), actor: 'operator:alice', reason: 'partial' });

    const history = await f.readOrderHistory.execute(no);
    expect(history?.order.state.outTradeNo.value).toBe(no);
    const kinds = history?.timeline.map((e) => e.kind);
    expect(kinds?.slice(0, 4)).toEqual(['created', 'prepay', 'paid', 'notify']);
    expect(kinds).toContain('refundRequested');
    expect(kinds).toContain('audit');
    expect(kinds).toContain('event');
    const audit = history?.timeline.find((e) => e.kind === 'audit');
    expect(audit).toMatchObject({ entry: { actor: 'operator:alice', action: 'refund.requested', note: 'partial' } });
    const times = history?.timeline.filter((e) => e.kind !== 'event').map((e) => e.at.getTime()) ?? [];
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(await f.readOrderHistory.execute('2026011512000000020000000000')).toBeUndefined();
  });

  it("includes the order's coin movements", async () => {
    const f = await useCaseFixture();
    await f.ledger.grant(f.user.uid, 100, 'welcome', f.clock.now());
    const prepay = await f.requestPrepay.execute({ uid: f.user.uid, goodsId: 3, paidType: 'MIXED', clientIp: '203.0.113.7' });
    if (!prepay.ok) throw new Error('prepay failed');
    const history = await f.readOrderHistory.execute(prepay.value.outTradeNo);
    expect(history?.timeline.filter((e) => e.kind === 'coins')).toMatchObject([{ operation: 'reserve', delta: -30 }]);
  });
});

describe('the dashboard', () => {
  it("sums today's and the last 30 days' payments and refunds, and counts what waits", async () => {
    const f = await useCaseFixture(); // 2026-01-15 12:00 Beijing
    const pay = async (paidType: 'WXPAY' | 'MIXED') => {
      const prepay = await f.requestPrepay.execute({ uid: f.user.uid, goodsId: 3, paidType, clientIp: '203.0.113.7' });
      if (!prepay.ok) throw new Error('prepay failed');
      await f.handleNotify.execute(f.gateway.pay(prepay.value.outTradeNo));
      return prepay.value.outTradeNo;
    };
    await f.ledger.grant(f.user.uid, 1000, 'g', f.clock.now());
    f.clock.advance(-3 * 86_400_000);
    await pay('MIXED'); // 6900, three days ago
    f.clock.advance(3 * 86_400_000);
    const today = await pay('WXPAY'); // 9900
    await f.handleNotify.execute(f.gateway.pay(today));
    await f.refundOrder.execute({ outTradeNo: today, amount: Money.ofFen(900), actor: 'test' });
    await f.handleRefundNotice.execute(f.gateway.settleRefund(`${today}R1`));
    const open = await f.requestPrepay.execute({ uid: f.user.uid, goodsId: 3, paidType: 'INTEGRAL', clientIp: '203.0.113.7' });
    expect(open.ok).toBe(true);

    const d = await f.readDashboard.execute();
    expect(d.todayTotals).toEqual({ paidCount: 1, paidFen: 9900, refunds: { count: 1, fen: 900 } });
    expect(d.periodTotals).toEqual({ paidCount: 2, paidFen: 16_800, refunds: { count: 1, fen: 900 } });
    expect(d.perDay).toHaveLength(30);
    expect(d.perDay.at(-1)).toEqual({ day: d.today, count: 1, cashFen: 9900 });
    expect(d.perDay.at(-4)).toEqual({ day: d.today - 3, count: 1, cashFen: 6900 });
    expect(d.perDay.filter((p) => p.count === 0)).toHaveLength(28);
    expect(d.awaitingPayment).toBe(1);
    expect(d.needingReview).toBe(0);
  });
});
