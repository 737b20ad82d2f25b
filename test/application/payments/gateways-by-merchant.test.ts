import { describe, expect, it } from 'vitest';
import type { RefundNotice } from '../../../src/application/ports/notify-verifier.js';
import { UnknownMerchantError } from '../../../src/application/ports/payment-gateways.js';
import type { MerchantAccount } from '../../../src/composition/merchant-registry.js';
import { Money } from '../../../src/domain/money.js';
import { Order } from '../../../src/domain/order.js';
import { FakePaymentGateway } from '../../support/doubles/fake-payment-gateway.js';
import { useCaseFixture, type UseCaseFixture } from '../../support/test-container.js';

const DAY = 24 * 3_600_000;
const SHOP_B: MerchantAccount = { id: 'shop-b', appId: 'wx2421b1c4370ec43b', mchId: '1900000109', apiVersion: 'v2' };

/** The configured `default` merchant plus shop-b with its own gateway; new orders are opened for `selling`. */
async function twoMerchants(selling: 'default' | 'shop-b') {
  const clock = { now: () => f.clock.now() };
  const shopB = new FakePaymentGateway(clock, { appId: SHOP_B.appId, mchId: SHOP_B.mchId });
  const f: UseCaseFixture = await useCaseFixture({ merchants: [{ account: SHOP_B, gateway: shopB }], sellingMerchant: selling });
  return { f, shopB };
}

async function prepay(f: UseCaseFixture): Promise<string> {
  const granted = await f.requestPrepay.execute({ uid: f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
  if (!granted.ok || granted.value.kind !== 'payInClient') throw new Error(`prepay failed: ${JSON.stringify(granted)}`);
  return granted.value.outTradeNo;
}

const stateOf = async (f: UseCaseFixture, no: string) => (await f.orders.findByOutTradeNo(no))?.state;

describe('payment gateways by the order merchant', () => {
  it("sends everything about a second merchant's order to that merchant's gateway, from prepay to its bill", async () => {
    const { f, shopB } = await twoMerchants('shop-b');
    const no = await prepay(f);
    expect((await stateOf(f, no))?.merchantId).toBe('shop-b');

    expect(await f.handleNotify.execute(shopB.pay(no))).toEqual({ ack: true, result: 'recorded' });
    const refunded = await f.refundOrder.execute({ outTradeNo: no, amount: Money.ofFen(1000), actor: 'test' });
    expect(refunded.ok).toBe(true);
    expect(await f.handleRefundNotice.execute(shopB.settleRefund(`${no}R1`))).toEqual({ ack: true, result: 'refunded' });
    f.clock.advance(DAY);
    expect(await f.reconcileBill.execute()).toMatchObject({ available: true, payments: 1, matched: 1, unknown: [] });

    expect(shopB.calls).toEqual(expect.arrayContaining(['createPrepay', 'queryOrder', 'refund', 'queryRefund', 'billedPayments']));
    // The configured merchant's gateway was asked for its own (empty) bill, and nothing else.
    expect(f.gateway.calls).toEqual(['billedPayments']);
  });

  it("refuses a notice naming another of our merchants than the order's, and changes nothing", async () => {
    const { f, shopB } = await twoMerchants('shop-b');
    const no = await prepay(f);
    const notice = { ...shopB.pay(no), ...f.gateway.merchant };
    expect(await f.handleNotify.execute(notice)).toEqual({ ack: false, reason: 'ForeignMerchant', alert: true });
    expect((await stateOf(f, no))?.status).toBe('CHECKED');
    expect(shopB.calls).toEqual(['createPrepay']);
  });

  it('opens new orders with the configured merchant, and never reuses an open order of another merchant', async () => {
    const { f } = await twoMerchants('default');
    const first = await prepay(f);
    expect((await stateOf(f, first))?.merchantId).toBe('default');
    // The key's open order turns out to be shop-b's: paid to another account, it is replaced, not handed out again.
    const state = await stateOf(f, first);
    if (!state || (await f.orders.update(Order.restore({ ...state, merchantId: 'shop-b' }))) !== 'updated') throw new Error('not moved');
    const second = await prepay(f);
    expect(second).not.toBe(first);
    expect(await stateOf(f, second)).toMatchObject({ merchantId: 'default', holdsOpenSlot: true });
    expect((await stateOf(f, first))?.holdsOpenSlot).toBe(false);
  });
});

describe('an order of a merchant not configured here', () => {
  /** A paid order (and an open one) whose merchant this deployment does not know, as if written by another deployment. */
  async function ordersOfAGoneMerchant() {
    const f = await useCaseFixture();
    const paid = await prepay(f);
    await f.handleNotify.execute(f.gateway.pay(paid));
    const bob = await f.users.findOrCreate('openid-bob');
    const granted = await f.requestPrepay.execute({ uid: bob.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
    if (!granted.ok) throw new Error('prepay failed');
    const open = granted.value.outTradeNo;
    for (const no of [paid, open]) {
      const state = await stateOf(f, no);
      if (!state || (await f.orders.update(Order.restore({ ...state, merchantId: 'gone' }))) !== 'updated') throw new Error('not moved');
    }
    const calls = f.gateway.calls.length;
    return { f, paid, open, calls };
  }

  it('is refused a refund with UnknownMerchantError before anything is recorded or sent', async () => {
    const { f, paid, calls } = await ordersOfAGoneMerchant();
    const before = await stateOf(f, paid);
    const attempt = f.refundOrder.execute({ outTradeNo: paid, amount: Money.ofFen(1000), actor: 'test' });
    await expect(attempt).rejects.toThrow(UnknownMerchantError);
    await expect(attempt).rejects.toMatchObject({ merchantId: 'gone' });
    expect(await stateOf(f, paid)).toEqual(before);
    expect(f.gateway.calls).toHaveLength(calls);
  });

  it('is left as it is by notices, refund notices and reconciliation', async () => {
    const { f, paid, open, calls } = await ordersOfAGoneMerchant();
    const before = { paid: await stateOf(f, paid), open: await stateOf(f, open) };
    const events = f.events.published.length;

    const payment = f.gateway.pay(open);
    expect(await f.handleNotify.execute(payment)).toEqual({ ack: false, reason: 'ForeignMerchant', alert: true });
    const refundNotice: RefundNotice = {
      ...f.gateway.merchant,
      outTradeNo: paid,
      transactionId: before.paid?.transactionId ?? '',
      outRefundNo: `${paid}R1`,
      refundId: '5000000001',
      status: 'SUCCESS',
      refundFee: Money.ofFen(1000),
      totalFee: Money.ofFen(9900),
    };
    expect(await f.handleRefundNotice.execute(refundNotice)).toEqual({ ack: false, reason: 'ForeignMerchant', alert: true });
    f.clock.advance(DAY);
    const reconciled = await f.reconcile.execute();
    await f.reconcileBill.execute();
    // Named as a problem of the run, as an unreachable WeChat is, so an operator sees which orders wait and why.
    expect(reconciled.problems).toContainEqual({
      step: 'payments',
      subject: open,
      cause: "no payment gateway is configured for merchant 'gone'",
    });

    expect({ paid: await stateOf(f, paid), open: await stateOf(f, open) }).toEqual(before);
    expect(f.events.published).toHaveLength(events);
    // Only the configured merchant's own bill was fetched; nothing about the two orders reached any gateway.
    expect(f.gateway.calls.slice(calls)).toEqual(['billedPayments']);
  });
});
