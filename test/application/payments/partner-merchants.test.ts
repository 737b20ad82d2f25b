import { describe, expect, it } from 'vitest';
import type { MerchantAccount } from '../../../src/composition/merchant-registry.js';
import { Money } from '../../../src/domain/money.js';
import { FakePaymentGateway } from '../../support/doubles/fake-payment-gateway.js';
import { useCaseFixture } from '../../support/test-container.js';

/**
 * Two partner (服务商) merchants of one provider beside the configured direct `default`: they share the provider's
 * mch_id (sp_mchid) and keys, so only the sub_mch_id tells whose a notice is.
 */
const SP_MCHID = '1900000100';
const SOUTH: MerchantAccount = {
  id: 'south',
  appId: 'wx1111111111111111',
  appIds: ['wx1111111111111111', 'wx1111111111111112'],
  mchId: SP_MCHID,
  subMchId: '1900000111',
  apiVersion: 'v3',
};
const WEST: MerchantAccount = { id: 'west', appId: 'wx2222222222222222', mchId: SP_MCHID, subMchId: '1900000112', apiVersion: 'v3' };

async function partners() {
  const clock = { now: () => f.clock.now() };
  const south = new FakePaymentGateway(clock, { appId: SOUTH.appId, mchId: SP_MCHID, subMchId: '1900000111' });
  const west = new FakePaymentGateway(clock, { appId: WEST.appId, mchId: SP_MCHID, subMchId: '1900000112' });
  const f = await useCaseFixture({
    merchants: [
      { account: SOUTH, gateway: south },
      { account: WEST, gateway: west },
    ],
    sellingMerchant: 'south',
  });
  const granted = await f.requestPrepay.execute({ uid: f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
  if (!granted.ok || granted.value.kind !== 'payInClient') throw new Error(`prepay failed: ${JSON.stringify(granted)}`);
  return { f, south, no: granted.value.outTradeNo };
}

describe('partner merchants: a notice is the merchant its sub_mch_id names', () => {
  it('records the payment of a notice naming the provider, this sub-merchant and one of its mini-programs', async () => {
    const { f, south, no } = await partners();
    const notice = { ...south.pay(no), appId: 'wx1111111111111112' };
    expect(await f.handleNotify.execute(notice)).toEqual({ ack: true, result: 'recorded' });
    expect((await f.orders.findByOutTradeNo(no))?.state.status).toBe('SUCC');
  });

  it.each([
    ["a sibling merchant's sub_mch_id", { subMchId: '1900000112' }],
    ["the sibling's sub_mch_id and mini-program", { subMchId: '1900000112', appId: WEST.appId }],
    ['an unknown sub_mch_id', { subMchId: '1900000999' }],
    ['no sub_mch_id (the provider alone)', { subMchId: undefined }],
    ['a mini-program not of this merchant', { appId: WEST.appId }],
  ])('refuses a notice for its order naming %s (answered FAIL, alerted), and changes nothing', async (_, who) => {
    const { f, south, no } = await partners();
    const notice = { ...south.pay(no), ...who };
    expect(await f.handleNotify.execute(notice)).toEqual({ ack: false, reason: 'ForeignMerchant', alert: true });
    expect((await f.orders.findByOutTradeNo(no))?.state.status).toBe('CHECKED');
    expect(f.events.published).toHaveLength(0);
  });

  it("refuses a refund notice naming a sibling merchant's sub_mch_id", async () => {
    const { f, south, no } = await partners();
    await f.handleNotify.execute(south.pay(no));
    const refunded = await f.refundOrder.execute({ outTradeNo: no, amount: Money.ofFen(1000), actor: 'test' });
    expect(refunded.ok).toBe(true);
    const notice = south.settleRefund(`${no}R1`);
    expect(await f.handleRefundNotice.execute({ ...notice, subMchId: '1900000112' })).toEqual({
      ack: false,
      reason: 'ForeignMerchant',
      alert: true,
    });
    expect(await f.handleRefundNotice.execute(notice)).toEqual({ ack: true, result: 'refunded' });
  });
});
