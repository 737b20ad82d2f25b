import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSandboxKeys } from '../../examples/merchants/sandbox-keys.js';
import { openOrm } from '../../src/adapters/persistence/orm.js';
import { postJson } from '../support/mini-program.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/merchants');
const ADMIN_TOKEN = 'merchants-example-admin-token-01';

/** example.env's variables. */
const exampleEnv = (): Record<string, string> =>
  Object.fromEntries(
    readFileSync(join(EXAMPLE, 'example.env'), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

describe('examples/merchants: three shops on the simulator (v2 direct, v3 direct with the public key, v3 partner)', () => {
  let service: ServiceProcess;
  let databasePath: string;

  beforeAll(async () => {
    const folder = mkdtempSync(join(tmpdir(), 'wxpay-example-'));
    const dataDir = join(folder, 'data');
    copyFileSync(join(EXAMPLE, 'merchants.json'), join(folder, 'merchants.json'));
    exportSandboxKeys(dataDir, join(folder, 'keys'));
    databasePath = join(folder, 'wxpay.sqlite');
    service = await startService({
      ...exampleEnv(),
      MERCHANTS_FILE: join(folder, 'merchants.json'),
      SANDBOX_DATA_DIR: dataDir,
      DATABASE_URL: `sqlite:${databasePath}`,
      ADMIN_TOKEN,
    });
  });
  afterAll(async () => service?.stop());

  it('starts every shop available, each with its mode and API', async () => {
    const res = await fetch(`${service.baseUrl}/admin/merchants`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const merchants = (
      (await res.json()) as { data: { id: string; mode: string; api_version: string; state: string; problems: string[] }[] }
    ).data;
    expect(merchants.map((m) => [m.id, m.mode, m.api_version, m.state, m.problems])).toEqual([
      ['north', 'direct', 'v2', 'available', []],
      ['east', 'direct', 'v3', 'available', []],
      ['south', 'partner', 'v3', 'available', []],
    ]);
  });

  const sim = async (path: string, body: unknown) => postJson<Record<string, unknown>>(`${service.baseUrl}/sandbox/wxpay${path}`, body);
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

  /** Resolves with the access line of the first callback at that path acknowledged (v2: 200 SUCCESS, v3: 204). */
  function callbackAt(path: string): Promise<string> {
    return new Promise((done) => {
      const onData = (chunk: Buffer): void => {
        const line = chunk
          .toString('utf8')
          .split('\n')
          .find((l) => l.includes(`"url":"${path}"`) && /"status":20[04],/.test(l));
        if (!line) return;
        service.child.stdout?.off('data', onData);
        done(line);
      };
      service.child.stdout?.on('data', onData);
    });
  }

  /** Goods of that mini-program: created by the admin API (the default one's), then moved to the mini-program. */
  async function goodsOf(appId: string): Promise<number> {
    const created = await fetch(`${service.baseUrl}/admin/goods`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: `Course of ${appId}`, market_price: 1200, sale_price: 1200, online: true }),
    });
    const id = ((await created.json()) as { data: { id: number } }).data.id;
    const orm = await openOrm(`sqlite:${databasePath}`);
    await orm.em.getConnection().execute('UPDATE shop_goods_info SET app_id = ? WHERE id = ?', [appId, id]);
    await orm.close(true);
    return id;
  }

  it.each([
    ['north', 'v2 direct', 'wx1111111111111111', ''],
    ['east', 'v3 direct, public key', 'wx2222222222222222', '/mp/wx2222222222222222'],
    ['south', 'v3 partner of acme', 'wx3333333333333333', '/mp/wx3333333333333333'],
  ])('pays and refunds in %s (%s), each notify arriving at its own callback URL', async (merchant, _kind, appId, prefix) => {
    const goodsId = prefix === '' ? 1 : await goodsOf(appId);
    const { code } = (await sim('/control/code', {})) as { code: string };
    const login = (await postJson<{ data: { token: string } }>(`${service.baseUrl}${prefix}/wechat/login`, { code })).data;
    const auth = { authorization: `Bearer ${login.token}` };
    const prepay = (await (await fetch(`${service.baseUrl}${prefix}/wechat/prepay?goods_id=${goodsId}`, { headers: auth })).json()) as {
      data: { data: { outTradeNo: string; package: string } };
    };
    const { outTradeNo, package: pkg } = prepay.data.data;
    const paid = callbackAt(`/wechat/pay-notify/${merchant}`);
    await sim('/control/pay', { prepay_id: pkg.replace(/^prepay_id=/, '') });
    await paid;
    const status = (await (await fetch(`${service.baseUrl}${prefix}/wechat/orders/${outTradeNo}`, { headers: auth })).json()) as {
      data: { status: string };
    };
    expect(status.data.status).toBe('SUCC');

    // Refunded with the order's merchant's credentials; WeChat's refund notify comes to that merchant's refund URL.
    const refunded = callbackAt(`/wechat/refund-notify/${merchant}`);
    const refund = await fetch(`${service.baseUrl}/admin/orders/${outTradeNo}/refund`, { method: 'POST', headers: admin, body: '{}' });
    expect(refund.status).toBe(200);
    await refunded;
    const order = (await (await fetch(`${service.baseUrl}/admin/orders/${outTradeNo}`, { headers: admin })).json()) as {
      data: { status: string };
    };
    expect(order.data.status).toBe('REFUND');
  });
});
