/**
 * Secrets in logs (issue 24 #3): one whole run of the service in sandbox mode at LOG_LEVEL=debug, through every door
 * that handles a credential (mini-program login and its jscode2session call, prepay, payment, admin API, metrics,
 * console sign-in and a console refund, and a caller who puts a token in a query string), then its entire log (and
 * the operator CLI's) is scanned for every configured secret and every code, token, cookie and password the run used.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniProgramUser, postJson, type Envelope } from '../support/mini-program.js';
import { operatorCli } from '../support/operator-cli.js';
import { startService, tempSqliteUrl, type ServiceProcess } from '../support/service-process.js';

const secret = (label: string): string => `${label}-${randomBytes(12).toString('hex')}`;

describe('a whole run writes no secret, code or token to its log', () => {
  const configured = {
    WECHAT_APP_SECRET: secret('appsecret'),
    WECHAT_API_KEY: randomBytes(16).toString('hex'),
    SESSION_SECRET: secret('session-secret-0123456789abcdef'),
    ADMIN_TOKEN: secret('admin-token'),
    METRICS_TOKEN: secret('metrics-token'),
  };
  const databaseUrl = tempSqliteUrl();
  const used: Record<string, string> = {};
  const cliOutput: string[] = [];
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await startService({ ...configured, DATABASE_URL: databaseUrl, LOG_LEVEL: 'debug', SANDBOX_TIME_SCALE: '0.001' });
  });
  afterAll(async () => service?.stop());

  it('through login, payment, admin, metrics and console, then scans every line', async () => {
    const base = service.baseUrl;
    const sim = `${base}/sandbox/wxpay`;

    // Mini-program login: the code goes to WeChat's jscode2session with the AppSecret in its query.
    const { code } = await postJson<{ code: string }>(`${sim}/control/code`, {});
    used.loginCode = code;
    const login = await postJson<Envelope<{ token: string }>>(`${base}/wechat/login`, { code });
    expect(login.errcode).toBe(200);
    used.bearer = login.data.token;
    // The same code again is refused (WeChat says it was used): an error path logs too.
    expect((await postJson<Envelope>(`${base}/wechat/login`, { code })).errcode).toBe(401);
    const user = await new MiniProgramUser(base).login();

    const params = await user.prepay(1);
    await user.pay(params);
    await user.waitForStatus(params.outTradeNo, 'SUCC');
    // A careless client puts its token in the query string: the access line must not keep it.
    const queried = await fetch(`${base}/wechat/orders/${params.outTradeNo}?access_token=${used.bearer}&token=${used.bearer}`, {
      headers: { authorization: `Bearer ${used.bearer}` },
    });
    expect(queried.status).toBeLessThan(500);

    const admin = { authorization: `Bearer ${configured.ADMIN_TOKEN}` };
    expect((await fetch(`${base}/admin/orders?limit=5`, { headers: admin })).status).toBe(200);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${configured.METRICS_TOKEN}` } })).status).toBe(200);
    expect(
      (await fetch(`${base}/admin/orders?limit=5`, { headers: { authorization: 'Bearer wrong-admin-token-0123456789' } })).status,
    ).toBe(401);

    // The console: an operator made by the CLI signs in and refunds part of the order.
    used.password = `pw-${randomBytes(9).toString('hex')}`;
    const cli = await operatorCli(databaseUrl, ['add', 'logscan', '--role', 'admin'], `${used.password}\n`);
    cliOutput.push(cli.stdout, cli.stderr);
    expect(cli.code).toBe(0);
    const form = await fetch(`${base}/console/login`);
    const loginCookie = (form.headers.getSetCookie().find((c) => c.startsWith('wxpay_console_login=')) ?? '').split(';')[0] ?? '';
    used.loginFormToken = /name="_login" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    used.loginCookie = loginCookie.split('=')[1] ?? '';
    const signedIn = await fetch(`${base}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
      body: new URLSearchParams({ _login: used.loginFormToken, name: 'logscan', password: used.password, next: '/console' }).toString(),
    });
    expect(signedIn.status).toBe(303);
    const cookie = (signedIn.headers.getSetCookie().find((c) => c.startsWith('wxpay_console=')) ?? '').split(';')[0] ?? '';
    used.consoleSession = cookie.split('=')[1] ?? '';
    const page = await (await fetch(`${base}/console/orders/${params.outTradeNo}`, { headers: { cookie } })).text();
    used.csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const refund = await fetch(`${base}/console/orders/${params.outTradeNo}/refund`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: base },
      body: new URLSearchParams({ _csrf: used.csrf, amount_fen: '100', request_key: 'log-scan-1', confirm: 'yes' }).toString(),
    });
    expect(refund.status).toBe(303);
    // A wrong password for the same operator: the failure path logs its line too.
    await fetch(`${base}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
      body: new URLSearchParams({ _login: used.loginFormToken, name: 'logscan', password: `${used.password}-wrong` }).toString(),
    });

    await service.stop();
    const log = [...service.output, ...cliOutput].join('\n');
    // The run did reach the doors that handle these: the scan below would mean nothing otherwise.
    expect(log).toMatch(/jscode2session\?[^"]*secret=\[redacted\]/);
    expect(log).toContain('js_code=[redacted]');
    expect(log).toContain('console sign-in');
    for (const [name, value] of Object.entries({ ...configured, ...used })) {
      expect(value.length, name).toBeGreaterThan(8);
      const line = log.split('\n').find((l) => l.includes(value));
      expect(line, `${name} appears in the log`).toBeUndefined();
    }
  }, 60_000);
});
