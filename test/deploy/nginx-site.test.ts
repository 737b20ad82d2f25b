import { mkdtempSync, readFileSync } from 'node:fs';
import { SAMPLE_MERCHANT } from '../../src/adapters/wechatpay/shared/sample-merchant.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  adaptNginxSite,
  describeIfTool,
  freePort,
  httpsRequest,
  NGINX,
  NGINX_SITE,
  nginxPrefix,
  nginxTest,
  startNginx,
  throwAwayCertificate,
  type HttpsAnswer,
  type NginxPrefix,
} from '../support/deploy-kit.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

/**
 * Issue 21 #2 and "test the kit with the real parts": Debian's nginx runs the shipped site (docs/deploy/nginx-wxpay.conf,
 * only its ports, upstream, certificate and log paths changed) with a throw-away certificate in front of the service.
 * A mini-program user on another address logs in, asks for a prepay and pays; WeChat's notify reaches the service
 * through nginx over HTTPS; the service, with TRUST_PROXY_HOPS=1, sees the user's address and not what the user
 * claimed in X-Forwarded-For. Both WeChat Pay APIs.
 */
const describeWithNginx = describeIfTool(NGINX, 'apt-get install -y nginx');

/** The mini-program's address: another loopback address than the one nginx and the service use. */
const CLIENT_ADDRESS = '127.0.0.2';
const SPOOFED = '203.0.113.77';

for (const api of ['v2', 'v3'] as const) {
  describeWithNginx(`the shipped nginx site in front of the service, API ${api}`, () => {
    let prefix: NginxPrefix;
    let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
    let service: ServiceProcess;
    let ca = '';
    let accessLog = '';
    let base = '';

    const send = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<HttpsAnswer> =>
      httpsRequest(`${base}${path}`, { ca, localAddress: CLIENT_ADDRESS, ...init });

    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wxpay-tls-'));
      const certificate = await throwAwayCertificate(dir);
      ca = readFileSync(certificate.certPath, 'utf8');
      const [httpPort, httpsPort] = [await freePort(), await freePort()];
      base = `https://127.0.0.1:${httpsPort}`;
      service = await startService({
        WECHAT_API_VERSION: api,
        TRUST_PROXY_HOPS: '1',
        // WeChat's notifies go to the public HTTPS address, i.e. through nginx; the simulator trusts the throw-away CA.
        WECHAT_NOTIFY_URL: `${base}/wechat/pay-notify`,
        WECHAT_REFUND_NOTIFY_URL: `${base}/wechat/refund-notify`,
        NODE_EXTRA_CA_CERTS: certificate.certPath,
      });
      accessLog = join(dir, 'access.log');
      const site = adaptNginxSite(readFileSync(NGINX_SITE, 'utf8'), {
        httpPort,
        httpsPort,
        upstreamPort: service.port,
        accessLog,
        ...certificate,
      });
      prefix = nginxPrefix(site);
      nginx = await startNginx(prefix, httpsPort);
    });

    afterAll(async () => {
      await nginx?.stop();
      await service?.stop();
    });

    it('passes nginx -t on this nginx', async () => {
      const result = await nginxTest(prefix);
      expect(result.output).toContain('test is successful');
      expect(result.ok).toBe(true);
    });

    it('carries the walk-through and the notify, and the service sees the client through X-Forwarded-For', async () => {
      const sim = `${service.baseUrl}/sandbox/wxpay`;
      const code = ((await (await fetch(`${sim}/control/code`, { method: 'POST' })).json()) as { code: string }).code;
      const login = await send('/wechat/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      });
      expect(login.status).toBe(200);
      const token = (JSON.parse(login.body) as { data: { token: string } }).data.token;
      const auth = { authorization: `Bearer ${token}` };

      const prepay = await send('/wechat/prepay?goods_id=1&paid_type=WXPAY', {
        headers: { ...auth, 'x-forwarded-for': SPOOFED, 'x-request-id': 'deploy-kit-prepay' },
      });
      expect(prepay.status).toBe(200);
      const params = (JSON.parse(prepay.body) as { data: { data: { package: string; outTradeNo: string; signType: string } } }).data.data;
      expect(params.signType).toBe(api === 'v3' ? 'RSA' : 'MD5');

      const paid = await fetch(`${sim}/control/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prepay_id: params.package.replace(/^prepay_id=/, '') }),
      });
      expect(paid.ok).toBe(true);

      // WeChat's notify reaches the service through nginx (its access log: from the simulator's address, acknowledged:
      // v2 with 200 and SUCCESS, v3 with an empty 204).
      const ack = api === 'v3' ? 204 : 200;
      const notified = new RegExp(`^127\\.0\\.0\\.1 .*"POST /wechat/pay-notify HTTP/1\\.1" ${ack} `, 'm');
      const served = (): boolean => service.output.some((line) => line.includes(`"url":"/wechat/pay-notify","status":${ack}`));
      for (let attempt = 0; attempt < 200 && !(notified.test(readFileSync(accessLog, 'utf8')) && served()); attempt++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const proxied = readFileSync(accessLog, 'utf8');
      expect(proxied).toMatch(notified);
      const order = await send(`/wechat/orders/${params.outTradeNo}`, { headers: auth });
      expect((JSON.parse(order.body) as { data: { status: string } }).data.status).toBe('SUCC');

      const lines = service.output
        .filter((line) => line.includes('"msg":"request"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.find((l) => l.url === '/wechat/pay-notify' && l.status === ack)).toMatchObject({ ip: '127.0.0.1' });

      // The prepay: the service took the client's address from nginx's X-Forwarded-For, not the one the client sent.
      const prepayLine = lines.find((l) => l.reqId === 'deploy-kit-prepay');
      expect(prepayLine).toBeUndefined(); // nginx replaces the client's X-Request-Id with its own $request_id
      const logged = lines.find((l) => typeof l.url === 'string' && l.url.startsWith('/wechat/prepay'));
      expect(logged).toMatchObject({ ip: CLIENT_ADDRESS, status: 200 });
      expect(JSON.stringify(lines)).not.toContain(SPOOFED);
      expect(proxied).toMatch(new RegExp(`^${CLIENT_ADDRESS.replace(/\./g, '\\.')} .*"GET /wechat/prepay`, 'm'));
    });

    it('publishes only the public API: admin, console, metrics, probes and the simulator answer 404 from nginx', async () => {
      for (const path of ['/admin/orders', '/console', '/metrics', '/healthz', '/readyz', '/sandbox/wxpay/control/code']) {
        const answer = await send(path);
        expect({ path, status: answer.status, server: answer.headers.server }).toMatchObject({
          path,
          status: 404,
          server: expect.stringMatching(/^nginx/),
        });
      }
      expect((await send('/goods')).status).toBe(200);
      // Another mini-program's API: the same routes under /mp/{appid}/ (here the default one's own prefix).
      expect((await send(`/mp/${SAMPLE_MERCHANT.appId}/goods`)).status).toBe(200);
    });

    it('redirects plain HTTP to HTTPS', async () => {
      const site = readFileSync(join(prefix.dir, 'wxpay.conf'), 'utf8');
      const httpPort = Number(/listen\s+127\.0\.0\.1:(\d+);/.exec(site)?.[1]);
      const answer = await fetch(`http://127.0.0.1:${httpPort}/wechat/pay-notify`, { redirect: 'manual' });
      expect(answer.status).toBe(301);
      expect(answer.headers.get('location')).toMatch(/^https:\/\//);
    });
  });
}
