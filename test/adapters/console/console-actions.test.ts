import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Money } from '../../../src/domain/money.js';
import { consoleApp, postForm, type ConsoleApp, type ConsoleSession } from '../../support/console-app.js';

/** The console's actions end to end in one process: each through its use case, audited under the operator's name. */
describe('console actions', () => {
  let app: ConsoleApp;
  let operator: ConsoleSession;
  let admin: ConsoleSession;
  beforeAll(async () => {
    app = await consoleApp();
    operator = await app.session('operator');
    admin = await app.session('admin');
  });
  afterAll(async () => app?.close());

  async function paid(paidType: 'WXPAY' | 'INTEGRAL' = 'WXPAY', goodsId = 3): Promise<string> {
    const prepay = await app.f.requestPrepay.execute({ uid: app.f.user.uid, goodsId, paidType, clientIp: '203.0.113.7' });
    if (!prepay.ok) throw new Error(`prepay failed: ${prepay.error.kind}`);
    if (prepay.value.kind === 'payInClient') await app.f.handleNotify.execute(app.f.gateway.pay(prepay.value.outTradeNo));
    return prepay.value.outTradeNo;
  }
  const page = async (path: string, session: ConsoleSession) =>
    (await fetch(`${app.baseUrl}${path}`, { headers: { cookie: session.cookie } })).text();

  it('refunds part of an order in two steps, once however often the confirmation is sent', async () => {
    const no = await paid(); // ¥99.00
    const ask = await postForm(app, `/console/orders/${no}/refund`, operator, { _csrf: operator.csrf, amount: '12.34', reason: 'late' });
    expect(ask.status).toBe(200);
    const confirmation = await ask.text();
    expect(confirmation).toContain('¥12.34');
    expect(confirmation).toContain('¥86.66'); // what stays refundable
    expect(await app.f.orders.findByOutTradeNo(no)).toMatchObject({ refundedFen: 0, refundableFen: 9900 });
    const key = /name="request_key" value="([^"]+)"/.exec(confirmation)?.[1] ?? '';
    const confirm = { _csrf: operator.csrf, amount_fen: '1234', reason: 'late', request_key: key, confirm: 'yes' };
    for (let i = 0; i < 2; i++) {
      const done = await postForm(app, `/console/orders/${no}/refund`, operator, confirm);
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toBe(`/console/orders/${no}?done=refund`);
    }
    const order = await app.f.orders.findByOutTradeNo(no);
    expect(order?.state.refunds.map((r) => [r.amount.fen, r.requestKey])).toEqual([[1234, key]]);
    expect(app.f.audit.entries.filter((e) => e.subject === no).map((e) => [e.action, e.actor, e.note])).toEqual([
      ['refund.requested', `operator:${operator.name}`, 'late'],
      ['refund.requested', `operator:${operator.name}`, 'late'],
    ]);
  });

  it('16 concurrent refund confirmations of one order: each ends in its refund or a refusal, never the error page', async () => {
    const no = await paid(); // ¥99.00
    const keys = await Promise.all(
      Array.from({ length: 16 }, async () => {
        const ask = await postForm(app, `/console/orders/${no}/refund`, operator, { _csrf: operator.csrf, amount: '10.00' });
        return /name="request_key" value="([^"]+)"/.exec(await ask.text())?.[1] ?? '';
      }),
    );
    // Writes that take a little time, as a database's do, so that the confirmations really overlap.
    const update = app.f.orders.update.bind(app.f.orders);
    app.f.orders.update = async (order) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      return update(order);
    };
    const statuses = await Promise.all(
      keys.map(async (key) => {
        const confirm = { _csrf: operator.csrf, amount_fen: '1000', request_key: key, confirm: 'yes' };
        return (await postForm(app, `/console/orders/${no}/refund`, operator, confirm)).status;
      }),
    );
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    const held = [...(app.f.gateway.trades.get(no)?.refunds.values() ?? [])];
    // Every refund WeChat holds was answered with the redirect to the order; the rest moved nothing.
    expect(statuses.filter((s) => s === 303)).toHaveLength(held.length);
    expect(held).toHaveLength(9);
    expect(held.reduce((sum, r) => sum + r.amount.fen, 0)).toBeLessThanOrEqual(9900);
    app.f.orders.update = update;
  });

  it('refuses an amount beyond what is refundable, with fen or garbage, and refunds everything when none is typed', async () => {
    const no = await paid();
    for (const amount of ['99.01', '0', '1.234', 'abc', '-5']) {
      const res = await postForm(app, `/console/orders/${no}/refund`, operator, { _csrf: operator.csrf, amount });
      expect(res.status).toBe(400);
    }
    const all = await postForm(app, `/console/orders/${no}/refund`, operator, { _csrf: operator.csrf, amount: '' });
    expect(await all.text()).toContain('¥99.00');
  });

  it('offers the refund form exactly while the order has something refundable (the domain says what)', async () => {
    const no = await paid(); // ¥99.00
    const offered = async () => (await page(`/console/orders/${no}`, operator)).includes('id="refund"');
    expect(await offered()).toBe(true);
    const ask = await postForm(app, `/console/orders/${no}/refund`, operator, { _csrf: operator.csrf, amount: '' });
    const key = /name="request_key" value="([^"]+)"/.exec(await ask.text())?.[1] ?? '';
    const done = await postForm(app, `/console/orders/${no}/refund`, operator, {
      _csrf: operator.csrf,
      amount_fen: '9900',
      request_key: key,
      confirm: 'yes',
    });
    expect(done.status).toBe(303);
    // The whole amount is asked for (processing or refunded): nothing is left, so no form, whatever the status.
    const order = await app.f.orders.findByOutTradeNo(no);
    expect(order?.refundable).toEqual({ kind: 'nothing' });
    expect(await offered()).toBe(false);
  });

  it('refunds an order paid in coins only, returning its coins', async () => {
    await app.f.goods.save({ ...(await app.f.goods.findById(3))!, salePrice: Money.ZERO, integral: 30 });
    await app.f.ledger.grant(app.f.user.uid, 30, 'coins-for-console-test', app.f.clock.now());
    const no = await paid('INTEGRAL');
    expect((await app.f.orders.findByOutTradeNo(no))?.status).toBe('SUCC');
    expect(await app.f.ledger.balanceOf(app.f.user.uid)).toBe(0);
    expect(await page(`/console/orders/${no}`, operator)).toContain('30');
    const ask = await postForm(app, `/console/orders/${no}/refund`, operator, { _csrf: operator.csrf });
    expect(await ask.text()).toContain('confirm-refund');
    const done = await postForm(app, `/console/orders/${no}/refund`, operator, { _csrf: operator.csrf, confirm: 'yes' });
    expect(done.status).toBe(303);
    expect((await app.f.orders.findByOutTradeNo(no))?.status).toBe('REFUND');
    expect(await app.f.ledger.balanceOf(app.f.user.uid)).toBe(30);
  });

  it('grants coins once per form, however often it is submitted', async () => {
    const form = await page(`/console/users/${app.f.user.uid}`, operator);
    const grantId = /name="grant_id" value="([^"]+)"/.exec(form)?.[1] ?? '';
    const before = await app.f.ledger.balanceOf(app.f.user.uid);
    for (let i = 0; i < 2; i++) {
      const res = await postForm(app, `/console/users/${app.f.user.uid}/grant`, operator, {
        _csrf: operator.csrf,
        grant_id: grantId,
        amount: '7',
        reason: 'welcome',
      });
      expect(res.status).toBe(303);
    }
    expect(await app.f.ledger.balanceOf(app.f.user.uid)).toBe(before + 7);
    expect(app.f.audit.entries.filter((e) => e.action === 'coins.granted').at(-1)).toMatchObject({ actor: `operator:${operator.name}` });
  });

  it('creates goods priced to the fen, refuses what is not a price or a sale price above the market price, in Chinese', async () => {
    const form = { _csrf: admin.csrf, name: 'Tea', integral: '0' };
    for (const [market_price, sale_price, why] of [
      ['12.345', '10', '原价须为以元为单位的金额，最多两位小数'],
      ['12.5e1', '10', '原价须为以元为单位的金额'],
      ['12', '-1', '售价须为以元为单位的金额'],
      ['12.50', '12.51', '售价不能高于原价'],
    ] as const) {
      const refused = await postForm(app, '/console/goods', admin, { ...form, market_price, sale_price });
      expect(refused.status, `${market_price} / ${sale_price}`).toBe(400);
      const page = await refused.text();
      expect(page).toContain(why);
      expect(page).toContain(`value="${market_price}"`); // the form comes back as typed
    }
    expect((await app.f.goods.listAll()).some((g) => g.name === 'Tea')).toBe(false);
    const ok = await postForm(app, '/console/goods', admin, {
      _csrf: admin.csrf,
      name: '茶 Tea',
      market_price: '12.29',
      sale_price: '0.10',
      integral: '3',
      online: '1',
    });
    expect(ok.status).toBe(303);
    const created = (await app.f.goods.listAll()).find((g) => g.name === '茶 Tea');
    expect(created).toMatchObject({ marketPrice: Money.ofFen(1229), salePrice: Money.ofFen(10), integral: 3, online: true });
    const edit = await (await fetch(`${app.baseUrl}/console/goods/${created?.id}`, { headers: { cookie: admin.cookie } })).text();
    expect(edit).toContain('value="12.29"');
    expect(edit).toContain('value="0.10"');
    expect(edit).toContain('原价：只用微信支付的买家付的金额');
    const off = await postForm(app, `/console/goods/${created?.id}/online`, admin, { _csrf: admin.csrf, online: '0', confirm: 'yes' });
    expect(off.status).toBe(303);
    expect(await app.f.goods.findById(created?.id ?? 0)).toEqual({ ...created, online: false });
    expect(app.f.audit.entries.at(-1)).toMatchObject({
      action: 'goods.updated',
      actor: `operator:${admin.name}`,
      after: { online: false },
    });
  });

  it('reconciles a trade bill for a day, audited', async () => {
    const res = await postForm(app, '/console/reconciliation/bill', operator, { _csrf: operator.csrf, date: '2026-01-14' });
    expect(res.status).toBe(303);
    expect(app.billRuns).toEqual(['20260114']);
    expect(app.f.audit.entries.at(-1)).toMatchObject({
      action: 'bill.reconciled',
      subject: 'bill:20260114',
      actor: `operator:${operator.name}`,
    });
    expect((await postForm(app, '/console/reconciliation/bill', operator, { _csrf: operator.csrf, date: '14/01/2026' })).status).toBe(400);
  });

  it('manages operators: a refusal is explained, a reset password signs the operator out', async () => {
    const taken = await postForm(app, '/console/operators', admin, {
      _csrf: admin.csrf,
      name: operator.name,
      role: 'viewer',
      password: 'long enough password',
    });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain('该用户名已存在');
    const victim = await app.session('viewer');
    const reset = await postForm(app, `/console/operators/${victim.name}/password`, admin, {
      _csrf: admin.csrf,
      password: 'another long password',
    });
    expect(reset.status).toBe(303);
    expect((await fetch(`${app.baseUrl}/console`, { headers: { cookie: victim.cookie }, redirect: 'manual' })).status).toBe(303);
    const last = await postForm(app, `/console/operators/${admin.name}/disable`, admin, { _csrf: admin.csrf });
    expect(last.status).toBe(409); // the only admin cannot disable themselves
    expect(await last.text()).toContain('至少要保留一个启用的管理员');
  });
});
