import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MikroOrderRepository } from '../../../src/adapters/persistence/mikro-order-repository.js';
import { migrate, openOrm, type SqlOrm } from '../../../src/adapters/persistence/orm.js';
import type { OrderRepository } from '../../../src/application/ports/order-repository.js';
import { Money } from '../../../src/domain/money.js';
import type { Order } from '../../../src/domain/order.js';
import type { OperatorRole } from '../../../src/domain/operator-role.js';
import { PLATFORM, shopsScope, type ShopScope } from '../../../src/domain/shop-scope.js';
import { aGoods, anOrder } from '../../support/builders.js';
import { consoleApp, CONSOLE_PASSWORD, postForm, type ConsoleApp, type ConsoleSession } from '../../support/console-app.js';
import { scratchSqlite, type ScratchDatabase } from '../../support/databases.js';

let serial = 0;

/** An operator of `role` holding `shops`, signed in: the scope is set before the session, as an admin would. */
async function operatorOf(app: ConsoleApp, role: OperatorRole, shops: ShopScope): Promise<ConsoleSession> {
  const name = `shop-${role}-${++serial}`;
  const added = await app.f.manageOperators.add({ name, role, password: CONSOLE_PASSWORD }, 'cli');
  if (!added.ok) throw new Error(added.error.kind);
  const scoped = await app.f.manageOperators.setShops(name, shops, 'cli');
  if (!scoped.ok) throw new Error(scoped.error.kind);
  const signed = await app.f.signIn.execute({ name, password: CONSOLE_PASSWORD, ip: '127.0.0.1' });
  if (!signed.result.ok) throw new Error(signed.result.error.kind);
  return { name, cookie: `wxpay_console=${signed.result.value.token}`, csrf: signed.result.value.csrfToken };
}

const get = (app: ConsoleApp, path: string, s: ConsoleSession) =>
  fetch(`${app.baseUrl}${path}`, { headers: { cookie: s.cookie }, redirect: 'manual' });

/** A link to the order's page, or a CSV row naming it: what would show the order to whoever reads the answer. */
const shows = (body: string, no: string): boolean =>
  body.includes(`/console/orders/${no}"`) || body.includes(`,${no},`) || body.includes(`\n${no},`);

/** A paid order of `merchantId` written straight into `orders` (the fixture's gateway serves the default merchant only). */
async function paidOrderOf(orders: OrderRepository, merchantId: string, uid: number, at: Date): Promise<Order> {
  const order = anOrder({ uid, merchantId, cash: Money.ofFen(4200), createdAt: at, updatedAt: at });
  expect(await orders.insert(order)).toBe('inserted');
  expect(order.confirmPaid({ transactionId: `4200${merchantId}${uid}`.slice(0, 28), amount: order.state.cash, paidAt: at }).ok).toBe(true);
  expect(await orders.update(order)).toBe('updated');
  return order;
}

/**
 * Issue 20's attack: an operator of shop `north` opens the default shop's order, refund, review, export and audit lines
 * by URL and by search. Every answer is "not found" or empty, exactly as for a number nobody used; a platform operator
 * sees everything as before.
 */
describe('console: a shop operator sees and acts on their shops only', () => {
  let app: ConsoleApp;
  let north: ConsoleSession;
  let platform: ConsoleSession;
  let theirs = ''; // the default shop's order: paid, partly refunded, flagged for review
  let ours = ''; // north's own paid order

  beforeAll(async () => {
    app = await consoleApp();
    platform = await app.session('admin');
    north = await operatorOf(app, 'admin', shopsScope(['north']));
    const prepay = await app.f.requestPrepay.execute({ uid: app.f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
    if (!prepay.ok) throw new Error('prepay failed');
    theirs = prepay.value.outTradeNo;
    await app.f.handleNotify.execute(app.f.gateway.pay(theirs));
    const refunded = await app.f.refundOrder.execute({ outTradeNo: theirs, amount: Money.ofFen(100), actor: 'operator:root' });
    if (!refunded.ok) throw new Error(refunded.error.kind);
    const flagged = await app.f.orders.findByOutTradeNo(theirs);
    flagged?.flagForReview('paid twice', app.f.clock.now());
    if (flagged) await app.f.orders.update(flagged);
    ours = (await paidOrderOf(app.f.orders, 'north', 777, app.f.clock.now())).state.outTradeNo.value;
  });
  afterAll(async () => app?.close());

  it("answers another shop's order by URL exactly as a number nobody used", async () => {
    const unused = '20260115120000000299999999999'.slice(0, 28);
    const [opened, missing] = await Promise.all([
      get(app, `/console/orders/${theirs}`, north),
      get(app, `/console/orders/${unused}`, north),
    ]);
    expect(opened.status).toBe(404);
    expect(missing.status).toBe(404);
    expect((await opened.text()).replaceAll(theirs, 'N')).toBe((await missing.text()).replaceAll(unused, 'N'));
    expect((await get(app, `/console/orders/${ours}`, north)).status).toBe(200);
    expect((await get(app, `/console/orders/${theirs}`, platform)).status).toBe(200);
  });

  it("refuses to refund or resolve another shop's order as not found, changing nothing", async () => {
    const before = (await app.f.orders.findByOutTradeNo(theirs))?.state;
    const asked = await postForm(app, `/console/orders/${theirs}/refund`, north, { _csrf: north.csrf, amount: '1.00' });
    expect(asked.status).toBe(404);
    const confirmed = await postForm(app, `/console/orders/${theirs}/refund`, north, {
      _csrf: north.csrf,
      amount_fen: '100',
      request_key: 'attacker-key-0001',
      confirm: 'yes',
    });
    expect(confirmed.status).toBe(404);
    const resolved = await postForm(app, `/console/orders/${theirs}/review`, north, { _csrf: north.csrf, note: 'mine now' });
    expect(resolved.status).toBe(404);
    expect(await resolved.text()).not.toContain('paid twice');
    const after = (await app.f.orders.findByOutTradeNo(theirs))?.state;
    expect(after?.refunds).toEqual(before?.refunds);
    expect(after?.review).toEqual(before?.review);
  });

  it("lists, searches and exports none of another shop's orders or refunds", async () => {
    for (const path of [
      '/console/orders',
      `/console/orders?out_trade_no=${theirs}`,
      `/console/orders?out_trade_no=${theirs.slice(-10)}`,
      '/console/orders?openid=openid-alice',
      `/console/orders?uid=${app.f.user.uid}`,
      '/console/refunds',
      '/console/reviews',
      '/console/export/orders.csv',
      `/console/export/orders.csv?out_trade_no=${theirs}`,
      '/console/export/refunds.csv',
    ]) {
      const answer = await get(app, path, north);
      expect(answer.status, path).toBe(200);
      expect(shows(await answer.text(), theirs), path).toBe(false);
      expect(shows(await (await get(app, path, platform)).text(), theirs), `${path} (platform)`).toBe(true);
    }
    expect(shows(await (await get(app, '/console/orders', north)).text(), ours)).toBe(true);
    expect(shows(await (await get(app, '/console/export/orders.csv', north)).text(), ours)).toBe(true);
  });

  it("shows none of another shop's audit lines, by page or by subject", async () => {
    for (const path of ['/console/audit', `/console/audit?subject=${theirs}`]) {
      const body = await (await get(app, path, north)).text();
      expect(shows(body, theirs), path).toBe(false);
      expect(body, path).not.toContain('<tr class="audit">');
      expect(shows(await (await get(app, path, platform)).text(), theirs), path).toBe(true);
    }
  });

  it("keeps another shop's users, coins and goods out of reach (the default mini-program's, so the default shop's)", async () => {
    const uid = app.f.user.uid;
    expect((await get(app, `/console/users/${uid}`, north)).status).toBe(404);
    expect(await (await get(app, '/console/users', north)).text()).not.toContain(`/console/users/${uid}"`);
    const granted = await postForm(app, `/console/users/${uid}/grant`, north, {
      _csrf: north.csrf,
      amount: '5',
      grant_id: 'g-attack-1',
      reason: 'x',
    });
    expect(granted.status).toBe(404);
    expect(await app.f.ledger.balanceOf(uid)).toBe(0);
    expect((await get(app, '/console/goods/3', north)).status).toBe(404);
    expect(await (await get(app, '/console/goods', north)).text()).not.toContain('Yoga course');
    const edited = await postForm(app, '/console/goods/3/online', north, { _csrf: north.csrf, online: '0', confirm: 'yes' });
    expect(edited.status).toBe(404);
    expect((await app.f.goods.findById(3))?.online).toBe(true);
    expect((await get(app, `/console/users/${uid}`, platform)).status).toBe(200);
  });

  it("leaves the platform's pages (reconciliation runs over every merchant, operators) to platform operators", async () => {
    for (const path of ['/console/reconciliation', '/console/export/reconciliation.csv', '/console/operators']) {
      const refused = await get(app, path, north);
      expect(refused.status, path).toBe(403);
      expect(await refused.text(), path).toContain('仅限平台操作员');
      expect((await get(app, path, platform)).status, path).toBe(200);
    }
    const nav = await (await get(app, '/console', north)).text();
    expect(nav).not.toContain('href="/console/reconciliation"');
    expect(nav).not.toContain('href="/console/operators"');
    expect((await postForm(app, '/console/reconciliation/bill', north, { _csrf: north.csrf, date: '2026-01-14' })).status).toBe(403);
    const escalate = await postForm(app, `/console/operators/${north.name}/shops`, north, { _csrf: north.csrf, all: '1' });
    expect(escalate.status).toBe(403);
    expect((await app.f.manageOperators.listWithShops()).find((o) => o.operator.name === north.name)?.shops).toEqual(shopsScope(['north']));
  });

  it('shows the dashboard of one shop or of all those held, never of a shop not held', async () => {
    const two = await operatorOf(app, 'viewer', shopsScope(['default', 'north']));
    const all = await (await get(app, '/console', two)).text();
    expect(all).toContain('<select name="shop">');
    expect((await get(app, '/console?shop=north', two)).status).toBe(200);
    expect((await get(app, '/console?shop=default', two)).status).toBe(200);
    expect((await get(app, '/console?shop=east', two)).status).toBe(404);
    expect((await get(app, '/console?shop=default', north)).status).toBe(404);
    // The dashboard's links carry the shop it shows; the orders page narrows to it, within the shops held.
    expect(await (await get(app, '/console?shop=north', two)).text()).toContain('href="/console/orders?status=CHECKED&amp;shop=north"');
    const northOnly = await (await get(app, '/console/orders?shop=north', two)).text();
    expect([shows(northOnly, ours), shows(northOnly, theirs)]).toEqual([true, false]);
    expect(shows(await (await get(app, '/console/orders?shop=default', north)).text(), theirs)).toBe(false);
    expect(shows(await (await get(app, '/console/export/orders.csv?shop=default', north)).text(), theirs)).toBe(false);
    expect((await get(app, '/console/orders?shop=Bad!', two)).status).toBe(400);
    // One shop held: no selector, the shop's own figures (its one paid order of ¥42.00, none of the default shop's).
    const own = await (await get(app, '/console', north)).text();
    expect(own).not.toContain('<select name="shop">');
    expect(own).toContain('¥42.00');
    expect(own).not.toContain('¥99.00');
  });

  it('lets an admin grant and take away shops on the Operators page, audited', async () => {
    const viewer = await app.session('viewer');
    const set = (form: Record<string, string | string[]>) => {
      const body = new URLSearchParams({ _csrf: platform.csrf });
      for (const [k, v] of Object.entries(form)) for (const one of ([] as string[]).concat(v)) body.append(k, one);
      return fetch(`${app.baseUrl}/console/operators/${viewer.name}/shops`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.baseUrl, cookie: platform.cookie },
        body: body.toString(),
      });
    };
    expect((await set({ shop: ['north', 'east'] })).status).toBe(303);
    const scopeOf = async () => (await app.f.manageOperators.listWithShops()).find((o) => o.operator.name === viewer.name)?.shops;
    expect(await scopeOf()).toEqual(shopsScope(['east', 'north']));
    // Held from the very next request: the viewer no longer sees the default shop's order.
    expect((await get(app, `/console/orders/${theirs}`, viewer)).status).toBe(404);
    expect((await set({ shop: 'Bad Id!' })).status).toBe(400);
    expect((await set({ all: '1' })).status).toBe(303);
    expect(await scopeOf()).toEqual(PLATFORM);
    expect((await get(app, `/console/orders/${theirs}`, viewer)).status).toBe(200);
    const lines = app.f.audit.entries.filter((e) => e.subject === `operator:${viewer.name}` && e.action === 'operator.shops-changed');
    expect(lines.map((e) => [e.before, e.after, e.merchantId])).toEqual([
      [{ shops: 'all' }, { shops: 'east,north' }, undefined],
      [{ shops: 'east,north' }, { shops: 'all' }, undefined],
    ]);
    const page = await (await get(app, '/console/operators', platform)).text();
    expect(page).toContain(`action="/console/operators/${viewer.name}/shops"`);
  });
});

/** The same list, search and export queries on a real database (SQLite) under the console. */
describe('console: a shop operator on a real database', () => {
  let db: ScratchDatabase;
  let orm: SqlOrm;
  let app: ConsoleApp;
  let north: ConsoleSession;
  let platform: ConsoleSession;
  let theirs = '';
  let ours = '';
  beforeAll(async () => {
    db = await scratchSqlite('shops');
    orm = await openOrm(db.url);
    await migrate(orm);
    const orders = new MikroOrderRepository(orm);
    const at = new Date(Date.UTC(2026, 0, 15, 4, 0, 0));
    theirs = (await paidOrderOf(orders, 'default', 11, at)).state.outTradeNo.value;
    ours = (await paidOrderOf(orders, 'north', 12, at)).state.outTradeNo.value;
    app = await consoleApp({ orders });
    platform = await app.session('viewer');
    north = await operatorOf(app, 'viewer', shopsScope(['north']));
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await orm?.close();
    await db?.drop();
  });

  it("lists, searches and exports only the shop's own orders", async () => {
    for (const path of [
      '/console/orders',
      `/console/orders?out_trade_no=${theirs}`,
      '/console/export/orders.csv',
      `/console/orders?uid=11`,
    ]) {
      const body = await (await get(app, path, north)).text();
      expect(shows(body, theirs), path).toBe(false);
      expect(shows(await (await get(app, path, platform)).text(), theirs), `${path} (platform)`).toBe(true);
    }
    expect(shows(await (await get(app, '/console/orders', north)).text(), ours)).toBe(true);
    expect(shows(await (await get(app, `/console/export/orders.csv?out_trade_no=${ours}`, north)).text(), ours)).toBe(true);
  });
});

/** Goods, users and coins are a shop's through their mini-program: a second mini-program selling through `north`. */
describe("console: goods, users and coins by their mini-program's shop", () => {
  const NORTH_APP = 'wx2222222222222222';
  let app: ConsoleApp;
  let north: ConsoleSession;
  let platform: ConsoleSession;
  let northUid = 0;
  beforeAll(async () => {
    app = await consoleApp({ miniPrograms: [{ appId: NORTH_APP, name: 'North mall', merchantId: 'north' }] });
    platform = await app.session('admin');
    north = await operatorOf(app, 'admin', shopsScope(['north']));
    await app.f.goods.save({ ...aGoods({ id: 8, name: 'North tea' }), appId: NORTH_APP });
    northUid = (await app.f.users.findOrCreate('openid-bob', undefined, NORTH_APP)).uid;
  });
  afterAll(async () => app?.close());

  it("shows and changes only the goods of the shop's mini-programs", async () => {
    const listed = await (await get(app, '/console/goods', north)).text();
    expect(listed).toContain('North tea');
    expect(listed).not.toContain('Yoga course');
    expect((await get(app, '/console/goods/8', north)).status).toBe(200);
    expect((await get(app, '/console/goods/3', north)).status).toBe(404);
    const offline = await postForm(app, '/console/goods/8/online', north, { _csrf: north.csrf, online: '0', confirm: 'yes' });
    expect(offline.status).toBe(303);
    expect((await app.f.goods.findById(8))?.online).toBe(false);
    expect(app.f.audit.entries.filter((e) => e.subject === 'goods:8').map((e) => e.merchantId)).toEqual(['north']);
    const both = await (await get(app, '/console/goods', platform)).text();
    expect(both).toContain('North tea');
    expect(both).toContain('Yoga course');
  });

  it("shows and grants coins to only the users of the shop's mini-programs", async () => {
    const listed = await (await get(app, '/console/users', north)).text();
    expect(listed).toContain(`/console/users/${northUid}"`);
    expect(listed).not.toContain(`/console/users/${app.f.user.uid}"`);
    expect((await get(app, `/console/users/${northUid}`, north)).status).toBe(200);
    expect((await get(app, `/console/users/${app.f.user.uid}`, north)).status).toBe(404);
    const grant = (uid: number, id: string) =>
      postForm(app, `/console/users/${uid}/grant`, north, { _csrf: north.csrf, amount: '5', grant_id: id, reason: 'welcome' });
    expect((await grant(northUid, 'g-north-1')).status).toBe(303);
    expect((await grant(app.f.user.uid, 'g-north-2')).status).toBe(404);
    expect(await app.f.ledger.balanceOf(northUid)).toBe(5);
    expect(await app.f.ledger.balanceOf(app.f.user.uid)).toBe(0);
    expect(app.f.audit.entries.filter((e) => e.action === 'coins.granted').map((e) => [e.subject, e.merchantId])).toEqual([
      [`user:${northUid}`, 'north'],
    ]);
  });

  it("pages a shop operator's users in the query: every page full of their own, and a next page only when there is one", async () => {
    // 55 more of north's users, each followed by one of the default shop's: filtering a page after reading it would
    // leave half of every page empty.
    const made = [northUid];
    for (let i = 0; i < 55; i++) {
      made.push((await app.f.users.findOrCreate(`openid-north-${i}`, undefined, NORTH_APP)).uid);
      await app.f.users.findOrCreate(`openid-default-${i}`);
    }
    const uids = (body: string) => [...body.matchAll(/href="\/console\/users\/(\d+)"/g)].map((m) => Number(m[1]));
    const first = await (await get(app, '/console/users', north)).text();
    const second = await (await get(app, '/console/users?page=2', north)).text();
    const newestFirst = [...made].reverse();
    expect(uids(first)).toEqual(newestFirst.slice(0, 50));
    expect(first).toContain('href="/console/users?page=2"');
    expect(uids(second)).toEqual(newestFirst.slice(50));
    expect(second).not.toContain('href="/console/users?page=3"');
  });
});
