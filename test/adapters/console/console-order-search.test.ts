import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleApp, type ConsoleApp, type ConsoleSession } from '../../support/console-app.js';

/** Operators find an order by the part of its number a customer reads out, or by the customer's openid. */
describe('console order search', () => {
  let app: ConsoleApp;
  let viewer: ConsoleSession;
  const numbers: string[] = [];
  let bobUid = 0;
  beforeAll(async () => {
    app = await consoleApp();
    viewer = await app.session('viewer');
    const bob = await app.f.users.findOrCreate('openid-bob_%');
    bobUid = bob.uid;
    for (const uid of [app.f.user.uid, bob.uid]) {
      const prepay = await app.f.requestPrepay.execute({ uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
      if (!prepay.ok) throw new Error('prepay failed');
      numbers.push(prepay.value.outTradeNo);
      app.f.clock.advance(1_000);
    }
  });
  afterAll(async () => app?.close());

  const found = async (query: string) => {
    const page = await (await fetch(`${app.baseUrl}/console/orders?${query}`, { headers: { cookie: viewer.cookie } })).text();
    return [...page.matchAll(/href="\/console\/orders\/(\w+)"/g)].map((m) => m[1]);
  };

  it('by part of the number: its end, its middle', async () => {
    const [alice, bob] = numbers as [string, string];
    expect(await found(`out_trade_no=${bob.slice(-10)}`)).toEqual([bob]);
    expect(await found(`out_trade_no=${alice.slice(18)}`)).toEqual([alice]);
    expect(await found(`out_trade_no=${alice.slice(0, 14)}`)).toEqual(expect.arrayContaining([alice]));
    expect(await found(`out_trade_no=${encodeURIComponent(`${alice.slice(0, 10)}%`)}`)).toEqual([]);
    expect(await found(`out_trade_no=${encodeURIComponent(`${alice.slice(0, 10)}_`)}`)).toEqual([]);
  });

  it('by openid, exactly', async () => {
    expect(await found(`openid=${encodeURIComponent('openid-bob_%')}`)).toEqual([numbers[1]]);
    expect(await found('openid=openid-alice')).toEqual([numbers[0]]);
    expect(await found('openid=openid-bob')).toEqual([]); // no such user: nothing, not everything
    expect(await found(`openid=openid-alice&uid=${bobUid}`)).toEqual([]);
  });

  it('offers the openid field in both languages', async () => {
    const zh = await (await fetch(`${app.baseUrl}/console/orders?lang=zh`, { headers: { cookie: viewer.cookie } })).text();
    expect(zh).toMatch(/<label>[^<]*openid[^<]*<input name="openid"/);
    expect(zh).toContain('商户订单号（可输入部分）');
    const en = await (await fetch(`${app.baseUrl}/console/orders?lang=en`, { headers: { cookie: viewer.cookie } })).text();
    expect(en).toContain('Order number (or part of it)');
  });
});
