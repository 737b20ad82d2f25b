import { describe, expect, it } from 'vitest';
import { allowsIn, OPERATOR_ROLES, PERMISSIONS, PLATFORM_ONLY, type Permission } from '../../../src/domain/operator-role.js';
import { Money } from '../../../src/domain/money.js';
import { PLATFORM, shopsScope } from '../../../src/domain/shop-scope.js';
import { aGoods, anOrder } from '../../support/builders.js';
import { useCaseFixture } from '../../support/test-container.js';

const NORTH = shopsScope(['north']);
const BOTH = shopsScope(['default', 'north']);

/** A paid order of the default merchant (through prepay and notify), flagged for review. */
async function paidDefaultOrder(f: Awaited<ReturnType<typeof useCaseFixture>>): Promise<string> {
  const prepay = await f.requestPrepay.execute({ uid: f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
  if (!prepay.ok) throw new Error('prepay failed');
  await f.handleNotify.execute(f.gateway.pay(prepay.value.outTradeNo));
  const order = await f.orders.findByOutTradeNo(prepay.value.outTradeNo);
  order?.flagForReview('paid twice', f.clock.now());
  if (order) await f.orders.update(order);
  return prepay.value.outTradeNo;
}

describe('shop operators: every use case the console calls is narrowed to the shops held', () => {
  it("refuses another shop's order as not found, audited for the platform only; refunds one of a shop held, audited for that shop", async () => {
    const f = await useCaseFixture();
    const no = await paidDefaultOrder(f);
    expect(await f.refundOrder.execute({ outTradeNo: no, amount: Money.ofFen(100), actor: 'operator:n', scope: NORTH })).toEqual({
      ok: false,
      error: { kind: 'OrderNotFound' },
    });
    expect((await f.orders.findByOutTradeNo(no))?.state.refunds).toEqual([]);
    const done = await f.refundOrder.execute({ outTradeNo: no, amount: Money.ofFen(100), actor: 'operator:b', scope: BOTH });
    expect(done.ok).toBe(true);
    expect(f.audit.entries.filter((e) => e.action === 'refund.requested').map((e) => [e.actor, e.merchantId])).toEqual([
      ['operator:n', undefined],
      ['operator:b', 'default'],
    ]);
  });

  it("neither reads nor resolves another shop's order", async () => {
    const f = await useCaseFixture();
    const no = await paidDefaultOrder(f);
    expect(await f.readOrderHistory.execute(no, NORTH)).toBeUndefined();
    expect((await f.readOrderHistory.execute(no, BOTH))?.order.state.outTradeNo.value).toBe(no);
    expect((await f.readOrderHistory.execute(no))?.order.state.outTradeNo.value).toBe(no);
    expect(await f.resolveReview.execute(no, 'mine', 'operator:n', NORTH)).toEqual({ ok: false, error: { kind: 'OrderNotFound' } });
    expect((await f.orders.findByOutTradeNo(no))?.needsReview).toBe(true);
    expect((await f.resolveReview.execute(no, 'settled', 'operator:b', BOTH)).ok).toBe(true);
    expect(f.audit.entries.map((e) => [e.action, e.merchantId])).toEqual([['review.resolved', 'default']]);
  });

  it('grants no coins to, and changes no goods of, a shop not held (by the merchant their mini-program sells through)', async () => {
    const f = await useCaseFixture();
    const grant = { uid: f.user.uid, amount: 5, grantId: 'g1', actor: 'operator:n' };
    expect(await f.grantCoins.execute({ ...grant, scope: NORTH })).toEqual({ ok: false, error: { kind: 'UserNotFound' } });
    expect(await f.ledger.balanceOf(f.user.uid)).toBe(0);
    expect((await f.grantCoins.execute({ ...grant, scope: BOTH })).ok).toBe(true);
    const { id: _id, ...draft } = aGoods({ name: 'New' });
    expect(await f.manageGoods.create(draft, 'operator:n', NORTH)).toEqual({ ok: false, error: { kind: 'GoodsNotFound' } });
    expect(await f.manageGoods.update(aGoods({ online: false }), 'operator:n', NORTH)).toEqual({
      ok: false,
      error: { kind: 'GoodsNotFound' },
    });
    expect(await f.goods.listAll()).toEqual([aGoods()]);
    expect((await f.manageGoods.update(aGoods({ online: false }), 'operator:b', BOTH)).ok).toBe(true);
    expect(f.audit.entries.map((e) => [e.action, e.merchantId])).toEqual([
      ['coins.granted', 'default'],
      ['goods.updated', 'default'],
    ]);
  });

  it('counts the dashboard of the merchants asked for only', async () => {
    const f = await useCaseFixture();
    await paidDefaultOrder(f);
    const north = anOrder({ uid: 99, merchantId: 'north', cash: Money.ofFen(4200), createdAt: f.clock.now() });
    await f.orders.insert(north);
    expect(north.confirmPaid({ transactionId: 'T-north', amount: north.state.cash, paidAt: f.clock.now() }).ok).toBe(true);
    await f.orders.update(north);
    const figures = async (merchantIds?: readonly string[]) => {
      const d = await f.readDashboard.execute(merchantIds);
      return [d.todayTotals.paidCount, d.todayTotals.paidFen, d.needingReview];
    };
    // (Notify verdicts by merchant: the shop-scope contract; the fixture's notices carry the wall clock's time.)
    const [, defaultFen] = await figures(['default']);
    expect(await figures(['north'])).toEqual([1, 4200, 0]);
    expect(await figures(['default'])).toEqual([1, defaultFen, 1]);
    expect(await figures()).toEqual([2, (defaultFen ?? 0) + 4200, 1]);
    expect(await figures([])).toEqual([0, 0, 0]);
  });
});

describe('shop operators: their scope', () => {
  it('is read afresh with every session, so a grant taken away holds from the next request', async () => {
    const f = await useCaseFixture();
    await f.manageOperators.add({ name: 'nora', role: 'operator', password: 'long enough password' }, 'cli');
    const signed = await f.signIn.execute({ name: 'nora', password: 'long enough password', ip: '127.0.0.1' });
    const token = signed.result.ok ? signed.result.value.token : '';
    expect(await f.resumeSession.execute(token)).toMatchObject({ ok: true, value: { shops: PLATFORM } });
    expect((await f.manageOperators.setShops('nora', shopsScope(['north']), 'cli')).ok).toBe(true);
    expect(await f.resumeSession.execute(token)).toMatchObject({ ok: true, value: { shops: NORTH } });
  });

  it('is set only to merchant ids, for an operator that exists, audited once per change', async () => {
    const f = await useCaseFixture();
    await f.manageOperators.add({ name: 'nora', role: 'viewer', password: 'long enough password' }, 'cli');
    expect(await f.manageOperators.setShops('nora', shopsScope(['North Shop']), 'cli')).toEqual({
      ok: false,
      error: { kind: 'InvalidShop' },
    });
    expect(await f.manageOperators.setShops('nobody', NORTH, 'cli')).toEqual({ ok: false, error: { kind: 'OperatorNotFound' } });
    expect((await f.manageOperators.setShops('nora', shopsScope(['north', 'north']), 'cli')).ok).toBe(true);
    expect((await f.manageOperators.setShops('nora', NORTH, 'cli')).ok).toBe(true); // the same: nothing to audit
    expect((await f.manageOperators.setShops('nora', shopsScope([]), 'cli')).ok).toBe(true);
    const changes = f.audit.entries.filter((e) => e.action === 'operator.shops-changed');
    expect(changes.map((e) => [e.subject, e.before, e.after])).toEqual([
      ['operator:nora', { shops: 'all' }, { shops: 'north' }],
      ['operator:nora', { shops: 'north' }, { shops: 'none' }],
    ]);
  });

  it('keeps an enabled platform admin: the last one can neither be narrowed to some shops nor demoted beside shop admins', async () => {
    const f = await useCaseFixture();
    const add = (name: string) => f.manageOperators.add({ name, role: 'admin', password: 'long enough password' }, 'cli');
    await add('root');
    await add('shopadmin');
    expect((await f.manageOperators.setShops('shopadmin', NORTH, 'cli')).ok).toBe(true);
    // root is now the only admin who holds every shop, so the only one who can manage operators.
    expect(await f.manageOperators.setShops('root', NORTH, 'cli')).toEqual({ ok: false, error: { kind: 'LastAdmin' } });
    expect(await f.manageOperators.setRole('root', 'operator', 'cli')).toEqual({ ok: false, error: { kind: 'LastAdmin' } });
    expect(await f.manageOperators.setDisabled('root', true, 'cli')).toEqual({ ok: false, error: { kind: 'LastAdmin' } });
    expect((await f.manageOperators.setShops('shopadmin', PLATFORM, 'cli')).ok).toBe(true);
    expect((await f.manageOperators.setShops('root', NORTH, 'cli')).ok).toBe(true);
    expect(await f.manageOperators.setShops('shopadmin', BOTH, 'cli')).toEqual({ ok: false, error: { kind: 'LastAdmin' } });
  });

  it('keeps operators, reconciliation and bills to platform operators, whatever the role; the rest as the role says', () => {
    for (const role of OPERATOR_ROLES) {
      for (const permission of Object.keys(PERMISSIONS) as Permission[]) {
        const byRole = allowsIn(role, PLATFORM, permission);
        expect(allowsIn(role, NORTH, permission), `${role} ${permission}`).toBe(byRole && !PLATFORM_ONLY.includes(permission));
      }
    }
    expect(PLATFORM_ONLY).toEqual(['readBills', 'reconcile', 'manageOperators', 'manageMerchants']);
  });
});
