import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniProgramUser } from '../support/mini-program.js';
import { MARIADB_URL, REDIS_URL, describeIfServices } from '../support/integration.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { scratchMariaDb, type ScratchDatabase } from '../support/databases.js';

const ADMIN_TOKEN = 'edge-admin-token-0123456789';

/** Input at the edges (reliability checklist 42): a clear 4xx, never a 500, never a change — on both databases. */
const targets: {
  name: string;
  needs: ('mariadb' | 'redis')[];
  env: () => Promise<{ env: Record<string, string>; db?: ScratchDatabase }>;
}[] = [
  { name: 'SQLite, embedded defaults', needs: [], env: async () => ({ env: {} }) },
  {
    name: 'MariaDB + Redis',
    needs: ['mariadb', 'redis'],
    env: async () => {
      const db = await scratchMariaDb('edge');
      return { env: { DATABASE_URL: db.url, REDIS_URL, REDIS_KEY_PREFIX: `edge-${process.pid}:` }, db };
    },
  },
];

for (const target of targets) {
  const describeWith = target.needs.length > 0 ? await describeIfServices(target.needs) : describe;
  describeWith(`edge input against the running service (${target.name})`, () => {
    let service: ServiceProcess;
    let db: ScratchDatabase | undefined;
    let user: MiniProgramUser;

    beforeAll(async () => {
      const setup = await target.env();
      db = setup.db;
      service = await startService({ ADMIN_TOKEN, ...setup.env });
      user = await new MiniProgramUser(service.baseUrl).login();
    });
    afterAll(async () => {
      await service?.stop();
      await db?.drop();
    });

    const call = async (method: string, path: string, init: { json?: unknown; body?: string; type?: string; admin?: boolean } = {}) => {
      const headers: Record<string, string> = { authorization: `Bearer ${init.admin ? ADMIN_TOKEN : user.token}` };
      let body: string | undefined = init.body;
      if (init.json !== undefined) {
        body = JSON.stringify(init.json);
        headers['content-type'] = 'application/json';
      }
      if (init.type) headers['content-type'] = init.type;
      const res = await fetch(`${service.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await res.text();
      return { status: res.status, text, headers: res.headers };
    };
    const adminGoods = async (): Promise<unknown[]> =>
      JSON.parse((await call('GET', '/admin/goods', { admin: true })).text).data as unknown[];
    const noErrorLogged = (): void => expect(service.output.filter((l) => l.includes('"level":50'))).toEqual([]);

    const MALFORMED = ['%ZZ', '%E0', '%ED%A0%80', '%C0%AF', '%', '%E4%B8'];

    it.each([
      ['GET', (x: string) => `/goods/${x}`, false],
      ['GET', (x: string) => `/wechat/orders/${x}`, false],
      ['GET', (x: string) => `/admin/orders/${x}`, true],
      ['POST', (x: string) => `/admin/orders/${x}/refund`, true],
      ['POST', (x: string) => `/admin/orders/${x}/review/resolve`, true],
      ['PUT', (x: string) => `/admin/goods/${x}`, true],
      ['GET', (x: string) => `/sandbox/wxpay/control/orders/${x}`, false],
    ] as const)('%s %s with malformed percent-encoding → 400, no stack trace', async (method, path, admin) => {
      for (const bad of MALFORMED) {
        const res = await call(method, path(bad), { admin, ...(method === 'GET' ? {} : { json: {} }) });
        expect(res.status, `${method} ${path(bad)}`).toBe(400);
      }
      noErrorLogged();
    });

    it('refuses control characters at the edge: an order number or a goods name with NUL', async () => {
      for (const path of ['/wechat/orders/2026011512000000020000%000001', '/admin/orders/abc%00def', '/wechat/orders/abc%0Adef']) {
        expect((await call('GET', path, { admin: path.startsWith('/admin') })).status).toBe(400);
      }
      const before = await adminGoods();
      const goods = { market_price: 100, sale_price: 100 };
      for (const name of ['a\u0000b', 'line\nbreak', 'del\u007f', '\u0085next']) {
        expect((await call('POST', '/admin/goods', { admin: true, json: { ...goods, name } })).status).toBe(400);
      }
      expect(await adminGoods()).toEqual(before);
      noErrorLogged();
    });

    it('refuses what the seed’s 3-byte utf8 goods table cannot store (emoji) with a clear message, on every database', async () => {
      const before = await adminGoods();
      const res = await call('POST', '/admin/goods', { admin: true, json: { name: '瑜伽 🧘', market_price: 100, sale_price: 100 } });
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/emoji/);
      expect(await adminGoods()).toEqual(before);
      expect(
        (await call('POST', '/admin/goods', { admin: true, json: { name: '瑜伽 Yoga', market_price: 100, sale_price: 100 } })).status,
      ).toBe(200);
    });

    it('refuses integers beyond their columns, and never creates goods under a caller-chosen id', async () => {
      const before = await adminGoods();
      const goods = { name: 'Edge', market_price: 100, sale_price: 100 };
      expect((await call('PUT', '/admin/goods/2147483647', { admin: true, json: goods })).status).toBe(404);
      expect((await call('PUT', '/admin/goods/4294967297', { admin: true, json: goods })).status).toBe(400);
      expect((await call('PUT', '/admin/goods/99999999999999999999', { admin: true, json: goods })).status).toBe(400);
      expect(await adminGoods()).toEqual(before);
      // The id counter is untouched: creating goods still works afterwards.
      expect((await call('POST', '/admin/goods', { admin: true, json: goods })).status).toBe(200);
      expect((await call('GET', '/goods/2147483648')).status).toBe(400);
      expect((await call('GET', '/wechat/prepay?goods_id=4294967297')).status).toBe(400);

      const order = (await user.prepay(1)).outTradeNo;
      expect((await call('POST', `/admin/orders/${order}/refund`, { admin: true, json: { amount: 2147483648 } })).status).toBe(400);
      const uid = user.uid;
      expect(
        (await call('POST', '/admin/integral/grant', { admin: true, json: { uid, amount: 1_000_000_001, grant_id: 'g-big' } })).status,
      ).toBe(400);
      for (const id of ['g-1', 'g-2'])
        expect(
          (await call('POST', '/admin/integral/grant', { admin: true, json: { uid, amount: 1_000_000_000, grant_id: id } })).status,
        ).toBe(200);
      const overflow = await call('POST', '/admin/integral/grant', { admin: true, json: { uid, amount: 1_000_000_000, grant_id: 'g-3' } });
      expect(overflow.status).toBe(400);
      expect(JSON.parse((await call('GET', '/wechat/integral')).text).data.balance).toBe(2_000_000_000);
      expect(
        (await call('POST', '/admin/integral/grant', { admin: true, json: { uid: 2147483648, amount: 5, grant_id: 'g-4' } })).status,
      ).toBe(400);
      expect(
        (await call('POST', '/admin/integral/grant', { admin: true, json: { uid: 2147483647, amount: 5, grant_id: 'g-5' } })).status,
      ).toBe(404);
      noErrorLogged();
    });

    it('takes types literally: no array for a number, no null for a paid type, no charset but UTF-8', async () => {
      const uid = user.uid;
      expect((await call('POST', '/admin/integral/grant', { admin: true, json: { uid, amount: [5], grant_id: 'g-array' } })).status).toBe(
        400,
      );
      expect(
        (await call('POST', '/admin/integral/grant', { admin: true, json: { uid: [uid], amount: 5, grant_id: 'g-array2' } })).status,
      ).toBe(400);
      expect((await call('POST', '/wechat/prepay', { json: { goods_id: 1, paid_type: null } })).status).toBe(400);
      expect((await call('POST', '/wechat/prepay', { json: { goods_id: [1] } })).status).toBe(400);
      const utf7 = await call('POST', '/wechat/prepay', { body: '{"goods_id":1}', type: 'application/json; charset=utf-7' });
      expect(utf7.status).toBe(415);
      const gbk = await call('POST', '/admin/goods', {
        admin: true,
        body: '{"name":"x","market_price":100,"sale_price":100}',
        type: 'application/json; charset=gbk',
      });
      expect(gbk.status).toBe(415);
      noErrorLogged();
    });

    it('never lets a login answer be cached', async () => {
      const { code } = (await (await fetch(`${service.baseUrl}/sandbox/wxpay/control/code`, { method: 'POST' })).json()) as {
        code: string;
      };
      const res = await fetch(`${service.baseUrl}/wechat/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
    });
  });
}

// Keep the probe URL in use so the import reads as intended when only SQLite runs.
void MARIADB_URL;
