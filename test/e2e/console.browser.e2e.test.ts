/**
 * The operator console in a real browser (issue 14, part 1): headless Chromium drives the running service, started as
 * its own process, with operators created by `npm run operator`. Screenshots of each page go to
 * .test-results/console/ for people to look at.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, describeIfChromium } from '../support/browser.js';
import { ensureBillsOut } from '../support/bill-clock.js';
import { MiniProgramUser, postJson, type Envelope, type PaymentParams } from '../support/mini-program.js';
import { operatorCli } from '../support/operator-cli.js';
import { startService, tempSqliteUrl, type ServiceProcess } from '../support/service-process.js';
import { until } from '../support/service-ops.js';

const ADMIN_TOKEN = 'console-e2e-admin-token-0123456789';
const SHOTS = resolve(import.meta.dirname, '..', '..', '.test-results', 'console');
const PASSWORDS = { root: 'root-password-0001', olivia: 'olivia-password-01', victor: 'victor-password-01' } as const;
type Name = keyof typeof PASSWORDS;

const describeWithChromium = describeIfChromium();

describeWithChromium('operator console in Chromium', () => {
  let service: ServiceProcess;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let alice: MiniProgramUser;
  let bob: MiniProgramUser;
  let refundable = ''; // goods 2, ¥19.00, paid
  let flagged = ''; // paid after a newer order replaced it: needs review

  const api = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${service.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Envelope<T> };
  };
  const paid = async (user: MiniProgramUser, goodsId: number): Promise<string> => {
    const params = await user.prepay(goodsId);
    await user.pay(params);
    await user.waitForStatus(params.outTradeNo, 'SUCC');
    return params.outTradeNo;
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  /** A fresh browser profile signed in as `name` (or not signed in at all). */
  async function signedIn(name?: Name): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('dialog', (d) => {
      throw new Error(`a dialog opened (script ran?): ${d.message()}`);
    });
    await page.goto(`${service.baseUrl}/console`);
    if (name) {
      await page.fill('input[name=name]', name);
      await page.fill('input[name=password]', PASSWORDS[name]);
      await page.click('button[type=submit]');
      await page.waitForURL(`${service.baseUrl}/console`);
    }
    return page;
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const databaseUrl = tempSqliteUrl();
    service = await startService({ DATABASE_URL: databaseUrl, ADMIN_TOKEN, SANDBOX_TIME_SCALE: '0.001', RECONCILE_INTERVAL_MS: '1000' });
    for (const [name, role] of [
      ['root', 'admin'],
      ['olivia', 'operator'],
      ['victor', 'viewer'],
    ] as const) {
      const run = await operatorCli(databaseUrl, ['add', name, '--role', role], `${PASSWORDS[name]}\n`);
      expect(run, run.stderr).toMatchObject({ code: 0 });
    }

    // The end-to-end flow the pages show: paid orders, a price change, an order paid after it was replaced.
    alice = await new MiniProgramUser(service.baseUrl).login();
    bob = await new MiniProgramUser(service.baseUrl).login();
    refundable = await paid(alice, 2);
    await paid(alice, 1);
    await paid(bob, 2);
    const old: PaymentParams = await bob.prepay(3);
    const meditation = { name: '冥想课 Meditation', market_price: 200, sale_price: 0, integral: 5, online: true };
    expect((await api('PUT', '/admin/goods/3', meditation)).status).toBe(200);
    await bob.prepay(3); // the price changed: a new order replaces the old one, which stays unpaid here
    await bob.pay(old); // ... but the user pays the old one anyway
    flagged = old.outTradeNo;
    await until(
      async () => (await api<{ needsReview: boolean }>('GET', `/admin/orders/${flagged}`)).body.data.needsReview,
      (v) => v,
    );
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await service?.stop();
  });

  it('is announced by the walk-through npm start prints', () => {
    const printed = service.output.join('\n');
    expect(printed).toContain('npm run operator -- add admin --role admin');
    expect(printed).toContain(`${service.baseUrl}/console`);
  });

  it('signs in: a wrong password is refused, the right one opens the dashboard', async () => {
    const page = await signedIn();
    expect(page.url()).toContain('/console/login');
    await shot(page, '01-login');
    await page.fill('input[name=name]', 'olivia');
    await page.fill('input[name=password]', 'not her password');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('.flash.error')).toContain('用户名或密码错误');
    await page.fill('input[name=password]', PASSWORDS.olivia);
    await page.click('button[type=submit]');
    await page.waitForURL(`${service.baseUrl}/console`);
    expect(await page.textContent('header')).toContain('olivia');
    expect(await page.locator('svg.chart rect.bar').count()).toBe(30);
    const tiles = await page.locator('.tile .value').allTextContents();
    expect(tiles).toContain('¥138.00'); // 19 + 99 + 19 + 1 (the order paid after it was replaced)
    await shot(page, '02-dashboard');
  });

  it('searches orders by user and status', async () => {
    const page = await signedIn('olivia');
    await page.click('nav >> text=订单');
    await page.fill('input[name=uid]', String(alice.uid));
    await page.selectOption('select[name=status]', 'SUCC');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/uid=/);
    const numbers = await page.locator('tbody td.mono a').allTextContents();
    expect(numbers).toHaveLength(2);
    expect(numbers).toContain(refundable);
    await shot(page, '03-orders');
  });

  it('opens an order and refunds part of it after a confirmation; the refund settles', async () => {
    const page = await signedIn('olivia');
    await page.goto(`${service.baseUrl}/console/orders?uid=${alice.uid}`);
    await page.click(`a:text("${refundable}")`);
    expect(await page.textContent('main')).toContain('¥19.00');
    await shot(page, '04-order');
    await page.fill('input[name=amount]', '5.00');
    await page.fill('input[name=reason]', '部分退款 partial');
    await page.click('#refund');
    expect(await page.textContent('main')).toContain('¥5.00');
    await shot(page, '05-refund-confirm');
    await page.click('#confirm-refund');
    await expect.poll(() => page.textContent('.flash.done')).toBeTruthy();
    await until(
      async () => {
        await page.reload();
        return { main: await page.textContent('main'), refund: await page.locator('#refunds .badge').first().textContent() };
      },
      ({ main, refund }) => main?.includes('已退款金额') === true && main.includes('¥14.00') && refund === '已退款',
      15_000,
      300,
    );
    await shot(page, '06-order-refunded');
    const order = await api<{ refundedMoney: number; audit: { action: string; actor: string }[] }>('GET', `/admin/orders/${refundable}`);
    expect(order.body.data.refundedMoney).toBe(500);
    expect(order.body.data.audit).toContainEqual(expect.objectContaining({ action: 'refund.requested', actor: 'operator:olivia' }));
  }, 60_000);

  it('resolves a review with a note', async () => {
    const page = await signedIn('olivia');
    await page.click('nav >> text=待复核');
    expect(await page.textContent('main')).toContain(flagged);
    await shot(page, '07-reviews');
    await page.fill('input[name=note]', '已联系用户，按新价补差 contacted the user');
    await page.click('main form button[type=submit]');
    await expect.poll(() => page.textContent('.flash.done')).toBeTruthy();
    expect(await page.textContent('main')).toContain('没有待复核的订单');
    const order = await api<{ needsReview: boolean; audit: { action: string; actor: string; note: string }[] }>(
      'GET',
      `/admin/orders/${flagged}`,
    );
    expect(order.body.data.needsReview).toBe(false);
    expect(order.body.data.audit).toContainEqual(expect.objectContaining({ action: 'review.resolved', actor: 'operator:olivia' }));
  });

  it('lets an admin create goods (a hostile name stays text) and take goods offline', async () => {
    const page = await signedIn('root');
    await page.click('nav >> text=商品');
    const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    await page.fill('form.stack input[name=name]', hostile);
    await page.fill('form.stack input[name=market_price]', '30');
    await page.fill('form.stack input[name=sale_price]', '20.00');
    await page.click('form.stack button[type=submit]');
    await expect.poll(() => page.textContent('.flash.done')).toBeTruthy();
    expect(await page.locator('main table').textContent()).toContain(hostile);
    expect(await page.locator('main table img, main table script').count()).toBe(0);

    await page.click('#goods-1-toggle');
    await page.click('#confirm-offline'); // going offline stops sales: the console asks first
    await expect.poll(() => page.textContent('.flash.done')).toBeTruthy();
    expect(await page.locator('#goods-1-toggle').textContent()).toContain('上架');
    await shot(page, '08-goods');
    expect((await fetch(`${service.baseUrl}/goods/1`)).status).toBe(404);
    const audit = await api<{ action: string; actor: string; after: { online: boolean } }[]>('GET', '/admin/audit?subject=goods:1');
    expect(audit.body.data[0]).toMatchObject({ action: 'goods.updated', actor: 'operator:root', after: { online: false } });
  });

  it('grants coins to a user', async () => {
    const page = await signedIn('olivia');
    await page.click('nav >> text=用户与健康币');
    await shot(page, '09-users');
    await page.click(`a:text-is("${bob.uid}")`);
    await page.fill('input[name=amount]', '50');
    await page.fill('input[name=reason]', '新用户礼包');
    await page.click('#grant');
    await expect.poll(() => page.textContent('.flash.done')).toBeTruthy();
    expect(await page.textContent('#balance')).toBe('50');
    expect(await page.textContent('main')).toContain('新用户礼包'); // the reason, in the coin history
    await shot(page, '10-user');
    const balance = await fetch(`${service.baseUrl}/wechat/integral`, { headers: { authorization: `Bearer ${bob.token}` } });
    expect(((await balance.json()) as Envelope<{ balance: number }>).data.balance).toBe(50);
  });

  it("reconciles the day's trade bill the next morning, and shows the periodic runs", async () => {
    const day = refundable.slice(0, 8);
    // The service and its simulator share one clock: a day later every session has ended, so sign in after.
    await postJson(`${service.baseUrl}/sandbox/wxpay/control/clock`, { advanceMs: 24 * 3_600_000 });
    await ensureBillsOut(`${service.baseUrl}/sandbox/wxpay/control`, day);
    const page = await signedIn('olivia');
    await page.click('nav >> text=对账');
    await page.fill('input[name=date]', `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`);
    await page.click('main form button[type=submit]');
    await expect.poll(() => page.textContent('.flash.done')).toBeTruthy();
    const bills = await page.locator('main table').first().textContent();
    expect(bills).toContain(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`);
    expect(await page.locator('main table').nth(1).locator('tbody tr').count()).toBeGreaterThan(0);
    await shot(page, '11-reconciliation');
  });

  it('shows the operators page to admins only', async () => {
    const admin = await signedIn('root');
    await admin.click('nav >> text=操作员');
    expect(await admin.locator('main table').first().textContent()).toContain('victor');
    await shot(admin, '12-operators');
    const operator = await signedIn('olivia');
    expect(await operator.locator('nav >> text=操作员').count()).toBe(0);
    const res = await operator.goto(`${service.baseUrl}/console/operators`);
    expect(res?.status()).toBe(403);
  });

  it('lets a viewer read an order but not refund it: no button, and the POST is refused', async () => {
    const page = await signedIn('victor');
    await page.goto(`${service.baseUrl}/console/orders/${refundable}`);
    expect(await page.textContent('main')).toContain(refundable);
    expect(await page.locator('#refund').count()).toBe(0);
    expect(await page.locator('form[action$="/refund"]').count()).toBe(0);
    await shot(page, '13-viewer-order');
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    const refused = await page.request.post(`${service.baseUrl}/console/orders/${refundable}/refund`, {
      form: { _csrf: csrf, amount_fen: '100', confirm: 'yes', request_key: 'viewer-try' },
      maxRedirects: 0,
    });
    expect(refused.status()).toBe(403);
    expect(await refused.text()).toContain('你的角色无权执行此操作');
    const order = await api<{ refunds: unknown[] }>('GET', `/admin/orders/${refundable}`);
    expect(order.body.data.refunds).toHaveLength(1);
  });

  it('switches to English, and signing out ends the session for good', async () => {
    const page = await signedIn('victor');
    await page.click('header >> text=English');
    expect(await page.textContent('nav')).toContain('Dashboard');
    await page.goto(`${service.baseUrl}/console/orders`);
    expect(await page.textContent('h1')).toBe('Orders');
    const cookies = await page.context().cookies();
    await page.click('header button:text("Sign out")');
    await page.waitForURL(/\/console\/login/);
    // The old cookie, replayed, opens nothing: the session was revoked in the database.
    const replay = await fetch(`${service.baseUrl}/console`, {
      headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') },
      redirect: 'manual',
    });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toContain('/console/login');
  });
});
