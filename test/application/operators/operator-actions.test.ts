import { describe, expect, it } from 'vitest';
import { Money } from '../../../src/domain/money.js';
import { aGoods } from '../../support/builders.js';
import { useCaseFixture } from '../../support/test-container.js';

describe('operator actions are use cases, and every one is audited', () => {
  it('resolves a review: the flag goes, the reason and the note stay in the audit log', async () => {
    const f = await useCaseFixture();
    const prepay = await f.requestPrepay.execute({ uid: f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
    const no = prepay.ok ? prepay.value.outTradeNo : '';
    const order = await f.orders.findByOutTradeNo(no);
    await f.recorder.flagForReview(order!, 'paid twice', f.clock.now());
    const resolved = await f.resolveReview.execute(no, 'refunded the second payment by hand', 'operator:alice');
    expect(resolved.ok && resolved.value.needsReview).toBe(false);
    expect(f.audit.entries).toEqual([
      {
        at: f.clock.now(),
        actor: 'operator:alice',
        action: 'review.resolved',
        subject: no,
        before: { reason: 'paid twice' },
        note: 'refunded the second payment by hand',
        merchantId: 'default',
      },
    ]);
    expect(await f.resolveReview.execute(no, 'again', 'operator:alice')).toEqual({ ok: false, error: { kind: 'NoOpenReview' } });
  });

  it('grants coins only to a user that exists, once per grant id, within what a balance can hold', async () => {
    const f = await useCaseFixture();
    expect(await f.grantCoins.execute({ uid: 424242, amount: 5, grantId: 'g', actor: 'admin-token' })).toEqual({
      ok: false,
      error: { kind: 'UserNotFound' },
    });
    expect(await f.grantCoins.execute({ uid: f.user.uid, amount: 5, grantId: 'g', actor: 'admin-token' })).toEqual({
      ok: true,
      value: { result: 'granted', balance: 5 },
    });
    expect(await f.grantCoins.execute({ uid: f.user.uid, amount: 5, grantId: 'g', actor: 'admin-token' })).toEqual({
      ok: true,
      value: { result: 'alreadyGranted', balance: 5 },
    });
    expect(f.audit.entries.map((e) => [e.action, e.subject, e.before, e.after])).toEqual([
      ['coins.granted', `user:${f.user.uid}`, { balance: 0 }, { balance: 5, amount: 5, grantId: 'g' }],
    ]);
  });

  it('refuses a sale price above the market price, on create and on update, storing and auditing nothing', async () => {
    const f = await useCaseFixture();
    const above = { marketPrice: Money.ofFen(1990), salePrice: Money.ofFen(1991) };
    const { id: _id, ...draft } = aGoods(above);
    expect(await f.manageGoods.create(draft, 'admin-token')).toEqual({ ok: false, error: { kind: 'SalePriceAboveMarketPrice' } });
    expect(await f.manageGoods.update(aGoods(above), 'admin-token')).toEqual({ ok: false, error: { kind: 'SalePriceAboveMarketPrice' } });
    expect(await f.goods.listAll()).toEqual([aGoods()]);
    expect(f.audit.entries).toEqual([]);
    // Equal prices are a price: coin buyers then pay the same cash and the coins on top.
    expect((await f.manageGoods.update(aGoods({ marketPrice: Money.ofFen(1990), salePrice: Money.ofFen(1990) }), 'admin-token')).ok).toBe(
      true,
    );
  });

  it('never creates goods by updating an unknown id; records before and after of a change', async () => {
    const f = await useCaseFixture();
    expect(await f.manageGoods.update(aGoods({ id: 77 }), 'admin-token')).toEqual({ ok: false, error: { kind: 'GoodsNotFound' } });
    expect(await f.goods.findById(77)).toBeUndefined();
    const changed = aGoods({ marketPrice: Money.ofFen(8800) });
    expect((await f.manageGoods.update(changed, 'admin-token')).ok).toBe(true);
    expect(f.audit.entries).toMatchObject([
      { action: 'goods.updated', subject: 'goods:3', before: { marketPrice: 9900 }, after: { marketPrice: 8800 } },
    ]);
  });
});
