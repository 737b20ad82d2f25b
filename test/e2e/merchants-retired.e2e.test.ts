import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOrm } from '../../src/adapters/persistence/orm.js';
import { directV2Merchant, goodsOfMiniProgram, miniProgramOf, writeMerchantsFolder } from '../support/merchants-files.js';
import { postJson } from '../support/mini-program.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

const ADMIN_TOKEN = 'merchants-retired-admin-token-0123';
const ENV = {
  NORTH_API_KEY: 'N0rthApiKey0123456789abcdefABCDE',
  WEST_API_KEY: 'WestApiKey0123456789abcdefABCDEF',
  NORTH_APP_SECRET: 'n',
  WEST_APP_SECRET: 'w',
  EXTRA_APP_SECRET: 'extra-app-secret-of-west',
};
// Refunds enabled: the sandbox needs no merchant API certificate for them (real WeChat Pay does, see the file rules).
const merchant = (id: string, mchId: string) => directV2Merchant(id, mchId);
const mp = miniProgramOf;
const NORTH = merchant('north', '1900000109');
const WEST = merchant('west', '1900000112');
const WEST_APP = mp('wx4444444444444444', 'west');
/** A mini-program of west that the retired file keeps (not retired): served, but it sells nothing. */
const EXTRA = { ...mp('wx5555555555555555', 'west'), name: 'extra', appSecret: 'env:EXTRA_APP_SECRET' };
const BEFORE = { merchants: [NORTH, WEST], miniPrograms: [mp('wx1111111111111111', 'north', true), WEST_APP, EXTRA] };
const RETIRED = {
  merchants: [NORTH, { ...WEST, retired: true }],
  miniPrograms: [mp('wx1111111111111111', 'north', true), { ...WEST_APP, retired: true }, EXTRA],
};

/**
 * Issue 20: "a removed merchant's open orders are still reconciled and refundable", across a restart. west takes
 * orders, the service stops, and starts again on a file that marks west (and its mini-program) `"retired": true`: its
 * orders from before are reconciled, paid by a late notice and refunded with west's credentials, and it opens no new
 * order. The simulator keeps its state beside the SQLite file, so it still knows the orders after the restart.
 */
describe('MERCHANTS_FILE: a merchant marked "retired": true keeps its orders served after a restart', () => {
  let service: ServiceProcess;
  let path: string;
  let databaseUrl: string;
  const goodsOf = (appId: string) => goodsOfMiniProgram(service, ADMIN_TOKEN, databaseUrl, appId);
  let revoked = '';
  let late = '';
  let latePrepayId = '';
  let extraGoods = 0;

  const start = (port = 0) => startService({ MERCHANTS_FILE: path, ADMIN_TOKEN, DATABASE_URL: databaseUrl, PORT: String(port), ...ENV });
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const adminCall = async <T>(method: string, url: string, body?: unknown): Promise<{ status: number; data: T; msg: string }> => {
    const res = await fetch(`${service.baseUrl}${url}`, {
      method,
      headers: admin,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as { data: T; msg: string };
    return { status: res.status, data: json.data, msg: json.msg };
  };
  const status = async (no: string) => (await adminCall<{ status: string }>('GET', `/admin/orders/${no}`)).data.status;

  async function login(appId: string): Promise<Record<string, string>> {
    const { code } = await postJson<{ code: string }>(`${service.baseUrl}/sandbox/wxpay/control/code`, {});
    const { data } = await postJson<{ data: { token: string } }>(`${service.baseUrl}/mp/${appId}/wechat/login`, { code });
    return { authorization: `Bearer ${data.token}` };
  }

  const prepay = (appId: string, goodsId: number, auth: Record<string, string>) =>
    fetch(`${service.baseUrl}/mp/${appId}/wechat/prepay?goods_id=${goodsId}`, { headers: auth });

  beforeAll(async () => {
    path = writeMerchantsFolder(BEFORE);
    databaseUrl = `sqlite:${join(dirname(path), 'wxpay.sqlite')}`;
    service = await start();
    // Two open orders of west, before it is retired.
    // Two goods: a second prepay for the same goods would be answered with the same open order.
    const goods = [await goodsOf(WEST_APP.appId), await goodsOf(WEST_APP.appId)];
    extraGoods = await goodsOf(EXTRA.appId);
    const auth = await login(WEST_APP.appId);
    const opened: { outTradeNo: string; package: string }[] = [];
    for (const goodsId of goods) {
      const res = await prepay(WEST_APP.appId, goodsId, auth);
      expect(res.status).toBe(200);
      opened.push(((await res.json()) as { data: { data: { outTradeNo: string; package: string } } }).data.data);
    }
    [revoked, late] = opened.map((o) => o.outTradeNo) as [string, string];
    expect(revoked).not.toBe(late);
    latePrepayId = opened[1]!.package.replace(/^prepay_id=/, '');
    await service.stop();
    writeFileSync(path, JSON.stringify(RETIRED));
    // On the same port: the simulator kept each order's notify URL, as WeChat keeps the one the prepay named.
    service = await start(service.port);
  }, 90_000);
  afterAll(async () => service?.stop());

  it('starts with the merchant retired (admin API) and its mini-program answering as a removed one', async () => {
    const merchants = await adminCall<{ id: string; state: string }[]>('GET', '/admin/merchants');
    expect(merchants.data.map((m) => `${m.id}:${m.state}`)).toEqual(['north:available', 'west:retired']);
    expect((await fetch(`${service.baseUrl}/mp/${WEST_APP.appId}/goods`)).status).toBe(404);
    const metrics = await (await fetch(`${service.baseUrl}/metrics`)).text();
    expect(metrics).toContain('wxpay_merchant_retired{merchant="west"} 1');
    expect(metrics).not.toContain('wxpay_merchant_available{merchant="west"}');
  });

  it('refuses a new order for it, 503 naming it', async () => {
    const auth = await login(EXTRA.appId);
    const res = await prepay(EXTRA.appId, extraGoods, auth);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { msg: string }).msg).toContain("merchant 'west' is retired: it takes no new orders");
    // Refused before an order is opened: nothing is left behind.
    const orm = await openOrm(databaseUrl);
    const rows = await orm.em.getConnection().execute('SELECT out_trade_no FROM shop_goods_order WHERE app_id = ?', [EXTRA.appId]);
    await orm.close(true);
    expect(rows).toEqual([]);
  });

  it('reconciles an order of it from before the restart with its credentials', async () => {
    // The simulator's control endpoints find an order of a merchant other than its first by its mch_id.
    const changed = await postJson<{ trade_state?: string }>(
      `${service.baseUrl}/sandbox/wxpay/control/orders/${revoked}/trade-state?mch_id=${WEST.mchId}`,
      { trade_state: 'REVOKED' },
    );
    expect(changed.trade_state).toBe('REVOKED');
    await adminCall('POST', '/admin/reconcile');
    expect(await status(revoked)).toBe('FAILED');
  });

  it('accepts the late notice of an order of it (naming its retired mini-program), then refunds the order', async () => {
    await postJson(`${service.baseUrl}/sandbox/wxpay/control/pay`, { prepay_id: latePrepayId });
    const deadline = Date.now() + 20_000;
    while ((await status(late)) !== 'SUCC' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await status(late)).toBe('SUCC');
    const refund = await adminCall<{ status: string }>('POST', `/admin/orders/${late}/refund`, {});
    expect(refund.status).toBe(200);
    expect(refund.data.status).toBe('PROCESSING');
  });

  it('warns, at a reload that removes it from the file, that its orders need it kept "retired": true', async () => {
    writeFileSync(path, JSON.stringify({ merchants: [NORTH], miniPrograms: [mp('wx1111111111111111', 'north', true)] }));
    const reload = await adminCall<{ reloaded: boolean; warnings: string[] }>('POST', '/admin/merchants/reload', {});
    expect(reload.data.reloaded).toBe(true);
    expect(reload.data.warnings).toEqual([
      'merchant west was removed but has orders: they are reconciled and refundable only until a restart; keep it in ' +
        'MERCHANTS_FILE with "retired": true',
      `mini-program ${WEST_APP.appId} was removed but has orders: they are reconciled and refundable only until a ` +
        'restart; keep it in MERCHANTS_FILE with "retired": true',
    ]);
    const logged = () =>
      service.output.some((l) => l.includes('"msg":"merchants file removed merchants or mini-programs that have orders"'));
    for (let i = 0; i < 50 && !logged(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(logged()).toBe(true);
  });
});
