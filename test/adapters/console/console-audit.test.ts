import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleApp, postForm, type ConsoleApp, type ConsoleSession } from '../../support/console-app.js';

/** The audit log in the console: what `GET /admin/audit` shows with ADMIN_TOKEN, for admins signed in. */
describe('console audit log page', () => {
  let app: ConsoleApp;
  let admin: ConsoleSession;
  beforeAll(async () => {
    app = await consoleApp();
    admin = await app.session('admin');
    // 60 older entries, then one made through the console: the newest must come first.
    for (let i = 0; i < 60; i++) {
      await app.f.audit.record({
        at: new Date(Date.UTC(2026, 0, 1, 0, i)),
        actor: 'admin-token',
        action: 'goods.updated',
        subject: `goods:${i}`,
        after: { name: `item ${i}` },
      });
    }
  });
  afterAll(async () => app?.close());

  const get = (path: string, session: ConsoleSession) => fetch(`${app.baseUrl}${path}`, { headers: { cookie: session.cookie } });

  it('lists the newest first, with who did what to which thing, in Beijing time, 50 to a page', async () => {
    const operator = await app.session('operator');
    const grant = await postForm(app, `/console/users/${app.f.user.uid}/grant`, operator, {
      _csrf: operator.csrf,
      amount: '7',
      grant_id: 'audit-page-grant',
      reason: 'goodwill',
    });
    expect(grant.status).toBe(303);
    const rowsOf = (text: string) => [...text.matchAll(/<tr class="audit">([\s\S]*?)<\/tr>/g)].map((m) => m[1] ?? '');
    const first = await get('/console/audit', admin);
    expect(first.status).toBe(200);
    const text = await first.text();
    const rows = rowsOf(text);
    expect(rows).toHaveLength(50);
    // Who and what in words, never the stored codes or JSON (operator:<name>, admin-token, {"name":…}).
    expect(rows[0]).toContain(`操作员 ${operator.name}`);
    expect(rows[0]).toContain('发放健康币');
    expect(rows.find((r) => r.includes('goods:59'))).toContain('管理 API（ADMIN_TOKEN）');
    expect(rows.find((r) => r.includes('goods:59'))).toContain('name: item 59');
    for (const row of rows) expect(row).not.toMatch(/<td>(operator:|admin-token|cli)|\{&quot;|\{"/);
    expect(rows[0]).toContain(`/console/users/${app.f.user.uid}`);
    expect(rows.find((r) => r.includes('goods:59'))).toContain('2026-01-01 08:59:00'); // 00:59 UTC in Beijing
    expect(text).toContain('href="/console/audit?page=2"');
    const second = await (await get('/console/audit?page=2', admin)).text();
    expect(second).toContain('href="/console/audit?page=1"');
    expect(second).not.toContain('page=3');
    // Every entry once over the two pages, newest first: the 60 goods entries in reverse order of their making.
    const all = [...rows, ...rowsOf(second)];
    expect(all).toHaveLength((await app.f.audit.list({ limit: 1000, offset: 0 })).length);
    const goods = all.flatMap((r) => /goods:(\d+)/.exec(r)?.[1] ?? []).map(Number);
    expect(goods).toEqual(Array.from({ length: 60 }, (_, i) => 59 - i));
  });

  it('filters by subject', async () => {
    const text = await (await get('/console/audit?subject=goods%3A7', admin)).text();
    const rows = [...text.matchAll(/<tr class="audit">([\s\S]*?)<\/tr>/g)].map((m) => m[1] ?? '');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('item 7');
  });

  it('speaks the page’s language', async () => {
    expect(await (await get('/console/audit?lang=en', admin)).text()).toMatch(/<h1>Audit log<\/h1>[\s\S]*Goods updated/);
    expect(await (await get('/console/audit?lang=zh', admin)).text()).toMatch(/<h1>操作日志<\/h1>[\s\S]*修改商品/);
  });

  it('is for admins: other roles are refused the page and do not see the link', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      const session = await app.session(role);
      expect((await get('/console/audit', session)).status).toBe(403);
      expect(await (await get('/console', session)).text()).not.toContain('href="/console/audit"');
    }
    expect(await (await get('/console', admin)).text()).toContain('href="/console/audit"');
  });
});
