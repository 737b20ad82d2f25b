import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MerchantAccount } from '../../../src/composition/merchant-registry.js';
import { TOKENS } from '../../../src/composition/tokens.js';
import { MerchantUnavailableError } from '../../../src/application/ports/payment-gateways.js';
import { Money } from '../../../src/domain/money.js';
import { anOrder, settle } from '../../support/builders.js';
import { FakePaymentGateway } from '../../support/doubles/fake-payment-gateway.js';
import { consoleApp, postForm, type ConsoleApp, type ConsoleSession } from '../../support/console-app.js';
import type { FixtureOptions } from '../../support/test-container.js';

const NORTH: MerchantAccount = { id: 'north', name: '北区店', appId: 'wx2421b1c4370ec43b', mchId: '1900000109', apiVersion: 'v2' };

/**
 * The console selling through north alone, on a fake of north's WeChat account that tells the fixture's time, with an
 * admin signed in; `retiring` says how north is (to be) retired.
 */
async function northConsole(retiring: Pick<FixtureOptions, 'retired' | 'retiredInFile'>) {
  const clock = { now: () => app.f.clock.now() };
  const north = new FakePaymentGateway(clock, { appId: NORTH.appId, mchId: NORTH.mchId });
  const app = await consoleApp({ merchants: [{ account: NORTH, gateway: north }], sellingMerchant: 'north', ...retiring });
  const admin = await app.session('admin');
  return { app, north, admin };
}

/**
 * Issue 20: a merchant a reload of MERCHANTS_FILE removed is retired. Its orders are "still reconciled and refundable,
 * read-only in the console": every page shows them, marked, with no action offered, and every console action on one is
 * refused server-side, changing nothing; the use cases the admin API and reconciliation call still act on them.
 */
describe('console: a retired merchant’s orders are read-only', () => {
  let app: ConsoleApp;
  let north: FakePaymentGateway;
  let admin: ConsoleSession;
  let no = '';

  beforeAll(async () => {
    ({ app, north, admin } = await northConsole({ retired: [] }));
    const prepay = await app.f.requestPrepay.execute({ uid: app.f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
    if (!prepay.ok) throw new Error('prepay failed');
    no = prepay.value.outTradeNo;
    await app.f.handleNotify.execute(north.pay(no));
    const order = await app.f.orders.findByOutTradeNo(no);
    order?.flagForReview('paid twice', app.f.clock.now());
    if (order) await app.f.orders.update(order);
    app.f.retire(['north']);
  });
  afterAll(async () => app?.close());

  const get = async (path: string) => (await fetch(`${app.baseUrl}${path}`, { headers: { cookie: admin.cookie } })).text();

  it('shows the order with its shop by name and a visible mark, and offers no action on it', async () => {
    const page = await get(`/console/orders/${no}?lang=en`);
    expect(page).toContain('北区店 (north)');
    expect(page).toContain('retired merchant — read-only');
    expect(page).not.toContain(`action="/console/orders/${no}/refund"`);
    expect(page).not.toContain(`action="/console/orders/${no}/review"`);
    const zh = await get(`/console/orders/${no}?lang=zh`);
    expect(zh).toContain('已停用商户 — 只读');
    // Marked in every list that shows it; the review queue offers no resolution of it.
    expect(await get('/console/orders?lang=en')).toContain('retired merchant — read-only');
    const queue = await get('/console/reviews?lang=en');
    expect(queue).toContain(`/console/orders/${no}"`);
    expect(queue).toContain('retired merchant — read-only');
    expect(queue).not.toContain(`action="/console/orders/${no}/review"`);
  });

  it('refuses a refund and a review resolution server-side, saying why, and changes nothing', async () => {
    const before = JSON.stringify((await app.f.orders.findByOutTradeNo(no))?.state);
    const audited = app.f.audit.entries.length;
    const forms: Record<string, string>[] = [{}, { confirm: 'yes', amount_fen: '100', request_key: 'retired-refund-key-0001' }];
    for (const form of forms) {
      const refused = await postForm(app, `/console/orders/${no}/refund?lang=en`, admin, { _csrf: admin.csrf, ...form });
      expect(refused.status).toBe(409);
      expect(await refused.text()).toContain('This order belongs to 北区店 (north), a retired merchant: it is read-only in the console');
    }
    const resolved = await postForm(app, `/console/orders/${no}/review?lang=en`, admin, { _csrf: admin.csrf, note: 'checked' });
    expect(resolved.status).toBe(409);
    expect(await resolved.text()).toContain('a retired merchant: it is read-only in the console, and nothing was changed');
    expect(JSON.stringify((await app.f.orders.findByOutTradeNo(no))?.state)).toBe(before);
    // The confirmed refund was an attempt: audited as refused, as every refused refund is (the confirmation step asked
    // for nothing, and review resolutions are audited only when done).
    expect(app.f.audit.entries.slice(audited).map((e) => [e.action, e.subject, e.after, e.merchantId])).toEqual([
      ['refund.requested', no, { refused: { kind: 'MerchantRetired', merchant: 'north' } }, 'north'],
    ]);
    expect(await get(`/console/audit?lang=en`)).toContain('not done: retired merchant — read-only (north)');
    expect(north.calls).not.toContain('refund');
  });

  it('names the shops by name and id in the dashboard’s selector and on the Operators page', async () => {
    const dashboard = await get('/console?lang=en');
    expect(dashboard).toContain('<select name="shop">');
    expect(dashboard).toMatch(/<option value="north"\s*>北区店 \(north\)<\/option>/);
    expect(await get('/console/operators?lang=en')).toContain('北区店 (north)');
  });
  it('still refunds it through the use case the admin API calls, and reconciles it, with the retired merchant’s gateway', async () => {
    const refunded = await app.f.refundOrder.execute({ outTradeNo: no, amount: Money.ofFen(100), actor: 'admin-token' });
    expect(refunded.ok).toBe(true);
    expect(north.calls).toContain('refund');
    app.f.clock.advance(24 * 3_600_000);
    expect(await app.f.reconcileBill.execute()).toMatchObject({ payments: 1, matched: 1, unknown: [] });
    expect(north.calls).toContain('billedPayments');
  });
});

/**
 * The same read-only mark for a merchant the file marks `"retired": true`: retired from the start (after a restart on
 * such a file), not by a reload. Its order was taken before; the default mini-program still sells through it, so its
 * prepays are refused naming it.
 */
describe('console: a merchant the file marks "retired": true', () => {
  let app: ConsoleApp;
  let north: FakePaymentGateway;
  let admin: ConsoleSession;
  let no = '';

  beforeAll(async () => {
    ({ app, north, admin } = await northConsole({ retiredInFile: ['north'] }));
    const [program] = app.f.container.get(TOKENS.ConfiguredMiniPrograms);
    // Opened and paid at WeChat before the file marked north retired (the fake is north's WeChat account).
    const opened = anOrder({ merchantId: 'north', appId: program!.appId, status: 'CHECKED' });
    const outTradeNo = opened.state.outTradeNo.value;
    const payableUntil = new Date(app.f.clock.now().getTime() + 3_600_000);
    await north.createPrepay({ outTradeNo, description: 'x', amount: opened.state.cash, openid: 'o', clientIp: '127.0.0.1', payableUntil });
    const paid = north.pay(outTradeNo);
    const order = settle(opened, { transactionId: paid.transactionId, paidAt: app.f.clock.now(), refunded: false });
    await app.f.orders.insert(order);
    no = order.state.outTradeNo.value;
  });
  afterAll(async () => app?.close());

  const get = async (path: string) => (await fetch(`${app.baseUrl}${path}`, { headers: { cookie: admin.cookie } })).text();

  it('shows its order read-only, refuses a console refund, and shows it retired on the Merchants page', async () => {
    const page = await get(`/console/orders/${no}?lang=en`);
    expect(page).toContain('retired merchant — read-only');
    expect(page).not.toContain(`action="/console/orders/${no}/refund"`);
    const refused = await postForm(app, `/console/orders/${no}/refund?lang=en`, admin, { _csrf: admin.csrf });
    expect(refused.status).toBe(409);
    expect(await get('/console/merchants?lang=en')).toContain('retired (old orders only)');
  });

  it('refuses a new order for it, naming it; still refunds the old one through the use case the admin API calls', async () => {
    // Thrown, as a gateway that cannot be reached is: the HTTP layer answers 503 with this message.
    await expect(
      app.f.requestPrepay.execute({ uid: app.f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' }),
    ).rejects.toThrow(new MerchantUnavailableError('north', 'retired'));
    // Nor with coins alone (no WeChat call to refuse it): refused before an order is opened or a coin spent.
    const orders = app.f.orders.all().length;
    await expect(
      app.f.requestPrepay.execute({ uid: app.f.user.uid, goodsId: 3, paidType: 'INTEGRAL', clientIp: '203.0.113.7' }),
    ).rejects.toThrow(new MerchantUnavailableError('north', 'retired'));
    expect(app.f.orders.all()).toHaveLength(orders);
    expect(north.calls.filter((c) => c === 'createPrepay')).toHaveLength(1);
    const refunded = await app.f.refundOrder.execute({ outTradeNo: no, amount: Money.ofFen(100), actor: 'admin-token' });
    expect(refunded.ok).toBe(true);
    expect(north.calls).toContain('refund');
  });
});
