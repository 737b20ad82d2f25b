import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleApp, postForm, type ConsoleApp, type ConsoleSession } from '../../support/console-app.js';

/** Every refund of every order on one page: newest first, with its status and amount, each linking to its order. */
describe('console refunds list', () => {
  let app: ConsoleApp;
  let viewer: ConsoleSession;
  const refunded: { no: string; yuan: string }[] = [];
  beforeAll(async () => {
    app = await consoleApp();
    viewer = await app.session('viewer');
    const operator = await app.session('operator');
    for (const yuan of ['1.50', '22.00', '3.07']) {
      const prepay = await app.f.requestPrepay.execute({ uid: app.f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
      if (!prepay.ok || prepay.value.kind !== 'payInClient') throw new Error('prepay failed');
      await app.f.handleNotify.execute(app.f.gateway.pay(prepay.value.outTradeNo));
      const no = prepay.value.outTradeNo;
      const ask = await (await postForm(app, `/console/orders/${no}/refund`, operator, { _csrf: operator.csrf, amount: yuan })).text();
      const key = /name="request_key" value="([^"]+)"/.exec(ask)?.[1] ?? '';
      const fen = String(Math.round(Number(yuan) * 100));
      await postForm(app, `/console/orders/${no}/refund`, operator, {
        _csrf: operator.csrf,
        amount_fen: fen,
        request_key: key,
        confirm: 'yes',
      });
      refunded.push({ no, yuan });
      app.f.clock.advance(60_000);
    }
  });
  afterAll(async () => app?.close());

  const get = async (path: string) => (await fetch(`${app.baseUrl}${path}`, { headers: { cookie: viewer.cookie } })).text();

  it('lists every refund newest first, with amount, status and a link to its order', async () => {
    const page = await get('/console/refunds');
    const rows = [...page.matchAll(/<tr class="refund">([\s\S]*?)<\/tr>/g)].map((m) => m[1] ?? '');
    expect(rows).toHaveLength(3);
    [...refunded].reverse().forEach(({ no, yuan }, i) => {
      expect(rows[i]).toContain(`href="/console/orders/${no}"`);
      expect(rows[i]).toContain(`${no}R1`);
      expect(rows[i]).toContain(`¥${yuan}`);
    });
    expect(page).toMatch(/<th[^>]*>状态<\/th>/);
    expect(rows.join('')).toMatch(/退款中|已退款/);
    expect(page).toContain('href="/console/refunds"'); // in the menu
  });

  it('speaks English when asked', async () => {
    const page = await get('/console/refunds?lang=en');
    expect(page).toMatch(/<h1>Refunds<\/h1>/);
    expect(page).toMatch(/Processing|Refunded/);
  });
});
