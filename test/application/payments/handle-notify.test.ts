import { describe, expect, it } from 'vitest';
import type { PaymentNotice } from '../../../src/application/ports/notify-verifier.js';
import { GatewayUnavailableError } from '../../../src/application/ports/payment-gateway.js';
import { Money } from '../../../src/domain/money.js';
import { useCaseFixture, type UseCaseFixture } from '../../support/test-container.js';

/** An order with a prepay, paid at "WeChat": returns the genuine notice WeChat would send. */
async function paidOrder(f: UseCaseFixture): Promise<PaymentNotice> {
  const result = await f.requestPrepay.execute({ uid: f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
  if (!result.ok) throw new Error('prepay failed');
  return f.gateway.pay(result.value.outTradeNo);
}

const statusOf = async (f: UseCaseFixture, no: string) => (await f.orders.findByOutTradeNo(no))?.status;

describe('HandleNotify', () => {
  it('moves a confirmed, correctly paid order to SUCC, records the transaction and publishes one event', async () => {
    const f = await useCaseFixture();
    const notice = await paidOrder(f);

    expect(await f.handleNotify.execute(notice)).toEqual({ ack: true, result: 'recorded' });

    const order = await f.orders.findByOutTradeNo(notice.outTradeNo);
    expect(order?.state).toMatchObject({ status: 'SUCC', transactionId: notice.transactionId, holdsOpenSlot: false });
    expect(order?.state.paidAt).toEqual(f.gateway.trades.get(notice.outTradeNo)?.paid?.paidAt);
    expect(f.events.published).toMatchObject([{ type: 'OrderPaid', outTradeNo: notice.outTradeNo, cashFen: 9900 }]);
  });

  it('confirms with orderquery before any transition', async () => {
    const f = await useCaseFixture();
    const notice = await paidOrder(f);
    f.gateway.calls.length = 0;
    await f.handleNotify.execute(notice);
    expect(f.gateway.calls).toEqual(['queryOrder']);
  });

  it('reads the order once for a first notice: it comes with the facts', async () => {
    const f = await useCaseFixture();
    const notice = await paidOrder(f);
    const reads: string[] = [];
    for (const method of ['findPaymentFacts', 'findByOutTradeNo'] as const) {
      const original = f.orders[method].bind(f.orders);
      f.orders[method] = ((no: string) => {
        reads.push(method);
        return original(no);
      }) as never;
    }
    expect(await f.handleNotify.execute(notice)).toEqual({ ack: true, result: 'recorded' });
    expect(reads).toEqual(['findPaymentFacts']);
  });

  it('acknowledges a repeated notice with no side effects and no WeChat call', async () => {
    const f = await useCaseFixture();
    const notice = await paidOrder(f);
    await f.handleNotify.execute(notice);
    f.gateway.calls.length = 0;
    f.clock.advance(7 * 24 * 3_600_000);
    expect(await f.handleNotify.execute(notice)).toEqual({ ack: true, result: 'duplicate' });
    expect(f.events.published).toHaveLength(1);
    expect(f.gateway.calls).toEqual([]);
  });

  it('refuses a notice whose amount differs from the order, with an alert, changing nothing', async () => {
    const f = await useCaseFixture();
    const notice = await paidOrder(f);
    const verdict = await f.handleNotify.execute({ ...notice, totalFee: Money.ofFen(1) });
    expect(verdict).toEqual({ ack: false, reason: 'AmountMismatch', alert: true });
    expect(await statusOf(f, notice.outTradeNo)).toBe('CHECKED');
    expect(f.events.published).toHaveLength(0);
  });

  it.each([
    ['appid', { appId: 'wx0000000000000000' }],
    ['mch_id', { mchId: '19999999' }],
  ])('refuses a notice for a foreign %s, with an alert', async (_, patch) => {
    const f = await useCaseFixture();
    const notice = await paidOrder(f);
    f.gateway.calls.length = 0;
    expect(await f.handleNotify.execute({ ...notice, ...patch })).toEqual({ ack: false, reason: 'ForeignMerchant', alert: true });
    expect(await statusOf(f, notice.outTradeNo)).toBe('CHECKED');
    expect(f.gateway.calls).toEqual([]);
  });

  it('never marks paid what WeChat says is unpaid (a forged notice)', async () => {
    const f = await useCaseFixture();
    const result = await f.requestPrepay.execute({ uid: f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
    const no = result.ok ? result.value.outTradeNo : '';
    const forged: PaymentNotice = {
      appId: f.gateway.merchant.appId,
      mchId: f.gateway.merchant.mchId,
      outTradeNo: no,
      transactionId: '4200000000000000000',
      totalFee: Money.ofFen(9900),
      succeeded: true,
    };
    expect(await f.handleNotify.execute(forged)).toEqual({ ack: false, reason: 'NotConfirmedByWechat', alert: true });
    expect(await statusOf(f, no)).toBe('CHECKED');
    expect(f.events.published).toHaveLength(0);
  });

  it('refuses a notice whose transaction differs from what WeChat confirms, recording what WeChat says', async () => {
    const f = await useCaseFixture();
    const notice = await paidOrder(f);
    const verdict = await f.handleNotify.execute({ ...notice, transactionId: '4299999999' });
    expect(verdict).toEqual({ ack: false, reason: 'ConfirmationDiffers', alert: true });
    expect((await f.orders.findByOutTradeNo(notice.outTradeNo))?.state).toMatchObject({
      status: 'SUCC',
      transactionId: notice.transactionId,
    });
  });

  it('refuses a notice signed with another sign type than the order was issued with', async () => {
    const f = await useCaseFixture();
    const notice = await paidOrder(f);
    expect(await f.handleNotify.execute({ ...notice, signedWith: 'HMAC-SHA256' })).toEqual({
      ack: false,
      reason: 'SignTypeMismatch',
      alert: true,
    });
    expect(await f.handleNotify.execute({ ...notice, signedWith: 'MD5' })).toEqual({ ack: true, result: 'recorded' });
  });

  it('flags an order whose payment WeChat confirms with another amount, alerts once, and stops asking', async () => {
    const f = await useCaseFixture();
    const notice = await paidOrder(f);
    // WeChat's own record of the payment disagrees with the order (a merchant-side edit, a price bug, ...).
    f.gateway.trades.get(notice.outTradeNo)!.paid!.amount = Money.ofFen(100);
    expect(await f.handleNotify.execute(notice)).toEqual({ ack: false, reason: 'ConfirmationRejected', alert: true });
    expect(await f.handleNotify.execute(notice)).toEqual({ ack: false, reason: 'ConfirmationRejected', alert: true });
    const order = await f.orders.findByOutTradeNo(notice.outTradeNo);
    expect(order?.status).toBe('CHECKED');
    expect(order?.state.review?.reason).toMatch(/AmountMismatch/);
    expect(f.alerts.raised).toEqual([expect.objectContaining({ kind: 'OrderNeedsReview', outTradeNo: notice.outTradeNo })]);
    // Reconciliation leaves it to a person instead of asking and closing, again and again, forever.
    f.gateway.calls.length = 0;
    f.clock.advance(3 * 3_600_000);
    expect(await f.reconcile.execute()).toMatchObject({ checked: 0 });
    expect(f.gateway.calls).toEqual([]);
    expect(f.alerts.raised).toHaveLength(1);
  });

  it('acknowledges a failed-payment notice without failing the order', async () => {
    const f = await useCaseFixture();
    const notice = await paidOrder(f);
    expect(await f.handleNotify.execute({ ...notice, succeeded: false })).toEqual({ ack: true, result: 'failureReported' });
    expect(await statusOf(f, notice.outTradeNo)).toBe('CHECKED');
    expect(f.gateway.calls).not.toContain('closeOrder');
  });

  it('asks for a retry when the order is not (yet) known', async () => {
    const f = await useCaseFixture();
    const notice = await paidOrder(f);
    const lastDigit = Number(notice.outTradeNo.slice(-1));
    const unknown = `${notice.outTradeNo.slice(0, -1)}${(lastDigit + 1) % 10}`;
    expect(await f.handleNotify.execute({ ...notice, outTradeNo: unknown })).toEqual({
      ack: false,
      reason: 'UnknownOrder',
      alert: false,
    });
  });

  it('throws, so the caller answers FAIL, when WeChat cannot confirm; the retry then succeeds', async () => {
    const f = await useCaseFixture();
    const notice = await paidOrder(f);
    f.gateway.beUnavailable(1);
    await expect(f.handleNotify.execute(notice)).rejects.toBeInstanceOf(GatewayUnavailableError);
    expect(await statusOf(f, notice.outTradeNo)).toBe('CHECKED');
    expect(await f.handleNotify.execute(notice)).toEqual({ ack: true, result: 'recorded' });
  });

  it('records money taken after the order was closed, flagged for review', async () => {
    const f = await useCaseFixture();
    const notice = await paidOrder(f);
    const order = await f.orders.findByOutTradeNo(notice.outTradeNo);
    order!.markFailed('CLOSED', f.clock.now());
    await f.orders.update(order!);
    expect(await f.handleNotify.execute(notice)).toEqual({ ack: true, result: 'recorded' });
    const paid = await f.orders.findByOutTradeNo(notice.outTradeNo);
    expect(paid?.status).toBe('SUCC');
    expect(paid?.needsReview).toBe(true);
    expect(f.events.published.map((e) => e.type)).toEqual(['OrderFailed', 'OrderPaid']);
    expect(f.events.published[1]).toMatchObject({ type: 'OrderPaid', afterFailure: true });
  });

  it('keeps a refunded order refunded when the payment notice comes again', async () => {
    const f = await useCaseFixture();
    const notice = await paidOrder(f);
    await f.handleNotify.execute(notice);
    await f.refundOrder.execute({ outTradeNo: notice.outTradeNo, actor: 'test' });
    expect(await f.handleRefundNotice.execute(f.gateway.settleRefund(`${notice.outTradeNo}R1`))).toEqual({ ack: true, result: 'refunded' });
    expect(await f.handleNotify.execute(notice)).toEqual({ ack: true, result: 'duplicate' });
    expect(await statusOf(f, notice.outTradeNo)).toBe('REFUND');
  });

  it('records a second, different payment for a paid order as a conflict, never overwriting the first', async () => {
    const f = await useCaseFixture();
    const notice = await paidOrder(f);
    await f.handleNotify.execute(notice);
    // WeChat itself now reports another transaction for the number (a double payment to refund by hand).
    f.gateway.trades.get(notice.outTradeNo)!.paid = {
      transactionId: '4200000999',
      amount: Money.ofFen(9900),
      paidAt: f.clock.now(),
      cashPaid: Money.ofFen(9900),
    };
    const verdict = await f.handleNotify.execute({ ...notice, transactionId: '4200000999' });
    expect(verdict).toEqual({ ack: true, result: 'conflictRecorded' });
    expect((await f.orders.findByOutTradeNo(notice.outTradeNo))?.state.transactionId).toBe(notice.transactionId);
    expect(f.events.published.map((e) => e.type)).toEqual(['OrderPaid', 'PaymentConflict']);
  });
});
