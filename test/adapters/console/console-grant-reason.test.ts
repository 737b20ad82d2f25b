import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleApp, postForm, type ConsoleApp, type ConsoleSession } from '../../support/console-app.js';

/** A grant says why, and who gave it: both kept with the coins and shown in the user's coin history. */
describe('console coin grants carry a reason and their granter', () => {
  let app: ConsoleApp;
  let operator: ConsoleSession;
  beforeAll(async () => {
    app = await consoleApp();
    operator = await app.session('operator');
  });
  afterAll(async () => app?.close());

  const userPage = (lang = 'zh') =>
    fetch(`${app.baseUrl}/console/users/${app.f.user.uid}?lang=${lang}`, { headers: { cookie: operator.cookie } }).then((r) => r.text());
  const grantId = async () => /name="grant_id" value="([^"]+)"/.exec(await userPage())?.[1] ?? '';

  it('refuses a grant without a reason, in the page’s language, and grants nothing', async () => {
    for (const reason of [undefined, '', '   ']) {
      const form = { _csrf: operator.csrf, amount: '5', grant_id: await grantId(), ...(reason === undefined ? {} : { reason }) };
      const res = await postForm(app, `/console/users/${app.f.user.uid}/grant`, operator, form);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('发放原因不能为空');
    }
    expect(await app.f.ledger.balanceOf(app.f.user.uid)).toBe(0);
  });

  it('keeps the reason and the signed-in operator with the coins, and shows both in the coin history', async () => {
    const form = { _csrf: operator.csrf, amount: '8', grant_id: await grantId(), reason: '课程取消补偿 <b>' };
    const res = await postForm(app, `/console/users/${app.f.user.uid}/grant`, operator, form);
    expect(res.status).toBe(303);
    const [line] = await app.f.ledger.journalOf(app.f.user.uid, 1);
    expect(line).toMatchObject({ delta: 8, operation: 'grant', reason: '课程取消补偿 <b>', grantedBy: `operator:${operator.name}` });
    const page = await userPage();
    expect(page).toMatch(/<th>原因<\/th>\s*<th>操作人<\/th>/);
    expect(page).toContain('课程取消补偿 &lt;b&gt;');
    expect(page).toContain(`operator:${operator.name}`);
    expect(await userPage('en')).toMatch(/<th>Reason<\/th>\s*<th>Granted by<\/th>/);
    expect(app.f.audit.entries.at(-1)).toMatchObject({ action: 'coins.granted', note: '课程取消补偿 <b>' });
  });
});
