import { describe, expect, it } from 'vitest';
import type { RefundNotice } from '../../../src/application/ports/notify-verifier.js';
import { GatewayUnavailableError } from '../../../src/application/ports/payment-gateway.js';
import { Money } from '../../../src/domain/money.js';
import { aGoods } from '../../support/builders.js';
import { useCaseFixture, type UseCaseFixture } from '../../support/test-container.js';

async function paidOrder(f: UseCaseFixture, uid = f.user.uid): Promise<string> {
  const prepay = await f.requestPrepay.execute({ uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
  if (!prepay.ok) throw new Error('prepay failed');
  const notice = f.gateway.pay(prepay.value.outTradeNo);
  await f.handleNotify.execute(notice);
  return prepay.value.outTradeNo;
}

const stateOf = async (f: UseCaseFixture, no: string) => (await f.orders.findByOutTradeNo(no))?.state;
const refund = (f: UseCaseFixture, outTradeNo: string, fen?: number, requestKey?: string) =>
  f.refundOrder.execute({
    outTradeNo,
    actor: 'test',
    ...(fen === undefined ? {} : { amount: Money.ofFen(fen) }),
    ...(requestKey ? { requestKey } : {}),
  });

describe('RefundOrder', () => {
  /** Every refund request ends in its refund or in a refusal that moved nothing; every refund WeChat holds was answered 200. */
  function expectNoErrorAfterTheMoneyMoved(
    f: UseCaseFixture,
    no: string,
    results: readonly PromiseSettledResult<Awaited<ReturnType<typeof refund>>>[],
  ) {
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const answers = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    for (const a of answers) {
      if (!a.ok) expect(['RefundBusy', 'Rejected']).toContain(a.error.kind);
    }
    const answered = new Set(answers.flatMap((a) => (a.ok ? [a.value.outRefundNo] : [])));
    const held = [...(f.gateway.trades.get(no)?.refunds.entries() ?? [])];
    for (const [outRefundNo] of held) expect(answered).toContain(outRefundNo);
    expect(held.reduce((sum, [, r]) => sum + r.amount.fen, 0)).toBeLessThanOrEqual(9900);
    return { answers, held };
  }

  it('20 concurrent partial refunds of one order take turns: 9 refunds, 11 clear refusals, no error', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => refund(f, no, 1000, `key-${i}`)));
    const { answers, held } = expectNoErrorAfterTheMoneyMoved(f, no, results);
    expect(held).toHaveLength(9);
    expect(answers.filter((a) => !a.ok && a.error.kind === 'Rejected')).toHaveLength(11);
    // The same key again is the same refund, answered the same way.
    const first = answers.find((a) => a.ok);
    const again = await refund(f, no, 1000, `key-${results.findIndex((r) => r.status === 'fulfilled' && r.value === first)}`);
    expect(again.ok && first?.ok && again.value.outRefundNo).toBe(first?.ok && first.value.outRefundNo);
  });

  it('with the per-order lease bypassed (Redis unreachable), losers are refused as busy before anything is sent', async () => {
    const grantAll = { acquire: async (key: string) => ({ key, release: async () => {} }) };
    const f = await useCaseFixture({ lock: grantAll });
    const no = await paidOrder(f);
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => refund(f, no, 1000, `key-${i}`)));
    const { answers } = expectNoErrorAfterTheMoneyMoved(f, no, results);
    expect(answers.filter((a) => a.ok).length).toBeGreaterThan(0);
  });

  it('answers a refund WeChat took with 200 even when recording its answer keeps losing to other writers', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    let wechatTookIt = false;
    const send = f.gateway.refund.bind(f.gateway);
    f.gateway.refund = async (submission) => {
      const outcome = await send(submission);
      wechatTookIt = true;
      return outcome;
    };
    const update = f.orders.update.bind(f.orders);
    f.orders.update = async (order) => (wechatTookIt ? 'stale' : update(order));
    expect(await refund(f, no, 1000, 'k')).toEqual({
      ok: true,
      value: { outRefundNo: `${no}R1`, amountFen: 1000, status: 'PROCESSING', completed: false, refundedFen: 0, refundableFen: 8900 },
    });
    // Committed before WeChat was asked: reconciliation finds it PROCESSING and records WeChat's answer.
    expect(await stateOf(f, no)).toMatchObject({ refunds: [{ outRefundNo: `${no}R1`, status: 'PROCESSING' }] });
  });

  it('refunds the whole amount, but moves the order to REFUND only when WeChat confirms', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    expect(await refund(f, no)).toEqual({
      ok: true,
      value: { outRefundNo: `${no}R1`, amountFen: 9900, status: 'PROCESSING', completed: false, refundedFen: 0, refundableFen: 0 },
    });
    expect(await stateOf(f, no)).toMatchObject({ status: 'SUCC', refunds: [{ outRefundNo: `${no}R1`, status: 'PROCESSING' }] });

    const notice = f.gateway.settleRefund(`${no}R1`);
    expect(await f.handleRefundNotice.execute(notice)).toEqual({ ack: true, result: 'refunded' });
    expect(await stateOf(f, no)).toMatchObject({ status: 'REFUND', refunds: [{ status: 'SUCCESS', refundId: notice.refundId }] });
    expect(f.events.published.map((e) => e.type)).toEqual(['OrderPaid', 'RefundSucceeded', 'OrderRefunded']);
  });

  it('sends the same out_refund_no on every retry, so a timeout cannot refund twice', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    f.gateway.beUnavailable(1);
    await expect(refund(f, no)).rejects.toBeInstanceOf(GatewayUnavailableError);
    const retry = await refund(f, no);
    expect(retry.ok && retry.value.outRefundNo).toBe(`${no}R1`);
    expect([...(f.gateway.trades.get(no)?.refunds.keys() ?? [])]).toEqual([`${no}R1`]);
  });

  it('refunds in parts: each part is a refund of its own, the order stays SUCC until all of it is back', async () => {
    const f = await useCaseFixture();
    await f.goods.save(aGoods({ marketPrice: Money.ofFen(1900) }));
    const no = await paidOrder(f);
    expect(await refund(f, no, 100)).toMatchObject({ ok: true, value: { outRefundNo: `${no}R1`, amountFen: 100, refundableFen: 1800 } });
    await f.handleRefundNotice.execute(f.gateway.settleRefund(`${no}R1`));
    expect(await stateOf(f, no)).toMatchObject({ status: 'SUCC' });
    // A later request for another amount is a new refund, never an answer with the first one.
    expect(await refund(f, no, 1800)).toMatchObject({ ok: true, value: { outRefundNo: `${no}R2`, amountFen: 1800, refundedFen: 100 } });
    expect(await refund(f, no, 1)).toMatchObject({
      ok: false,
      error: { kind: 'Rejected', error: { kind: 'RefundExceedsPayment', refundableFen: 0 } },
    });
    await f.handleRefundNotice.execute(f.gateway.settleRefund(`${no}R2`));
    expect(await stateOf(f, no)).toMatchObject({ status: 'REFUND' });
    expect(f.events.published.map((e) => e.type)).toEqual(['OrderPaid', 'RefundSucceeded', 'RefundSucceeded', 'OrderRefunded']);
  });

  it('never refunds more than what was paid, however the parts are asked for', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    expect(await refund(f, no, 9901)).toMatchObject({
      ok: false,
      error: { kind: 'Rejected', error: { kind: 'RefundExceedsPayment', refundableFen: 9900 } },
    });
    expect(await refund(f, no, 5000)).toMatchObject({ ok: true });
    expect(await refund(f, no, 4901)).toMatchObject({
      ok: false,
      error: { kind: 'Rejected', error: { kind: 'RefundExceedsPayment', refundableFen: 4900 } },
    });
    expect(await refund(f, no, 4900)).toMatchObject({ ok: true, value: { outRefundNo: `${no}R2` } });
  });

  it('recognises a retried request by its Idempotency-Key, and refuses the key with another amount', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    expect(await refund(f, no, 100, 'key-1')).toMatchObject({ ok: true, value: { outRefundNo: `${no}R1` } });
    expect(await refund(f, no, 100, 'key-1')).toMatchObject({ ok: true, value: { outRefundNo: `${no}R1` } });
    expect(await refund(f, no, 100, 'key-2')).toMatchObject({ ok: true, value: { outRefundNo: `${no}R2` } });
    expect(await refund(f, no, 200, 'key-1')).toMatchObject({
      ok: false,
      error: { kind: 'Rejected', error: { kind: 'RequestKeyReused', outRefundNo: `${no}R1` } },
    });
    await f.handleRefundNotice.execute(f.gateway.settleRefund(`${no}R1`));
    // Even once settled, the key still names that refund.
    expect(await refund(f, no, 100, 'key-1')).toMatchObject({ ok: true, value: { outRefundNo: `${no}R1`, status: 'SUCCESS' } });
    expect(f.gateway.trades.get(no)?.refunds.size).toBe(2);
  });

  it('refuses to refund an unpaid order', async () => {
    const f = await useCaseFixture();
    const prepay = await f.requestPrepay.execute({ uid: f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
    const no = prepay.ok ? prepay.value.outTradeNo : '';
    expect(await refund(f, no)).toMatchObject({
      ok: false,
      error: { kind: 'Rejected', error: { kind: 'NotRefundable', status: 'CHECKED' } },
    });
    expect(await refund(f, '2026011512000000029999999999')).toEqual({ ok: false, error: { kind: 'OrderNotFound' } });
  });

  it('makes the amount of a refund WeChat closed refundable again, under a new number', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    await refund(f, no);
    expect(await f.handleRefundNotice.execute(f.gateway.settleRefund(`${no}R1`, 'CLOSED'))).toEqual({ ack: true, result: 'closed' });
    expect(await stateOf(f, no)).toMatchObject({ status: 'SUCC', refunds: [{ status: 'CLOSED' }] });
    const second = await refund(f, no);
    expect(second.ok && second.value.outRefundNo).toBe(`${no}R2`);
  });

  it('records a refund WeChat refused (NOTENOUGH) as REFUSED, frees its amount, and sends it again under its own number when asked again', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    f.gateway.refuseRefunds('NOTENOUGH', 'request');
    expect(await refund(f, no)).toEqual({
      ok: false,
      error: { kind: 'GatewayRejected', code: 'NOTENOUGH', message: 'NOTENOUGH (fake)', category: 'request' },
    });
    expect(await stateOf(f, no)).toMatchObject({ status: 'SUCC', refunds: [{ outRefundNo: `${no}R1`, status: 'REFUSED' }] });
    expect((await f.orders.findByOutTradeNo(no))?.refundableFen).toBe(9900);
    // Reconciliation leaves it alone: nothing is pending at WeChat, and nobody asked for it again.
    expect(await f.reconcile.execute()).toMatchObject({ refundsResubmitted: 0, refundErrors: 0 });
    expect(f.gateway.calls.filter((c) => c === 'refund')).toHaveLength(1);

    // The merchant tops up the balance and asks again: WeChat wants the same number.
    expect(await refund(f, no)).toMatchObject({ ok: true, value: { outRefundNo: `${no}R1`, status: 'PROCESSING', refundableFen: 0 } });
    await f.handleRefundNotice.execute(f.gateway.settleRefund(`${no}R1`));
    expect(await stateOf(f, no)).toMatchObject({ status: 'REFUND', refunds: [{ outRefundNo: `${no}R1`, status: 'SUCCESS' }] });
  });

  it('lets an operator ask for another amount after a refusal, never more than was paid in all', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    f.gateway.refuseRefunds('NOTENOUGH', 'request');
    await refund(f, no, 9900);
    expect(await refund(f, no, 5000)).toMatchObject({ ok: true, value: { outRefundNo: `${no}R2`, refundableFen: 4900 } });
    // The refused 9900 no longer fits beside the 5000 on its way back.
    expect(await refund(f, no, 9900)).toMatchObject({
      ok: false,
      error: { kind: 'Rejected', error: { kind: 'RefundExceedsPayment', requestedFen: 9900, refundableFen: 4900 } },
    });
    expect([...(f.gateway.trades.get(no)?.refunds.keys() ?? [])]).toEqual([`${no}R2`]);
  });

  it('records a refused refund WeChat paid after all though another took its amount: flagged, alerted once, and WeChat settles the other', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    f.gateway.refuseRefunds('NOTENOUGH', 'request');
    await refund(f, no, 9900);
    // Its amount is free: a 1-fen refund takes part of it, and its answer is lost on the way.
    f.gateway.beUnavailable(1);
    await expect(refund(f, no, 1)).rejects.toBeInstanceOf(GatewayUnavailableError);
    // An earlier attempt of the refused refund got through after all (seed 1245017591 of the order model), and is paid.
    await f.gateway.refund({ outTradeNo: no, outRefundNo: `${no}R1`, totalFee: Money.ofFen(9900), refundFee: Money.ofFen(9900) });
    const notice = f.gateway.settleRefund(`${no}R1`);

    expect(await f.handleRefundNotice.execute(notice)).toEqual({ ack: true, result: 'refunded' });
    expect(await f.handleRefundNotice.execute(notice)).toEqual({ ack: true, result: 'duplicate' });
    expect(await stateOf(f, no)).toMatchObject({
      status: 'REFUND',
      refunds: [{ status: 'SUCCESS' }, { status: 'PROCESSING' }],
      review: { reason: expect.stringContaining(`${no}R2 (1 fen PROCESSING)`) },
    });
    expect(f.alerts.raised).toMatchObject([{ kind: 'OrderNeedsReview', outTradeNo: no }]);
    // WeChat refuses the 1 fen beside the 9900 it paid: reconciliation sends it, and records WeChat's refusal.
    await f.reconcile.execute();
    expect(await stateOf(f, no)).toMatchObject({ status: 'REFUND', refunds: [{ status: 'SUCCESS' }, { status: 'REFUSED' }] });
    expect([...(f.gateway.trades.get(no)?.refunds.keys() ?? [])]).toEqual([`${no}R1`]);
  });

  it('takes a refusal of a retry as "nothing refunded" only when WeChat holds no refund under the number', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    f.gateway.beUnavailable(1);
    await expect(refund(f, no)).rejects.toBeInstanceOf(GatewayUnavailableError);
    // The first attempt did reach WeChat after all (only its answer was lost)...
    await f.gateway.refund({ outTradeNo: no, outRefundNo: `${no}R1`, totalFee: Money.ofFen(9900), refundFee: Money.ofFen(9900) });
    // ...and the retry is refused before WeChat looks at the number (a rotated key, say).
    f.gateway.refuseRefunds('SIGNERROR', 'configuration');
    expect(await refund(f, no)).toMatchObject({ ok: true, value: { outRefundNo: `${no}R1`, status: 'PROCESSING' } });
    expect(await stateOf(f, no)).toMatchObject({ refunds: [{ status: 'PROCESSING', refundId: expect.any(String) }] });
    expect((await f.orders.findByOutTradeNo(no))?.refundableFen).toBe(0);
  });

  it('keeps a rate-limited refund PROCESSING and lets reconciliation send it again under the same number', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    f.gateway.refuseRefunds('FREQUENCY_LIMITED', 'rateLimited');
    expect(await refund(f, no)).toMatchObject({ ok: false, error: { kind: 'GatewayRejected', category: 'rateLimited' } });
    expect(await stateOf(f, no)).toMatchObject({ refunds: [{ outRefundNo: `${no}R1`, status: 'PROCESSING' }] });

    expect(await f.reconcile.execute()).toMatchObject({ refundsResubmitted: 1, refundErrors: 0, problems: [] });
    expect(await stateOf(f, no)).toMatchObject({
      refunds: [{ outRefundNo: `${no}R1`, status: 'PROCESSING', refundId: expect.any(String) }],
    });
    expect([...(f.gateway.trades.get(no)?.refunds.keys() ?? [])]).toEqual([`${no}R1`]);
  });

  it('sends a refund WeChat never received (timeout, crash) again from reconciliation, and names the cause while it cannot', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    f.gateway.beUnavailable(1);
    await expect(refund(f, no)).rejects.toBeInstanceOf(GatewayUnavailableError);

    f.gateway.refuseRefunds('NOTENOUGH', 'request');
    expect(await f.reconcile.execute()).toMatchObject({
      refundsResubmitted: 0,
      refundErrors: 1,
      problems: [{ step: 'refunds', subject: `${no}R1`, cause: 'sent again, WeChat refused it: NOTENOUGH NOTENOUGH (fake)' }],
    });
    expect(await stateOf(f, no)).toMatchObject({ refunds: [{ status: 'REFUSED' }] });
    // Refused, it waits for a person; asked again, it goes out under the same number.
    expect(await refund(f, no)).toMatchObject({ ok: true, value: { outRefundNo: `${no}R1`, status: 'PROCESSING' } });
    expect([...(f.gateway.trades.get(no)?.refunds.keys() ?? [])]).toEqual([`${no}R1`]);
  });

  it('flags an order WeChat holds no payment for when a refund is asked, and frees the amount', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    f.gateway.trades.delete(no);
    expect(await refund(f, no)).toMatchObject({ ok: false, error: { kind: 'GatewayRejected', code: 'ORDERNOTEXIST' } });
    expect(await stateOf(f, no)).toMatchObject({
      review: { reason: expect.stringContaining('knows no paid order') },
      refunds: [{ status: 'REFUSED' }],
    });
    expect(f.alerts.raised).toHaveLength(1);
  });
});

describe('HandleRefundNotice', () => {
  const noticeFor = (f: UseCaseFixture, no: string, over: Partial<RefundNotice> = {}): RefundNotice => ({
    appId: f.gateway.merchant.appId,
    mchId: f.gateway.merchant.mchId,
    outTradeNo: no,
    transactionId: f.gateway.trades.get(no)?.paid?.transactionId ?? '',
    outRefundNo: `${no}R1`,
    refundId: 'R1',
    status: 'SUCCESS',
    refundFee: Money.ofFen(9900),
    totalFee: Money.ofFen(9900),
    ...over,
  });

  it('changes nothing on a notice WeChat does not back (forged or early)', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    await refund(f, no);
    const refundId = f.gateway.trades.get(no)?.refunds.get(`${no}R1`)?.refundId;
    expect(await f.handleRefundNotice.execute(noticeFor(f, no, { refundId }))).toEqual({
      ack: false,
      reason: 'NotConfirmedByWechat',
      alert: false,
    });
    expect((await stateOf(f, no))?.status).toBe('SUCC');
  });

  it('makes a duplicate notice a no-op', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    await refund(f, no);
    const notice = f.gateway.settleRefund(`${no}R1`);
    await f.handleRefundNotice.execute(notice);
    expect(await f.handleRefundNotice.execute(notice)).toEqual({ ack: true, result: 'duplicate' });
    expect(f.events.published.filter((e) => e.type === 'OrderRefunded')).toHaveLength(1);
  });

  it('refuses a notice for another merchant', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    expect(await f.handleRefundNotice.execute(noticeFor(f, no, { appId: 'wxother' }))).toEqual({
      ack: false,
      reason: 'ForeignMerchant',
      alert: true,
    });
  });

  it("refuses a genuine refund notice of order B that names order A: A's money, status, events and coins stay", async () => {
    const f = await useCaseFixture();
    const a = await paidOrder(f);
    const bob = await f.users.findOrCreate('openid-bob');
    const b = await paidOrder(f, bob.uid);
    await refund(f, b);
    const genuineForB = f.gateway.settleRefund(`${b}R1`);
    await f.handleRefundNotice.execute(genuineForB);
    expect((await stateOf(f, b))?.status).toBe('REFUND');

    const before = await stateOf(f, a);
    const events = f.events.published.length;
    f.gateway.calls.length = 0;
    expect(await f.handleRefundNotice.execute({ ...genuineForB, outTradeNo: a })).toEqual({
      ack: false,
      reason: 'RefundMismatch',
      alert: true,
    });
    expect(await f.handleRefundNotice.execute({ ...genuineForB, outTradeNo: a, transactionId: before?.transactionId ?? '' })).toEqual({
      ack: false,
      reason: 'RefundMismatch',
      alert: true,
    });
    expect(await stateOf(f, a)).toEqual(before);
    expect(f.events.published).toHaveLength(events);
    expect(f.gateway.calls).toEqual([]);
  });

  it.each([
    ['transaction_id', { transactionId: '4200000000000000999' }],
    ['refund amount', { refundFee: Money.ofFen(100) }],
    ['order amount', { totalFee: Money.ofFen(100) }],
    ['refund_id', { refundId: 'another-refund-id' }],
  ] as const)('refuses a notice whose %s disagrees with the refund we asked for', async (_, over) => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    await refund(f, no);
    const genuine = f.gateway.settleRefund(`${no}R1`);
    expect(await f.handleRefundNotice.execute({ ...genuine, ...over })).toEqual({ ack: false, reason: 'RefundMismatch', alert: true });
    expect((await stateOf(f, no))?.status).toBe('SUCC');
  });

  it("refuses WeChat's answer itself when it disagrees with the refund, flags the order and alerts once", async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    await refund(f, no, 100);
    const notice = f.gateway.settleRefund(`${no}R1`);
    // refundquery now reports another amount for our number than we asked for.
    f.gateway.trades.get(no)!.refunds.get(`${no}R1`)!.status = 'SUCCESS';
    const query = f.gateway.queryRefund.bind(f.gateway);
    f.gateway.queryRefund = async (n) => {
      const answer = await query(n);
      return answer.kind === 'found' ? { kind: 'found', report: { ...answer.report, amount: Money.ofFen(9900) } } : answer;
    };
    expect(await f.handleRefundNotice.execute(notice)).toEqual({ ack: false, reason: 'RefundMismatch', alert: true });
    expect(await f.handleRefundNotice.execute(notice)).toEqual({ ack: false, reason: 'RefundMismatch', alert: true });
    expect(await stateOf(f, no)).toMatchObject({
      status: 'SUCC',
      refunds: [{ status: 'PROCESSING' }],
      review: { reason: expect.stringMatching(/amount/) },
    });
    expect(f.alerts.raised).toHaveLength(1);
  });

  // The three below were found by test/properties/refund-identity.props.test.ts.
  it("refuses a notice whose refund_id is not WeChat's, also for a refund whose refund_id we never learned", async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    // WeChat accepts the refund but its answer, the only one that would name the refund_id, is lost.
    const submit = f.gateway.refund.bind(f.gateway);
    f.gateway.refund = async (submission) => {
      await submit(submission);
      throw new GatewayUnavailableError('refund: answer lost');
    };
    await expect(refund(f, no)).rejects.toBeInstanceOf(GatewayUnavailableError);
    const genuine = f.gateway.settleRefund(`${no}R1`);
    const before = await stateOf(f, no);

    expect(await f.handleRefundNotice.execute({ ...genuine, refundId: '5999999999' })).toEqual({
      ack: false,
      reason: 'RefundMismatch',
      alert: true,
    });
    expect(await stateOf(f, no)).toEqual(before);
    expect(f.events.published.map((e) => e.type)).toEqual(['OrderPaid']);

    expect(await f.handleRefundNotice.execute(genuine)).toEqual({ ack: true, result: 'refunded' });
    expect(await stateOf(f, no)).toMatchObject({ status: 'REFUND', refunds: [{ status: 'SUCCESS', refundId: genuine.refundId }] });
  });

  it('settles nothing from a refund API answer about another refund of the order than the one sent', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    await refund(f, no, 3300);
    await refund(f, no, 6600);
    f.gateway.settleRefund(`${no}R1`);
    // The retry of R1 is answered with everything about R2, which WeChat has not paid out.
    const submit = f.gateway.refund.bind(f.gateway);
    f.gateway.refund = async (submission) => {
      const answer = await submit(submission);
      const r2 = f.gateway.trades.get(no)?.refunds.get(`${no}R2`);
      if (answer.kind !== 'accepted' || !r2) return answer;
      return { kind: 'accepted', report: { ...answer.report, outRefundNo: `${no}R2`, refundId: r2.refundId, amount: r2.amount } };
    };
    expect(await refund(f, no, 3300)).toMatchObject({
      ok: false,
      error: { kind: 'AnswerMismatch', error: { kind: 'RefundMismatch', field: 'outRefundNo' } },
    });
    expect(await stateOf(f, no)).toMatchObject({
      status: 'SUCC',
      refunds: [{ status: 'PROCESSING' }, { status: 'PROCESSING' }],
      review: expect.anything(),
    });
    expect(f.events.published.map((e) => e.type)).toEqual(['OrderPaid']);
    expect(f.alerts.raised).toHaveLength(1);
  });

  it('settles nothing from a refundquery answer about another refund of the order than the one asked', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    await refund(f, no, 3300);
    await refund(f, no, 6600);
    f.gateway.settleRefund(`${no}R1`);
    const query = f.gateway.queryRefund.bind(f.gateway);
    f.gateway.queryRefund = async (n) => query(n === `${no}R2` ? `${no}R1` : `${no}R2`); // each answer names the other refund
    await f.reconcile.execute();
    expect(await stateOf(f, no)).toMatchObject({ status: 'SUCC', refunds: [{ status: 'PROCESSING' }, { status: 'PROCESSING' }] });
    expect(f.events.published.map((e) => e.type)).toEqual(['OrderPaid']);
    expect(f.alerts.raised).toHaveLength(1);
  });

  it('never moves a REFUND order on a late payment notice', async () => {
    const f = await useCaseFixture();
    const no = await paidOrder(f);
    await refund(f, no);
    await f.handleRefundNotice.execute(f.gateway.settleRefund(`${no}R1`));
    const late = f.gateway.pay(no);
    expect(await f.handleNotify.execute(late)).toEqual({ ack: true, result: 'duplicate' });
    expect((await stateOf(f, no))?.status).toBe('REFUND');
  });
});
