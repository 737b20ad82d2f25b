import { describe, expect, it } from 'vitest';
import { GatewayUnavailableError } from '../../src/application/ports/payment-gateway.js';
import { Money } from '../../src/domain/money.js';
import { useCaseFixture, type UseCaseFixture } from '../support/use-case-fixture.js';

async function paidOrder(f: UseCaseFixture): Promise<string> {
  const prepay = await f.requestPrepay.execute({ uid: f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
  if (!prepay.ok) throw new Error('prepay failed');
  const notice = f.gateway.pay(prepay.value.outTradeNo);
  await f.handleNotify.execute(notice);
  return prepay.value.outTradeNo;
}

const stateOf = async (f: UseCaseFixture, no: string) => (await f.orders.findByOutTradeNo(no))?.state;

describe('RefundOrder', () => {
  it('refunds the whole amount, but moves the order to REFUND only when WeChat confirms', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    const result = await f.refundOrder.execute(no);
    expect(result).toEqual({ ok: true, value: { outRefundNo: `${no}R1`, amountFen: 9900, completed: false } });
    expect(await stateOf(f, no)).toMatchObject({ status: 'SUCC', refund: { outRefundNo: `${no}R1`, status: 'PROCESSING' } });

    const notice = f.gateway.settleRefund(`${no}R1`);
    expect(await f.handleRefundNotice.execute(notice)).toEqual({ ack: true, result: 'refunded' });
    expect(await stateOf(f, no)).toMatchObject({ status: 'REFUND', needsReview: false, refund: { status: 'SUCCESS' } });
    expect(f.events.published.map((e) => e.type)).toEqual(['OrderPaid', 'OrderRefunded']);
  });

  it('sends the same out_refund_no on every retry, so a timeout cannot refund twice', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    f.gateway.beUnavailable(1);
    await expect(f.refundOrder.execute(no)).rejects.toBeInstanceOf(GatewayUnavailableError);
    const retry = await f.refundOrder.execute(no);
    expect(retry.ok && retry.value.outRefundNo).toBe(`${no}R1`);
    expect([...(f.gateway.trades.get(no)?.refunds.keys() ?? [])]).toEqual([`${no}R1`]);
  });

  it('refunds part of the amount when asked, never more than was paid', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    expect(await f.refundOrder.execute(no, Money.ofFen(9901))).toMatchObject({ ok: false, error: { kind: 'Rejected', error: { kind: 'RefundExceedsPayment' } } });
    expect(await f.refundOrder.execute(no, Money.ofFen(1000))).toMatchObject({ ok: true, value: { amountFen: 1000 } });
    expect(await f.refundOrder.execute(no, Money.ofFen(2000))).toMatchObject({ ok: false, error: { kind: 'Rejected', error: { kind: 'RefundInProgress' } } });
  });

  it('refuses to refund an unpaid order', async () => {
    const f = await useCaseFixture();
    const prepay = await f.requestPrepay.execute({ uid: f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
    const no = prepay.ok ? prepay.value.outTradeNo : '';
    expect(await f.refundOrder.execute(no)).toMatchObject({ ok: false, error: { kind: 'Rejected', error: { kind: 'IllegalTransition', from: 'CHECKED' } } });
    expect(await f.refundOrder.execute('2026011512000000029999999999')).toEqual({ ok: false, error: { kind: 'OrderNotFound' } });
  });

  it('opens a new attempt with a new number after WeChat closed the first', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    await f.refundOrder.execute(no);
    expect(await f.handleRefundNotice.execute(f.gateway.settleRefund(`${no}R1`, 'REFUNDCLOSE'))).toEqual({ ack: true, result: 'closed' });
    expect(await stateOf(f, no)).toMatchObject({ status: 'SUCC', refund: { status: 'CLOSED' } });
    const second = await f.refundOrder.execute(no);
    expect(second.ok && second.value.outRefundNo).toBe(`${no}R2`);
  });
});

describe('HandleRefundNotice', () => {
  it('changes nothing on a notice WeChat does not back (forged or early)', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    await f.refundOrder.execute(no);
    const forged = { appId: f.gateway.merchant.appId, mchId: f.gateway.merchant.mchId, outTradeNo: no, outRefundNo: `${no}R1`, status: 'SUCCESS' as const, refundFee: Money.ofFen(9900) };
    expect(await f.handleRefundNotice.execute(forged)).toEqual({ ack: false, reason: 'NotConfirmedByWechat', alert: true });
    expect((await stateOf(f, no))?.status).toBe('SUCC');
  });

  it('makes a duplicate notice a no-op', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    await f.refundOrder.execute(no);
    const notice = f.gateway.settleRefund(`${no}R1`);
    await f.handleRefundNotice.execute(notice);
    expect(await f.handleRefundNotice.execute(notice)).toEqual({ ack: true, result: 'duplicate' });
    expect(f.events.published.filter((e) => e.type === 'OrderRefunded')).toHaveLength(1);
  });

  it('refuses a notice for another merchant', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    const notice = { appId: 'wxother', mchId: f.gateway.merchant.mchId, outTradeNo: no, outRefundNo: `${no}R1`, status: 'SUCCESS' as const, refundFee: Money.ofFen(9900) };
    expect(await f.handleRefundNotice.execute(notice)).toEqual({ ack: false, reason: 'ForeignMerchant', alert: true });
  });

  it('never moves a REFUND order on a late payment notice', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    await f.refundOrder.execute(no);
    await f.handleRefundNotice.execute(f.gateway.settleRefund(`${no}R1`));
    const late = f.gateway.pay(no);
    expect(await f.handleNotify.execute(late)).toEqual({ ack: true, result: 'duplicate' });
    expect((await stateOf(f, no))?.status).toBe('REFUND');
  });
});
