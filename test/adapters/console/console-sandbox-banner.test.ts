import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleApp, postForm, type ConsoleApp, type ConsoleSession } from '../../support/console-app.js';

const BANNER = /<div class="sandbox-banner" role="note">/;

/** On the sandbox no payment is real: every console page says so, signed in or not, on errors too, in both languages. */
describe('the sandbox banner', () => {
  let sandbox: ConsoleApp;
  let live: ConsoleApp;
  let operator: ConsoleSession;
  let liveOperator: ConsoleSession;
  beforeAll(async () => {
    sandbox = await consoleApp({ gateway: 'sandbox' });
    live = await consoleApp({ gateway: 'wechat' });
    operator = await sandbox.session('operator');
    liveOperator = await live.session('operator');
  });
  afterAll(async () => {
    await sandbox?.close();
    await live?.close();
  });

  const pages = [
    '/console',
    '/console/orders',
    '/console/refunds',
    '/console/goods',
    '/console/users',
    '/console/reconciliation',
    '/console/nope',
  ];

  it('is on every page of a console on the sandbox, and on none of a live one', async () => {
    for (const path of pages) {
      const on = await (await fetch(`${sandbox.baseUrl}${path}`, { headers: { cookie: operator.cookie } })).text();
      expect(on, path).toMatch(BANNER);
      const off = await (await fetch(`${live.baseUrl}${path}`, { headers: { cookie: liveOperator.cookie } })).text();
      expect(off, path).not.toMatch(BANNER);
      expect(off, path).not.toContain('sandbox-banner');
    }
    expect(await (await fetch(`${sandbox.baseUrl}/console/login`)).text()).toMatch(BANNER);
    const refusal = await postForm(sandbox, `/console/users/${sandbox.f.user.uid}/grant`, operator, { _csrf: operator.csrf, amount: 'x' });
    expect(await refusal.text()).toMatch(BANNER);
  });

  it('speaks the page’s language', async () => {
    const zh = await (await fetch(`${sandbox.baseUrl}/console?lang=zh`, { headers: { cookie: operator.cookie } })).text();
    expect(zh).toContain('沙箱环境');
    const en = await (await fetch(`${sandbox.baseUrl}/console?lang=en`, { headers: { cookie: operator.cookie } })).text();
    expect(en).toContain('Sandbox');
  });
});
