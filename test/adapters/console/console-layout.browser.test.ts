/**
 * Every console page fits a phone (issue 21 #7) as well as a desktop: Chromium opens each page, signed in with data on
 * every page (a paid order, a refunded one, goods, operators, a review item, reconciliation runs), at 390×844 (in
 * Chinese and in English, whose labels are longer) and at 1280×900. A page fails if the document scrolls sideways, if
 * a link or button of the top bar cannot be reached (out of the viewport once scrolled to, or covered by something
 * else), or if a form control sticks out of the screen.
 * Tables may be wider than a phone: they scroll inside their own box, which this test allows and nothing else.
 *
 * The pages are found by following the console's own links from the dashboard, so a page added later is measured too.
 */
import { SAMPLE_MERCHANT } from '../../../src/adapters/wechatpay/shared/sample-merchant.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Money } from '../../../src/domain/money.js';
import { shopsScope } from '../../../src/domain/shop-scope.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, describeIfChromium } from '../../support/browser.js';
import { consoleApp, type ConsoleApp, type ConsoleSession } from '../../support/console-app.js';
import type { MerchantAccount } from '../../../src/composition/merchant-registry.js';
import { anOrder } from '../../support/builders.js';
import { FakePaymentGateway } from '../../support/doubles/fake-payment-gateway.js';

const PHONE = { width: 390, height: 844 } as const;
const DESKTOP = { width: 1280, height: 900 } as const;
type Viewport = typeof PHONE | typeof DESKTOP;
/** English labels are longer: they are measured where room is short (a desktop has room for either). */
const RUNS: readonly (readonly [Viewport, 'zh' | 'en'])[] = [
  [PHONE, 'zh'],
  [PHONE, 'en'],
  [DESKTOP, 'zh'],
];

/** What is wrong with the page open in `page`, as sentences (none: it fits): measured in the page itself. */
const LAYOUT_PROBLEMS = readFileSync(resolve(import.meta.dirname, '../../support/layout-problems.browser.js'), 'utf8');
const layoutProblems = (page: Page): Promise<string[]> => page.evaluate(LAYOUT_PROBLEMS) as Promise<string[]>;

/** Same-origin console links on the page that show a page (not the language switch, not an action, not a download). */
function consoleLinks(page: Page): Promise<string[]> {
  return page.$$eval('a[href^="/console"]:not([download])', (anchors) => anchors.map((a) => a.getAttribute('href') ?? ''));
}

/** One page per template: order numbers and ids collapse, the query is dropped (the list's filters are one page). */
const shapeOf = (path: string): string =>
  path
    .split('?')[0]!
    .replace(/\/\d{28}(?=\/|$)/g, '/:outTradeNo')
    .replace(/\/\d+(?=\/|$)/g, '/:id');

const describeWithChromium = describeIfChromium();

describeWithChromium('console layout on a phone and a desktop (Chromium)', () => {
  let app: ConsoleApp;
  let admin: ConsoleSession;
  let twoShops: ConsoleSession;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let paidNo = '';
  let refundedNo = '';
  let retiredNo = ''; // an order of a merchant a reload retired: read-only, marked

  async function paid(): Promise<string> {
    const prepay = await app.f.requestPrepay.execute({ uid: app.f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
    if (!prepay.ok || prepay.value.kind !== 'payInClient') throw new Error('prepay failed');
    await app.f.handleNotify.execute(app.f.gateway.pay(prepay.value.outTradeNo));
    return prepay.value.outTradeNo;
  }

  beforeAll(async () => {
    // north, a merchant with a long display name, has a paid order; then a reload of the merchants file retires it.
    const north: MerchantAccount = {
      id: 'north',
      name: '北区旗舰店 North flagship store',
      appId: 'wx2421b1c4370ec43b',
      mchId: '1900000109',
      apiVersion: 'v2',
    };
    const gateway = new FakePaymentGateway({ now: () => app.f.clock.now() }, north);
    app = await consoleApp({ merchants: [{ account: north, gateway }], retired: [] });
    admin = await app.session('admin');
    await app.session('viewer'); // a second operator on the operators page
    // A shop operator of two shops: the dashboard's shop selector, and a shop operator's row on the operators page.
    twoShops = await app.session('viewer');
    await app.f.manageOperators.setShops(twoShops.name, shopsScope(['default', 'north']), 'cli');
    await app.f.goods.save({
      id: 4,
      appId: SAMPLE_MERCHANT.appId,
      name: '很长的商品名称 A rather long goods name',
      marketPrice: Money.ofFen(1_999_900),
      salePrice: Money.ofFen(1_000_000),
      integral: 300,
      online: true,
    });
    paidNo = await paid();
    refundedNo = await paid();
    const refunded = await app.f.refundOrder.execute({ outTradeNo: refundedNo, reason: '用户取消 cancelled', actor: 'operator:root' });
    if (!refunded.ok) throw new Error(refunded.error.kind);
    await app.f.handleRefundNotice.execute(app.f.gateway.settleRefund(refunded.value.outRefundNo));
    // An order that needs review.
    const flagged = await app.f.orders.findByOutTradeNo(paidNo);
    flagged?.flagForReview('paid after a newer order replaced it', app.f.clock.now());
    if (flagged) await app.f.orders.update(flagged);
    await app.f.ledger.grant(app.f.user.uid, 50, 'layout-test-grant', app.f.clock.now());
    const northOrder = anOrder({ uid: app.f.user.uid, merchantId: 'north', cash: Money.ofFen(4200), createdAt: app.f.clock.now() });
    await app.f.orders.insert(northOrder);
    northOrder.confirmPaid({ transactionId: '4200000000000000000000000042', amount: northOrder.state.cash, paidAt: app.f.clock.now() });
    northOrder.flagForReview('paid at a merchant since removed', app.f.clock.now());
    await app.f.orders.update(northOrder);
    retiredNo = northOrder.state.outTradeNo.value;
    app.f.retire(['north']);
    const at = app.f.clock.now();
    await app.f.reconcileRuns.record({
      kind: 'bill',
      startedAt: at,
      finishedAt: at,
      succeeded: true,
      billDate: '20260114',
      problems: 1,
      summary: {
        available: true,
        payments: 3,
        matched: 2,
        repaired: [],
        unknown: [paidNo],
        unknownPayments: [{ merchantId: 'north', outTradeNo: paidNo }],
        mismatched: [],
        discrepancies: [`${paidNo}: amount 9900 ≠ 9800`],
      },
    });
    await app.f.reconcileRuns.record({
      kind: 'pending',
      startedAt: at,
      finishedAt: at,
      succeeded: false,
      problems: 1,
      summary: { error: 'WeChat Pay unreachable: connect ECONNREFUSED 127.0.0.1:1' },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
  });

  async function openAs(viewport: Viewport, lang: 'zh' | 'en', session?: ConsoleSession): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: lang === 'zh' ? 'zh-CN' : 'en-US' });
    contexts.push(context);
    const cookies: { name: string; value: string; url: string }[] = [{ name: 'wxpay_console_lang', value: lang, url: app.baseUrl }];
    if (session) cookies.push({ name: 'wxpay_console', value: session.cookie.split('=')[1] ?? '', url: app.baseUrl });
    await context.addCookies(cookies);
    return context.newPage();
  }

  /** Every page reached from the dashboard by links (one per template), plus the orders and forms links do not reach. */
  async function measureAll(page: Page): Promise<Record<string, string[]>> {
    const found: Record<string, string[]> = {};
    const seen = new Set<string>();
    const queue = [
      '/console',
      `/console/orders/${paidNo}`,
      `/console/orders/${refundedNo}`,
      `/console/orders/${retiredNo}`,
      `/console/users/${app.f.user.uid}`,
      '/console/no-such-page',
    ];
    while (queue.length) {
      const path = queue.shift()!;
      const key = /\/orders\/\d{28}$/.test(path) ? path : shapeOf(path); // the paid, the refunded and the retired order
      if (seen.has(key)) continue;
      seen.add(key);
      await page.goto(`${app.baseUrl}${path}`);
      found[path] = await layoutProblems(page);
      // Not the language switch, and not a file (a CSV export downloads, it is no page).
      for (const link of await consoleLinks(page)) if (!link.includes('lang=') && !/\.\w+(?:\?|$)/.test(link)) queue.push(link);
    }
    // A form's answer: the refund's confirmation step.
    await page.goto(`${app.baseUrl}/console/orders/${paidNo}`);
    await page.fill('input[name=amount]', '1.00');
    await page.click('#refund');
    await page.waitForSelector('#confirm-refund');
    found['refund confirmation'] = await layoutProblems(page);
    return found;
  }

  for (const [viewport, lang] of RUNS) {
    it(`every page fits ${viewport.width}×${viewport.height} (${lang})`, async () => {
      const page = await openAs(viewport, lang, admin);
      const found = await measureAll(page);
      // The crawl reached the pages it should (a broken link walk would measure nothing and pass).
      const shapes = Object.keys(found).map(shapeOf);
      for (const expected of [
        '/console',
        '/console/orders',
        '/console/orders/:outTradeNo',
        '/console/reviews',
        '/console/goods',
        '/console/goods/:id',
        '/console/users',
        '/console/users/:id',
        '/console/reconciliation',
        '/console/operators',
        '/console/refunds',
        '/console/audit',
      ]) {
        expect(shapes).toContain(expected);
      }
      expect(Object.fromEntries(Object.entries(found).filter(([, problems]) => problems.length))).toEqual({});
      // The retired merchant's order was measured with its mark and shop name, and without a form.
      expect(found[`/console/orders/${retiredNo}`]).toEqual([]);
      await page.goto(`${app.baseUrl}/console/orders/${retiredNo}`);
      expect(await page.locator('.badge.retired').count()).toBe(1);
      expect(await page.locator('main form').count()).toBe(0);
      expect(await page.locator('main').innerText()).toContain('北区旗舰店 North flagship store (north)');

      const shopOperator = await openAs(viewport, lang, twoShops);
      await shopOperator.goto(`${app.baseUrl}/console?shop=north`);
      expect(await shopOperator.locator('select[name=shop]').count()).toBe(1);
      expect(await layoutProblems(shopOperator)).toEqual([]);

      const signedOut = await openAs(viewport, lang);
      await signedOut.goto(`${app.baseUrl}/console/login`);
      expect(await layoutProblems(signedOut)).toEqual([]);
    });
  }
});
