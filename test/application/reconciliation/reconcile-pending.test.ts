import { describe, expect, it } from 'vitest';
import { CLOSE_NOT_BEFORE_MS, DEFAULT_RECONCILE_OPTIONS } from '../../../src/application/reconciliation/reconcile-payments.js';
import { PREPAY_LIFETIME_MS } from '../../../src/domain/prepay.js';
import { useCaseFixture, type UseCaseFixture } from '../../support/test-container.js';

async function openOrder(f: UseCaseFixture, uid = f.user.uid): Promise<string> {
  const prepay = await f.requestPrepay.execute({ uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
  if (!prepay.ok) throw new Error('prepay failed');
  return prepay.value.outTradeNo;
}
const statusOf = async (f: UseCaseFixture, no: string) => (await f.orders.findByOutTradeNo(no))?.status;

describe('ReconcilePending', () => {
  it('finds a payment whose notify never came and records it like a notify would', async () => {
    const f = await useCaseFixture();
    const no = await openOrder(f);
    f.gateway.pay(no); // the notify is lost
    f.clock.advance(DEFAULT_RECONCILE_OPTIONS.firstAskAfterMs);
    const report = await f.reconcile.execute();
    expect(report).toMatchObject({ checked: 1, paid: 1 });
    expect(await statusOf(f, no)).toBe('SUCC');
    expect(f.events.published.map((e) => e.type)).toEqual(['OrderPaid']);
  });

  it('asks about an order only once its prepay_id is firstAskAfterMs old: its notify comes first', async () => {
    const f = await useCaseFixture();
    const no = await openOrder(f);
    f.gateway.pay(no); // paid, its notify still on the way
    const asked: string[] = [];
    const query = f.gateway.queryOrder.bind(f.gateway);
    f.gateway.queryOrder = async (n) => (asked.push(n), query(n));
    f.clock.advance(DEFAULT_RECONCILE_OPTIONS.firstAskAfterMs - 1_000);
    expect(await f.reconcile.execute()).toMatchObject({ checked: 0, oldestPendingSeconds: 59 });
    expect(asked).toEqual([]);
    expect(await statusOf(f, no)).toBe('CHECKED');
    f.clock.advance(1_000);
    expect(await f.reconcile.execute()).toMatchObject({ checked: 1, paid: 1 });
    expect(asked).toEqual([no]);
    expect(await statusOf(f, no)).toBe('SUCC');
  });

  it('leaves an unpaid order alone while its prepay_id can still be paid', async () => {
    const f = await useCaseFixture();
    const no = await openOrder(f);
    f.clock.advance(60_000);
    expect(await f.reconcile.execute()).toMatchObject({ checked: 1, unchanged: 1, oldestPendingSeconds: 60 });
    expect(f.gateway.calls).not.toContain('closeOrder');
    expect(await statusOf(f, no)).toBe('CHECKED');
  });

  it('closes an order whose prepay_id expired, at least 5 minutes after creation', async () => {
    const f = await useCaseFixture();
    const no = await openOrder(f);
    f.clock.advance(PREPAY_LIFETIME_MS + 1);
    expect(await f.reconcile.execute()).toMatchObject({ closed: 1 });
    expect(await statusOf(f, no)).toBe('FAILED');
    expect(f.gateway.trades.get(no)?.state).toBe('CLOSED');
    expect(f.events.published.map((e) => e.type)).toEqual(['OrderFailed']);
  });

  it('takes ORDERPAID from closeorder as paid: the payment wins the race', async () => {
    const f = await useCaseFixture();
    const no = await openOrder(f);
    f.clock.advance(PREPAY_LIFETIME_MS + 1);
    // WeChat says "not paid" to the query, then the user's payment lands before closeorder.
    const query = f.gateway.queryOrder.bind(f.gateway);
    let first = true;
    f.gateway.queryOrder = async (n) => {
      const answer = await query(n);
      if (first) {
        first = false;
        f.gateway.pay(n);
      }
      return answer;
    };
    expect(await f.reconcile.execute()).toMatchObject({ paid: 1, closed: 0 });
    expect(await statusOf(f, no)).toBe('SUCC');
  });

  it('never fails an order on an unknown answer, and backs off before asking again', async () => {
    const f = await useCaseFixture();
    const no = await openOrder(f);
    f.clock.advance(PREPAY_LIFETIME_MS + 1);
    f.gateway.beUnavailable(1);
    expect(await f.reconcile.execute()).toMatchObject({ errors: 1 });
    expect(await statusOf(f, no)).toBe('CHECKED');
    expect(await f.reconcile.execute()).toMatchObject({ checked: 0 });
    f.clock.advance(30_000);
    expect(await f.reconcile.execute()).toMatchObject({ checked: 1, closed: 1 });
  });

  it('does not close within 5 minutes of creation even if the prepay_id is gone', async () => {
    const f = await useCaseFixture();
    const no = await openOrder(f);
    const order = await f.orders.findByOutTradeNo(no);
    order!.attachPrepay({ ...order!.state.prepay!, expiresAt: f.clock.now() }, f.clock.now());
    await f.orders.update(order!);
    f.clock.advance(CLOSE_NOT_BEFORE_MS - 1_000);
    expect(await f.reconcile.execute()).toMatchObject({ unchanged: 1, closed: 0 });
  });

  it('settles a refund WeChat finished without notifying', async () => {
    const f = await useCaseFixture();
    const no = await openOrder(f);
    await f.handleNotify.execute(f.gateway.pay(no));
    await f.refundOrder.execute({ outTradeNo: no, actor: 'test' });
    f.gateway.settleRefund(`${no}R1`);
    expect(await f.reconcile.execute()).toMatchObject({ refundsSettled: 1 });
    expect(await statusOf(f, no)).toBe('REFUND');
  });

  it('asks about the oldest orders first, and about each order in a run once', async () => {
    const f = await useCaseFixture();
    const first = await openOrder(f);
    f.clock.advance(1_000);
    const bob = await f.users.findOrCreate('openid-bob');
    await openOrder(f, bob.uid);
    f.clock.advance(DEFAULT_RECONCILE_OPTIONS.firstAskAfterMs);
    f.gateway.calls.length = 0;
    const asked: string[] = [];
    const query = f.gateway.queryOrder.bind(f.gateway);
    f.gateway.queryOrder = async (n) => (asked.push(n), query(n));
    await f.reconcile.execute();
    expect(asked[0]).toBe(first);
    expect(asked).toHaveLength(2);
  });
});

describe('RelayPaymentEvents', () => {
  it('delivers each committed event and marks it, retrying a failed delivery later', async () => {
    const f = await useCaseFixture();
    const no = await openOrder(f);
    await f.handleNotify.execute(f.gateway.pay(no));
    const sink = f.sink;
    let down = true;
    const publish = sink.publish.bind(sink);
    sink.publish = async (e, id) => (down ? Promise.reject(new Error('webhook down')) : publish(e, id));
    const relay = f.relay;

    expect(await relay.execute()).toEqual({ delivered: 0, failed: 1 });
    expect(await relay.execute()).toEqual({ delivered: 0, failed: 0 }); // backing off
    down = false;
    f.clock.advance(1_000);
    expect(await relay.execute()).toEqual({ delivered: 1, failed: 0 });
    expect(await relay.execute()).toEqual({ delivered: 0, failed: 0 });
    expect(sink.received).toEqual([{ eventId: `${no}:OrderPaid`, event: expect.objectContaining({ type: 'OrderPaid', outTradeNo: no }) }]);
  });
});
