import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleApp, postForm, type ConsoleApp } from '../../support/console-app.js';

/** The merchants page (商户 / Merchants): each merchant's health, and the reload button, for admins only. */
describe('console: merchants page', () => {
  let app: ConsoleApp;
  beforeAll(async () => {
    app = await consoleApp();
  });
  afterAll(async () => app?.close());

  const get = async (path: string, cookie: string) => fetch(`${app.baseUrl}${path}`, { headers: { cookie } });

  it('shows an admin each merchant: mode, API, mch_id, credentials verdict, last answer and notify', async () => {
    const admin = await app.session('admin');
    const res = await get('/console/merchants?lang=en', admin.cookie);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('<span class="mono">default</span>');
    expect(text).toContain('available');
    expect(text).toContain('Reload the merchants file');
    expect(text).toContain('href="/console/merchants"');
  });

  it('is refused to operators and viewers, and is not in their navigation', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      const session = await app.session(role);
      expect((await get('/console/merchants', session.cookie)).status).toBe(403);
      expect(await (await get('/console', session.cookie)).text()).not.toContain('href="/console/merchants"');
    }
  });

  it('says why a reload changed nothing (here: no MERCHANTS_FILE)', async () => {
    const admin = await app.session('admin');
    const res = await postForm(app, '/console/merchants/reload?lang=en', admin, { _csrf: admin.csrf });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('Not reloaded, nothing changed: no MERCHANTS_FILE');
  });
});
