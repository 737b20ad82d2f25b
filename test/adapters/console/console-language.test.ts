import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleApp, postForm, type ConsoleApp, type ConsoleSession } from '../../support/console-app.js';

const decode = (s: string): string =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"');
const backOf = (page: string): string => decode(/name="_back" value="([^"]*)"/.exec(page)?.[1] ?? '');
const switchOf = (page: string): string => decode(/href="([^"]*)" id="switch-lang"/.exec(page)?.[1] ?? '');

/** The 中文/English switch on every page, including those a form's answer shows (issue 21 #8). */
describe('console language switch', () => {
  let app: ConsoleApp;
  let admin: ConsoleSession;
  beforeAll(async () => {
    app = await consoleApp();
    admin = await app.session('admin');
  });
  afterAll(async () => app?.close());

  const get = async (path: string) => fetch(`${app.baseUrl}${path}`, { headers: { cookie: admin.cookie }, redirect: 'manual' });

  async function paidOrder(): Promise<string> {
    const prepay = await app.f.requestPrepay.execute({ uid: app.f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
    if (!prepay.ok || prepay.value.kind !== 'payInClient') throw new Error('prepay failed');
    await app.f.handleNotify.execute(app.f.gateway.pay(prepay.value.outTradeNo));
    return prepay.value.outTradeNo;
  }

  /** Submits the form of `pagePath` posting to `action` with `fields`, then follows the answer's switch. */
  async function switchAfter(pagePath: string, action: string, fields: Record<string, string>) {
    const form = await (await get(pagePath)).text();
    const answer = await postForm(app, action, admin, { _csrf: admin.csrf, _back: backOf(form), ...fields });
    const switched = await get(switchOf(await answer.text()));
    return { answer, switched, text: await switched.text() };
  }

  it('keeps a half-done refund when the confirmation page switches language', async () => {
    const no = await paidOrder();
    const { answer, switched, text } = await switchAfter(`/console/orders/${no}`, `/console/orders/${no}/refund`, {
      amount: '12.34',
      reason: 'late parcel',
    });
    expect(answer.status).toBe(200);
    expect(switched.status).toBe(200);
    expect(text).toContain('lang="en"');
    expect(text).toContain('value="12.34"');
    expect(text).toContain('value="late parcel"');
  });

  it('keeps the typed amount when a refused grant switches language', async () => {
    const user = `/console/users/${app.f.user.uid}`;
    const grantId = /name="grant_id" value="([^"]+)"/.exec(await (await get(user)).text())?.[1] ?? '';
    const { answer, switched, text } = await switchAfter(user, `${user}/grant`, { grant_id: grantId, amount: '-3' });
    expect(answer.status).toBe(400);
    expect(switched.status).toBe(200);
    expect(text).toContain('value="-3"');
  });

  it('answers every other refused form with a switch to a page that exists', async () => {
    const no = await paidOrder();
    const cases: [string, string, Record<string, string>][] = [
      [`/console/orders/${no}`, `/console/orders/${no}/refund`, { amount: 'abc' }],
      [`/console/orders/${no}`, `/console/orders/${no}/review`, { note: '' }],
      ['/console/goods', '/console/goods', { name: '', market_price: 'x', sale_price: 'y' }],
      ['/console/goods/3', '/console/goods/3', { name: '', market_price: 'x', sale_price: 'y' }],
      ['/console/operators', '/console/operators', { name: '!', role: 'viewer', password: 'short' }],
      ['/console/reconciliation', '/console/reconciliation/bill', { date: 'not-a-date' }],
    ];
    for (const [pagePath, action, fields] of cases) {
      const { answer, switched } = await switchAfter(pagePath, action, fields);
      expect([action, answer.status < 500]).toEqual([action, true]);
      expect([action, switched.status]).toEqual([action, 200]);
    }
  });
});

/** Every refusal in the page's language, and a refused filter alone on its page (issue 21 #9). */
describe('console refusals', () => {
  let app: ConsoleApp;
  let admin: ConsoleSession;
  beforeAll(async () => {
    app = await consoleApp();
    admin = await app.session('admin');
  });
  afterAll(async () => app?.close());

  const get = async (path: string, lang: 'zh' | 'en') =>
    (await fetch(`${app.baseUrl}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`, { headers: { cookie: admin.cookie } })).text();
  const flashOf = (page: string): string => /<div class="flash error"[^>]*>([^<]*)</.exec(page)?.[1] ?? '';
  const ENGLISH = /\b(must|printable|characters|whole number|valid)\b/;

  it('says why a filter or a form was refused in Chinese, and in English when asked', async () => {
    const uid = app.f.user.uid;
    const refusals: [string, () => Promise<string>][] = [
      ['orders uid', async () => get('/console/orders?uid=abc&from=2026-13-99&out_trade_no=%20', 'zh')],
      ['users uid', async () => get('/console/users?uid=-1', 'zh')],
      [
        'grant',
        async () => {
          await get(`/console/users/${uid}`, 'zh');
          return (await postForm(app, `/console/users/${uid}/grant`, admin, { _csrf: admin.csrf, grant_id: 'g1', amount: '0' })).text();
        },
      ],
      [
        'grant id',
        async () => (await postForm(app, `/console/users/${uid}/grant`, admin, { _csrf: admin.csrf, grant_id: '', amount: '5' })).text(),
      ],
      [
        'goods name',
        async () =>
          (await postForm(app, '/console/goods', admin, { _csrf: admin.csrf, name: '', market_price: '5', sale_price: '5' })).text(),
      ],
      ['bill date', async () => (await postForm(app, '/console/reconciliation/bill', admin, { _csrf: admin.csrf, date: 'x' })).text()],
    ];
    for (const [what, load] of refusals) {
      const text = flashOf(await load());
      expect([what, text]).not.toEqual([what, '']);
      expect([what, ENGLISH.test(text)]).toEqual([what, false]);
    }
    const english = flashOf(await get('/console/orders?uid=abc', 'en'));
    expect(english).toContain('User must be a whole number');
  });

  it('shows no list under a refused filter', async () => {
    const prepay = await app.f.requestPrepay.execute({ uid: app.f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
    if (!prepay.ok) throw new Error('prepay failed');
    const orders = await get('/console/orders?uid=abc', 'zh');
    expect(orders).not.toContain(prepay.value.outTradeNo);
    expect(orders).not.toContain('<table');
    const users = await get('/console/users?uid=abc', 'zh');
    expect(users).not.toContain('<table');
  });
});
