import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_MERCHANT } from '../../../src/adapters/wechatpay/shared/sample-merchant.js';
import { Money } from '../../../src/domain/money.js';
import { consoleApp, postForm, type ConsoleApp, type ConsoleSession } from '../../support/console-app.js';

/** A ¥19 order paid with ¥14 in cash and a ¥5 coupon: the order page says so, and splits each refund the same way. */
describe('console: an order a coupon paid part of', () => {
  let app: ConsoleApp;
  let operator: ConsoleSession;
  let no = '';
  beforeAll(async () => {
    app = await consoleApp();
    operator = await app.session('operator');
    await app.f.goods.save({
      id: 19,
      appId: SAMPLE_MERCHANT.appId,
      name: '体验课',
      marketPrice: Money.ofFen(1900),
      salePrice: Money.ofFen(1900),
      integral: 0,
      online: true,
    });
    const prepay = await app.f.requestPrepay.execute({ uid: app.f.user.uid, goodsId: 19, paidType: 'WXPAY', clientIp: '203.0.113.7' });
    if (!prepay.ok || prepay.value.kind !== 'payInClient') throw new Error('prepay failed');
    no = prepay.value.outTradeNo;
    await app.f.handleNotify.execute(app.f.gateway.pay(no, 500));
  });
  afterAll(async () => app?.close());

  const orderPage = async (lang = 'zh') =>
    (await fetch(`${app.baseUrl}/console/orders/${no}?lang=${lang}`, { headers: { cookie: operator.cookie } })).text();

  it('shows the cash and the coupon paid', async () => {
    const page = await orderPage();
    expect(page).toMatch(/<dt>现金实付<\/dt>\s*<dd>¥14\.00<\/dd>/);
    expect(page).toMatch(/<dt>代金券<\/dt>\s*<dd>¥5\.00<\/dd>/);
    expect(await orderPage('en')).toMatch(/<dt>Coupon<\/dt>\s*<dd>¥5\.00<\/dd>/);
  });

  it('shows for each refund the cash and coupon parts WeChat reported', async () => {
    for (const [yuan, fen] of [
      ['9.50', '950'],
      ['', '950'],
    ] as const) {
      const ask = await (await postForm(app, `/console/orders/${no}/refund`, operator, { _csrf: operator.csrf, amount: yuan })).text();
      const key = /name="request_key" value="([^"]+)"/.exec(ask)?.[1] ?? '';
      const done = await postForm(app, `/console/orders/${no}/refund`, operator, {
        _csrf: operator.csrf,
        amount_fen: fen,
        request_key: key,
        confirm: 'yes',
      });
      expect(done.status).toBe(303);
    }
    const page = await orderPage();
    expect(page).toMatch(/<th[^>]*>现金退款<\/th>\s*<th[^>]*>代金券退款<\/th>/);
    const rows = [...page.matchAll(/<tr class="refund-row">([\s\S]*?)<\/tr>/g)].map((m) => m[1] ?? '');
    expect(rows).toHaveLength(2);
    // ¥9.50 of ¥19: the coupon's share is 5/19 of it, rounded down to 250 fen; the rest is cash.
    expect(rows[0]).toMatch(/¥9\.50<\/td>\s*<td class="num">¥7\.00<\/td>\s*<td class="num">¥2\.50<\/td>/);
    expect(rows[1]).toMatch(/¥9\.50<\/td>\s*<td class="num">¥7\.00<\/td>\s*<td class="num">¥2\.50<\/td>/);
  });
});
