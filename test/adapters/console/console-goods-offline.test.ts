import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleApp, postForm, type ConsoleApp, type ConsoleSession } from '../../support/console-app.js';

/** Taking goods offline stops every sale of them: the console asks first, whichever form does it. */
describe('console: goods go offline only once confirmed', () => {
  let app: ConsoleApp;
  let admin: ConsoleSession;
  beforeAll(async () => {
    app = await consoleApp();
    admin = await app.session('admin');
  });
  afterAll(async () => app?.close());

  const online = async () => (await app.f.goods.findById(3))?.online;
  const audited = () => app.f.audit.entries.filter((e) => e.action === 'goods.updated').length;

  it('the list’s 下架 button asks first; the confirmation takes them offline; 上架 needs no confirmation', async () => {
    const before = audited();
    const ask = await postForm(app, '/console/goods/3/online', admin, { _csrf: admin.csrf, online: '0' });
    expect(ask.status).toBe(200);
    const page = await ask.text();
    expect(page).toContain('确认下架');
    expect(page).toContain('Yoga course');
    expect(page).toMatch(/<input type="hidden" name="confirm" value="yes" \/>/);
    expect(await online()).toBe(true);
    expect(audited()).toBe(before);

    const done = await postForm(app, '/console/goods/3/online', admin, { _csrf: admin.csrf, online: '0', confirm: 'yes' });
    expect(done.status).toBe(303);
    expect(await online()).toBe(false);

    const back = await postForm(app, '/console/goods/3/online', admin, { _csrf: admin.csrf, online: '1' });
    expect(back.status).toBe(303);
    expect(await online()).toBe(true);
  });

  it('the edit form asks too when it unticks 上架, and the confirmation saves the whole edit', async () => {
    const edit = { _csrf: admin.csrf, name: 'Yoga course II', market_price: '99', sale_price: '69', integral: '30' };
    const ask = await postForm(app, '/console/goods/3', admin, edit);
    expect(ask.status).toBe(200);
    const page = await ask.text();
    expect(page).toContain('确认下架');
    expect(await app.f.goods.findById(3)).toMatchObject({ name: 'Yoga course', online: true });
    const fields = Object.fromEntries([...page.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    expect(fields).toMatchObject({ name: 'Yoga course II', market_price: '99', sale_price: '69', integral: '30', confirm: 'yes' });
    const done = await postForm(app, '/console/goods/3', admin, { ...fields, _csrf: admin.csrf } as Record<string, string>);
    expect(done.status).toBe(303);
    expect(await app.f.goods.findById(3)).toMatchObject({ name: 'Yoga course II', online: false });
  });

  it('asks in English on an English page', async () => {
    await postForm(app, '/console/goods/3/online', admin, { _csrf: admin.csrf, online: '1' });
    const res = await fetch(`${app.baseUrl}/console/goods/3/online?lang=en`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.baseUrl, cookie: admin.cookie },
      body: new URLSearchParams({ _csrf: admin.csrf, online: '0' }).toString(),
    });
    expect(await res.text()).toContain('Take offline?');
  });
});
