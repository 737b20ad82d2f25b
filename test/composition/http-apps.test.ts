import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { openApiPath } from '../../src/adapters/http/openapi/document.js';
import { loadConfig } from '../../src/composition/config.js';
import { buildContainer } from '../../src/composition/container.js';
import { buildHttpApps, type HttpApps } from '../../src/composition/http.js';
import { JobRunner } from '../../src/composition/jobs.js';
import { openResources, type OpenedResources } from '../../src/composition/resources.js';
import { silentLogger } from '../support/test-container.js';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  matchers?: ((path: string) => unknown)[];
}

/** `METHOD /path` of every route an Express app serves, nested routers included, the sandbox simulator excluded. */
function routesOf(app: Express): string[] {
  const walk = (stack: Layer[]): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) return Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${openApiPath(layer.route!.path)}`);
      // A router mounted at a path other than / (only the simulator is) is not part of the service's API.
      if (layer.handle?.stack && layer.matchers?.every((match) => match('/') !== false)) return walk(layer.handle.stack);
      return [];
    });
  return [...new Set(walk((app as unknown as { router: { stack: Layer[] } }).router.stack))].sort();
}

async function documented(app: Express, path = '/openapi.json'): Promise<string[]> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const { port } = server.address() as { port: number };
    const doc = (await (await fetch(`http://127.0.0.1:${port}${path}`)).json()) as { paths: Record<string, object> };
    return Object.entries(doc.paths)
      .flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
  } finally {
    server.close();
  }
}

/** Pages for people, not JSON API: the document itself, its page, and the operator console's pages. */
const NOT_API = (route: string): boolean => ['GET /docs', 'GET /openapi.json'].includes(route) || / \/console(\/|$)/.test(route);

describe('each listener documents exactly the routes it serves', () => {
  const opened: OpenedResources[] = [];
  afterAll(async () => Promise.all(opened.map((r) => r.close())));

  async function apps(env: Record<string, string>): Promise<HttpApps> {
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'wxpay-apps-')), 'db.sqlite')}`,
      ...env,
    });
    const resources = await openResources(config, silentLogger, { port: 0, embedSimulator: true });
    opened.push(resources);
    const container = buildContainer(config, resources);
    return buildHttpApps(container, resources, new JobRunner(container));
  }

  it('one listener: every route (admin included when ADMIN_TOKEN is set) is in its /openapi.json', async () => {
    const { public: app, admin } = await apps({ ADMIN_TOKEN: 'apps-admin-token-0123456789' });
    expect(admin).toBeUndefined();
    expect(routesOf(app).filter((r) => !NOT_API(r))).toEqual(await documented(app));
  });

  it('with ADMIN_PORT: the public app has no admin route and no /metrics; the admin app has them, and each documents itself', async () => {
    const { public: app, admin } = await apps({ ADMIN_TOKEN: 'apps-admin-token-0123456789', ADMIN_PORT: '0' });
    const publicRoutes = routesOf(app).filter((r) => !NOT_API(r));
    expect(publicRoutes.filter((r) => r.includes('/admin') || r.includes('/metrics'))).toEqual([]);
    expect(publicRoutes).toEqual(await documented(app));
    const adminRoutes = routesOf(admin!).filter((r) => !NOT_API(r));
    expect(adminRoutes).toContain('GET /metrics');
    expect(adminRoutes).toContain('POST /admin/orders/{outTradeNo}/refund');
    expect(adminRoutes.filter((r) => r.includes('/wechat/'))).toEqual([]);
    expect(adminRoutes).toEqual(await documented(admin!));
    // The operator console goes with the admin API: served on the admin listener only.
    expect(routesOf(app).filter((r) => r.includes('/console'))).toEqual([]);
    expect(routesOf(admin!)).toContain('GET /console/orders/{outTradeNo}');
    expect(routesOf(admin!)).toContain('POST /console/orders/{outTradeNo}/refund');
  });
});

describe('every answer of every listener carries the security headers (one rule)', () => {
  const opened: OpenedResources[] = [];
  afterAll(async () => Promise.all(opened.map((r) => r.close())));

  it('each GET route, the sandbox, a 404 and an error: framing, sniffing and referrers refused; HTML pages included', async () => {
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'wxpay-apps-')), 'db.sqlite')}`,
      ADMIN_TOKEN: 'apps-admin-token-0123456789',
      ADMIN_PORT: '0',
    });
    const resources = await openResources(config, silentLogger, { port: 0, embedSimulator: true });
    opened.push(resources);
    const container = buildContainer(config, resources);
    const { public: app, admin } = buildHttpApps(container, resources, new JobRunner(container));
    let html = 0;
    for (const served of [app, admin!]) {
      const server = served.listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      try {
        const { port } = server.address() as { port: number };
        const paths = routesOf(served)
          .filter((r) => r.startsWith('GET '))
          .map((r) => r.slice(4).replace(/\{[^}]+\}/g, '1'));
        for (const path of [...paths, '/no-such-page', '/console/login', '/sandbox/wxpay/pay/unifiedorder', '/%ZZ']) {
          const res = await fetch(`http://127.0.0.1:${port}${path}`, { redirect: 'manual' });
          const where = `${res.status} ${path} (${res.headers.get('content-type') ?? 'no body'})`;
          expect(res.headers.get('x-frame-options'), where).toBe('DENY');
          expect(res.headers.get('x-content-type-options'), where).toBe('nosniff');
          expect(res.headers.get('referrer-policy'), where).toBe('same-origin');
          expect(res.headers.get('content-security-policy'), where).toContain("frame-ancestors 'none'");
          if (res.headers.get('content-type')?.startsWith('text/html')) html++;
          await res.arrayBuffer();
        }
      } finally {
        server.close();
      }
    }
    // /docs and the console's sign-in page at least: the rule was checked on pages, not only on JSON.
    expect(html).toBeGreaterThanOrEqual(2);
  });
});
