import { describe, expect, it, vi } from 'vitest';
import type { FundFlowLine } from '../../../src/application/ports/payment-gateway.js';
import { previousBillDate } from '../../../src/application/reconciliation/reconcile-bill.js';
import { Money } from '../../../src/domain/money.js';
import { useCaseFixture, type UseCaseFixture } from '../../support/test-container.js';

const DAY = 24 * 3_600_000;

/** A paid order (goods 3, 9900 fen) whose payment notice was recorded. */
async function paidOrder(f: UseCaseFixture, uid = f.user.uid): Promise<string> {
  const prepay = await f.requestPrepay.execute({ uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
  if (!prepay.ok) throw new Error('prepay failed');
  await f.handleNotify.execute({ ...f.gateway.pay(prepay.value.outTradeNo) });
  return prepay.value.outTradeNo;
}

/** A refund asked for here, paid back by WeChat, its notice recorded. */
async function refunded(f: UseCaseFixture, no: string, fen: number): Promise<string> {
  const result = await f.refundOrder.execute({ outTradeNo: no, amount: Money.ofFen(fen), actor: 'test' });
  if (!result.ok) throw new Error(`refund refused: ${JSON.stringify(result.error)}`);
  const outRefundNo = f.gateway.trades.get(no)?.refunds.keys().next().value as string;
  await f.handleRefundNotice.execute(f.gateway.settleRefund(outRefundNo));
  return outRefundNo;
}

describe('ReconcileRefundBill (T+1 refund bill)', () => {
  it('matches the refunds we asked for and WeChat made, and has nothing for a person', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    const outRefundNo = await refunded(f, no, 3000);
    f.clock.advance(DAY);
    expect(await f.reconcileRefundBill.execute()).toMatchObject({
      available: true,
      refunds: 1,
      matched: 1,
      repaired: [],
      unknown: [],
      flagged: [],
      discrepancies: [],
    });
    expect((await f.orders.findByOutTradeNo(no))?.needsReview).toBe(false);
    expect(outRefundNo).toBe(`${no}R1`);
  });

  it('settles a refund WeChat paid back whose notice was lost, through refundquery', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    const result = await f.refundOrder.execute({ outTradeNo: no, amount: Money.ofFen(1000), actor: 'test' });
    expect(result.ok).toBe(true);
    f.gateway.settleRefund(`${no}R1`); // the notice never arrives
    f.clock.advance(DAY);
    expect(await f.reconcileRefundBill.execute()).toMatchObject({ matched: 0, repaired: [`${no}R1`], flagged: [] });
    expect((await f.orders.findByOutTradeNo(no))?.state.refunds[0]?.status).toBe('SUCCESS');
  });

  it('records a refund refused here that the bill shows WeChat holds, and flags the order it takes beyond the payment', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    f.gateway.refuseRefunds('NOTENOUGH', 'request');
    await f.refundOrder.execute({ outTradeNo: no, amount: Money.ofFen(9900), actor: 'test' });
    f.gateway.beUnavailable(1); // a 1-fen refund takes part of the freed amount; WeChat never receives it
    await expect(f.refundOrder.execute({ outTradeNo: no, amount: Money.ofFen(1), actor: 'test' })).rejects.toThrow();
    // An earlier attempt of the refused refund got through after all: WeChat holds it, still processing.
    await f.gateway.refund({ outTradeNo: no, outRefundNo: `${no}R1`, totalFee: Money.ofFen(9900), refundFee: Money.ofFen(9900) });
    f.clock.advance(DAY);

    expect(await f.reconcileRefundBill.execute()).toMatchObject({ refunds: 1, matched: 0, repaired: [`${no}R1`], flagged: [] });
    expect((await f.orders.findByOutTradeNo(no))?.state).toMatchObject({
      status: 'SUCC',
      refunds: [{ status: 'PROCESSING' }, { status: 'PROCESSING' }],
      review: { reason: expect.stringContaining(`refund ${no}R1 was refused, then WeChat reported it PROCESSING`) },
    });
    expect((await f.orders.findByOutTradeNo(no))?.refundableFen).toBe(0);
    expect(f.alerts.raised).toMatchObject([{ kind: 'OrderNeedsReview', outTradeNo: no }]);
  });

  it('flags the order of a refund made at WeChat only (the merchant platform), and one billed with another amount', async () => {
    const f = await useCaseFixture();
    const outside = await paidOrder(f);
    const bob = await f.users.findOrCreate('openid-bob');
    const other = await paidOrder(f, bob.uid);
    await refunded(f, other, 500);
    const mp = f.gateway.refundAtWechat(outside, 2000);
    const billed = f.gateway.trades.get(other)?.refunds.get(`${other}R1`);
    f.gateway.trades.get(other)?.refunds.set(`${other}R1`, { ...billed!, amount: Money.ofFen(600) });
    f.clock.advance(DAY);

    const report = await f.reconcileRefundBill.execute();
    expect(report).toMatchObject({ refunds: 2, matched: 0, unknown: [], flagged: expect.arrayContaining([outside, other]) });
    expect((await f.orders.findByOutTradeNo(outside))?.state.review?.reason).toMatch(
      new RegExp(`refund bill has refund ${mp} \\(\\d+\\) of 2000 fen, which this order does not hold`),
    );
    expect((await f.orders.findByOutTradeNo(other))?.state.review?.reason).toMatch(/of 600 fen; this order holds it as 500 fen/);
    expect(
      f.alerts.raised
        .filter((a) => a.kind === 'OrderNeedsReview')
        .map((a) => a.outTradeNo)
        .sort(),
    ).toEqual([outside, other].sort());
  });

  it('reports refunds of orders it does not know, and a bill whose summary disagrees with itself', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    await refunded(f, no, 100);
    const stranger = `${no.slice(0, -1)}${(Number(no.slice(-1)) + 1) % 10}`;
    f.gateway.trades.set(stranger, f.gateway.trades.get(no)!);
    f.clock.advance(DAY);
    expect(await f.reconcileRefundBill.execute()).toMatchObject({ refunds: 2, matched: 1, unknown: [`${no}R1`] });
  });

  it('has nothing to say before the bills exist', async () => {
    const f = await useCaseFixture();
    await refunded(f, await paidOrder(f), 100);
    const today = previousBillDate(new Date(f.clock.now().getTime() + DAY));
    expect(await f.reconcileRefundBill.execute(today)).toMatchObject({ available: false, refunds: 0 });
    expect(await f.reconcileFundFlow.execute(today)).toMatchObject({ available: false, lines: 0 });
  });
});

describe('ReconcileFundFlow (T+1 资金账单)', () => {
  it('matches every fen: the payments in (cash paid, coupon aside), their fees, the refunds out', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    await refunded(f, no, 3000);
    const bob = await f.users.findOrCreate('openid-bob');
    const prepay = await f.requestPrepay.execute({ uid: bob.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
    if (!prepay.ok) throw new Error('prepay failed');
    // The notice names the order amount only; the coupon's part is known from orderquery's cash_fee.
    await f.handleNotify.execute({ ...f.gateway.pay(prepay.value.outTradeNo, 500) });
    f.clock.advance(DAY);

    const report = await f.reconcileFundFlow.execute();
    expect(report).toMatchObject({
      available: true,
      lines: 5,
      matched: 5,
      incomeFen: 9900 + 9400,
      expenseFen: 59 + 56 + 3000,
      feesFen: 59 + 56,
      unmatched: [],
      flagged: [],
      discrepancies: [],
    });
    expect(f.alerts.raised).toEqual([]);
  });

  it('lists money that moved for nothing we hold, and flags an order a line names with another amount', async () => {
    const f = await useCaseFixture();
    const outside = await paidOrder(f);
    const bob = await f.users.findOrCreate('openid-bob');
    const wrong = await paidOrder(f, bob.uid);
    const mp = f.gateway.refundAtWechat(outside, 2000);
    // WeChat's fund flow has 9800 fen coming in for an order of 9900 that orderquery says no coupon paid part of.
    const bill = f.gateway.fundFlowBill.bind(f.gateway);
    vi.spyOn(f.gateway, 'fundFlowBill').mockImplementation(async (day) => {
      const found = await bill(day);
      const cut = (l: FundFlowLine): FundFlowLine =>
        l.kind === 'payment' && l.voucherNo === wrong ? { ...l, amount: Money.ofFen(9800) } : l;
      return found && { ...found, lines: found.lines.map(cut) };
    });
    f.clock.advance(DAY);

    const report = await f.reconcileFundFlow.execute();
    expect(report.unmatched).toEqual([
      expect.objectContaining({
        kind: 'refund',
        amountFen: 2000,
        voucherNo: mp,
        reason: `refund ${mp} of 2000 fen, which no order of ours holds`,
      }),
      expect.objectContaining({
        kind: 'payment',
        amountFen: 9800,
        voucherNo: wrong,
        reason: 'payment of 9800 fen; the order was paid 9900 fen',
      }),
    ]);
    expect(report.flagged).toEqual([wrong]);
    expect((await f.orders.findByOutTradeNo(wrong))?.needsReview).toBe(true);
    expect(f.alerts.raised).toContainEqual(expect.objectContaining({ kind: 'FundFlowUnmatched' }));
  });
});
