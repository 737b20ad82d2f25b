import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrm } from '../../src/adapters/persistence/orm.js';
import { directV2Merchant, goodsOfMiniProgram, miniProgramOf, writeMerchantsFolder } from '../support/merchants-files.js';
import { postJson } from '../support/mini-program.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

const ADMIN_TOKEN = 'merchants-reload-admin-token-0123';
const ENV = {
  NORTH_API_KEY: 'N0rthApiKey0123456789abcdefABCDE',
  WEST_API_KEY: 'WestApiKey0123456789abcdefABCDEF',
  NORTH_APP_SECRET: 'n',
  WEST_APP_SECRET: 'w',
  // Read only once a reload names it (env: references are read again at each reload).
  EXTRA_APP_SECRET: 'extra-app-secret-for-the-reload',
};
const merchant = (id: string, mchId: string) => directV2Merchant(id, mchId, { refunds: 'disabled' });
const mp = miniProgramOf;
const TWO = {
  merchants: [merchant('north', '1900000109'), merchant('west', '1900000112')],
  miniPrograms: [mp('wx1111111111111111', 'north', true), mp('wx4444444444444444', 'west')],
};
/** A third mini-program, selling through west: named by a reload, then removed by another. */
const EXTRA = { ...mp('wx5555555555555555', 'west'), name: 'extra', appSecret: 'env:EXTRA_APP_SECRET' };

describe('MERCHANTS_FILE in the running service: SIGHUP reloads it', () => {
  let service: ServiceProcess;
  let path: string;
  let databaseUrl: string;
  const goodsOf = (appId: string) => goodsOfMiniProgram(service, ADMIN_TOKEN, databaseUrl, appId);

  beforeAll(async () => {
    path = writeMerchantsFolder(TWO);
    databaseUrl = `sqlite:${join(dirname(path), 'wxpay.sqlite')}`;
    service = await startService({ MERCHANTS_FILE: path, ADMIN_TOKEN, DATABASE_URL: databaseUrl, ...ENV });
  });
  afterAll(async () => service?.stop());

  const merchants = async () => {
    const res = await fetch(`${service.baseUrl}/admin/merchants`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return ((await res.json()) as { data: { id: string; state: string }[] }).data.map((m) => `${m.id}:${m.state}`);
  };

  /** Sends SIGHUP and resolves with the log line the reload writes (what it did, or why nothing changed). */
  function hangUp(): Promise<string> {
    return new Promise((resolve) => {
      const onData = (chunk: Buffer): void => {
        const line = chunk
          .toString('utf8')
          .split('\n')
          .find((l) => /"msg":"merchants (reloaded|file did not validate)/.test(l));
        if (!line) return;
        service.child.stdout?.off('data', onData);
        resolve(line);
      };
      service.child.stdout?.on('data', onData);
      service.child.kill('SIGHUP');
    });
  }

  it('starts with every merchant of the file, each with its own callback URL', async () => {
    expect(await merchants()).toEqual(['north:available', 'west:available']);
    const res = await fetch(`${service.baseUrl}/wechat/pay-notify/west`, {
      method: 'POST',
      body: '<xml><return_code>SUCCESS</return_code></xml>',
    });
    expect(await res.text()).toContain('FAIL');
  });

  /** Resolves with the access line of the first callback at that path answered (v2 answers FAIL with a 200 too). */
  function answeredAt(path: string): Promise<string> {
    return new Promise((done) => {
      const onData = (chunk: Buffer): void => {
        const line = chunk
          .toString('utf8')
          .split('\n')
          .find((l) => l.includes(`"url":"${path}"`) && l.includes('"status":200,'));
        if (!line) return;
        service.child.stdout?.off('data', onData);
        done(line);
      };
      service.child.stdout?.on('data', onData);
    });
  }

  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const EXTRA_PATH = `/mp/${EXTRA.appId}`;
  /** The extra mini-program's user and order, from the test that adds it to the one that removes it. */
  const extra: { auth?: Record<string, string>; outTradeNo?: string; prepayId?: string } = {};

  it('serves a mini-program the file gains on SIGHUP at once: goods, a login with its AppSecret, a prepay with its merchant', async () => {
    expect((await fetch(`${service.baseUrl}${EXTRA_PATH}/goods`)).status).toBe(404);
    writeFileSync(path, JSON.stringify({ ...TWO, miniPrograms: [...TWO.miniPrograms, EXTRA] }));
    expect(await hangUp()).toContain('"msg":"merchants reloaded"');

    const goodsId = await goodsOf(EXTRA.appId);
    const goods = (await (await fetch(`${service.baseUrl}${EXTRA_PATH}/goods`)).json()) as { data: { id: number }[] };
    expect(goods.data.map((g) => g.id)).toEqual([goodsId]);
    // The simulator, as WeChat, checks the AppSecret the login is made with: the one the reload read.
    const { code } = await postJson<{ code: string }>(`${service.baseUrl}/sandbox/wxpay/control/code`, {});
    const login = (await postJson<{ data: { token: string } }>(`${service.baseUrl}${EXTRA_PATH}/wechat/login`, { code })).data;
    extra.auth = { authorization: `Bearer ${login.token}` };
    const prepay = await fetch(`${service.baseUrl}${EXTRA_PATH}/wechat/prepay?goods_id=${goodsId}`, { headers: extra.auth });
    expect(prepay.status).toBe(200);
    const prepaid = ((await prepay.json()) as { data: { data: { outTradeNo: string; package: string } } }).data.data;
    extra.outTradeNo = prepaid.outTradeNo;
    extra.prepayId = prepaid.package.replace(/^prepay_id=/, '');
    // Opened with the mini-program's merchant (its mch_id signed the unifiedorder the simulator accepted).
    const orm = await openOrm(databaseUrl);
    const rows = await orm.em
      .getConnection()
      .execute<{ merchant_id: string; app_id: string }[]>('SELECT merchant_id, app_id FROM shop_goods_order WHERE out_trade_no = ?', [
        extra.outTradeNo,
      ]);
    await orm.close(true);
    expect(rows).toEqual([{ merchant_id: 'west', app_id: EXTRA.appId }]);
    // Its token is its own: the default mini-program's paths refuse it.
    expect((await fetch(`${service.baseUrl}/wechat/integral`, { headers: extra.auth })).status).toBe(401);
  });

  it('answers 404 for a mini-program the file loses on SIGHUP, refuses its tokens, and keeps its order', async () => {
    writeFileSync(path, JSON.stringify(TWO));
    expect(await hangUp()).toContain('"msg":"merchants reloaded"');
    expect((await fetch(`${service.baseUrl}${EXTRA_PATH}/goods`)).status).toBe(404);
    const login = await fetch(`${service.baseUrl}${EXTRA_PATH}/wechat/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'any' }),
    });
    expect(login.status).toBe(404);
    expect((await fetch(`${service.baseUrl}${EXTRA_PATH}/wechat/orders/${extra.outTradeNo}`, { headers: extra.auth })).status).toBe(404);
    expect((await fetch(`${service.baseUrl}/wechat/orders/${extra.outTradeNo}`, { headers: extra.auth })).status).toBe(401);
    // Its order is still west's: paid now, WeChat's notice (naming the removed appid) is west's and settles it.
    const settled = answeredAt('/wechat/pay-notify/west');
    await postJson(`${service.baseUrl}/sandbox/wxpay/control/pay`, { prepay_id: extra.prepayId });
    await settled;
    const order = (await (await fetch(`${service.baseUrl}/admin/orders/${extra.outTradeNo}`, { headers: admin })).json()) as {
      data: { status: string };
    };
    expect(order.data.status).toBe('SUCC');
  });

  it('swaps in a changed file on SIGHUP: a removed merchant is retired, not dropped', async () => {
    writeFileSync(path, JSON.stringify({ merchants: [TWO.merchants[0]], miniPrograms: [TWO.miniPrograms[0]] }));
    expect(await hangUp()).toContain('"msg":"merchants reloaded"');
    expect(await merchants()).toEqual(['north:available', 'west:retired']);
  });

  it('changes nothing on SIGHUP when the file does not validate, and logs why', async () => {
    writeFileSync(path, JSON.stringify({ merchants: [], miniPrograms: [] }));
    const line = await hangUp();
    expect(line).toContain('merchants: at least one merchant');
    expect(await merchants()).toEqual(['north:available', 'west:retired']);
  });
});
