import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HandleNotify } from '../../src/application/payments/handle-notify.js';
import { HandleRefundNotice } from '../../src/application/refunds/handle-refund-notice.js';
import { MerchantUnavailableError, UnknownMerchantError } from '../../src/application/ports/payment-gateways.js';
import { callbackFront } from '../../src/adapters/http/callback-front.js';
import { merchantCallbacks } from '../../src/adapters/http/merchant-callbacks.js';
import { Metrics } from '../../src/adapters/observability/metrics.js';
import { TOKENS } from '../../src/composition/tokens.js';
import { Money } from '../../src/domain/money.js';
import { anOrder } from '../support/builders.js';
import { InMemoryNotifyLog } from '../support/doubles/in-memory-notify-log.js';
import { InMemoryAuditLog } from '../support/doubles/in-memory-audit-log.js';
import { InMemoryGoodsCatalog } from '../support/doubles/in-memory-goods-catalog.js';
import { InMemoryIntegralLedger } from '../support/doubles/in-memory-integral-ledger.js';
import { InMemoryUserRepository } from '../support/doubles/in-memory-user-repository.js';
import { InProcessLock } from '../../src/adapters/in-process/in-process-lock.js';
import { InMemoryOrderRepository } from '../support/doubles/in-memory-order-repository.js';
import { ManualClock } from '../support/doubles/manual-clock.js';
import { RecordingAlerts } from '../support/doubles/recording-alerts.js';
import { lineSink, rebind, serviceContainer, silentLogger } from '../support/test-container.js';
import { paymentNotifyFields, signedNotifyXml } from '../support/wechat-test-signer.js';
import { writeMerchantsFolder } from '../support/merchants-files.js';
import { FakeMiniProgramLogin } from '../support/doubles/fake-mini-program-login.js';
import { createLogger } from '../../src/composition/logging.js';
import type { Logger } from 'pino';

const NORTH_KEY = 'N0rthApiKey0123456789abcdefABCDE';
const WEST_KEY = 'WestApiKey0123456789abcdefABCDEF';
const ENV = { NORTH_API_KEY: NORTH_KEY, WEST_API_KEY: WEST_KEY, NORTH_APP_SECRET: 'n', WEST_APP_SECRET: 'w' };

const north = {
  id: 'north',
  name: '北区店',
  mode: 'direct',
  apiVersion: 'v2',
  mchId: '1900000109',
  v2: { apiKey: 'env:NORTH_API_KEY', refunds: 'disabled' },
};
const west = {
  id: 'west',
  name: '西区店',
  mode: 'direct',
  apiVersion: 'v2',
  mchId: '1900000112',
  v2: { apiKey: 'env:WEST_API_KEY', refunds: 'disabled' },
};
const mp = (appId: string, merchant: string, isDefault = false) => ({
  appId,
  name: merchant,
  appSecret: `env:${merchant.toUpperCase()}_APP_SECRET`,
  merchant,
  ...(isDefault ? { default: true } : {}),
});
const twoShops = { merchants: [north, west], miniPrograms: [mp('wx1111111111111111', 'north', true), mp('wx4444444444444444', 'west')] };
/** A prepay of placeholder values, for a gateway that is to refuse it before it reaches WeChat. */
const aPrepay = () => ({
  outTradeNo: 'x',
  description: 'x',
  amount: Money.ofFen(1),
  openid: 'o',
  clientIp: '127.0.0.1',
  payableUntil: new Date(),
});

/** The service's container on a merchants file (sandbox mode), its order store, notify log and alerts in memory. */
function service(file: unknown, env: Record<string, string> = ENV, options: { logger?: Logger } = {}) {
  const path = writeMerchantsFolder(file);
  Object.assign(process.env, env);
  const clock = new ManualClock(new Date(Date.UTC(2026, 0, 15, 4, 0, 0)));
  const container = serviceContainer({ MERCHANTS_FILE: path, ...env }, { clock });
  const orders = new InMemoryOrderRepository();
  const alerts = new RecordingAlerts();
  const metrics = new Metrics(false);
  rebind(container, TOKENS.OrderRepository, orders);
  rebind(container, TOKENS.EventOutbox, orders.outbox);
  rebind(container, TOKENS.IntegralLedger, new InMemoryIntegralLedger());
  rebind(container, TOKENS.UserRepository, new InMemoryUserRepository());
  rebind(container, TOKENS.GoodsCatalog, new InMemoryGoodsCatalog([]));
  rebind(container, TOKENS.AuditLog, new InMemoryAuditLog());
  rebind(container, TOKENS.NotifyLog, new InMemoryNotifyLog());
  rebind(container, TOKENS.Lock, new InProcessLock());
  rebind(container, TOKENS.Alerts, alerts);
  rebind(container, TOKENS.Metrics, metrics);
  if (options.logger) rebind(container, TOKENS.Logger, options.logger);
  // Every login built, with the AppSecret it was built with.
  const logins: [string, string][] = [];
  rebind(container, TOKENS.MiniProgramLoginFactory, (appId: string, appSecret: string) => {
    logins.push([appId, appSecret]);
    return new FakeMiniProgramLogin();
  });
  return {
    path,
    logins,
    container,
    orders,
    alerts,
    metrics,
    clock,
    registry: container.get(TOKENS.MerchantRegistry),
    reloader: container.get(TOKENS.MerchantsReloader),
  };
}

afterEach(() => {
  for (const name of Object.keys(ENV)) delete process.env[name];
});

describe('the merchants of MERCHANTS_FILE in the registry', () => {
  it('registers each merchant with its account (name, mode), and each mini-program with its merchant', () => {
    const { registry, container } = service(twoShops);
    expect(registry.configured.map((a) => [a.id, a.name, a.mode, a.mchId, a.appId])).toEqual([
      ['north', '北区店', 'direct', '1900000109', 'wx1111111111111111'],
      ['west', '西区店', 'direct', '1900000112', 'wx4444444444444444'],
    ]);
    const miniPrograms = container.get(TOKENS.MiniPrograms);
    expect(miniPrograms.defaultAppId).toBe('wx1111111111111111');
    expect(miniPrograms.byAppId('wx4444444444444444')?.merchantId).toBe('west');
    expect(registry.idOf({ appId: 'wx4444444444444444', mchId: '1900000112' })).toBe('west');
    expect(() => registry.forMerchant('east')).toThrow(UnknownMerchantError);
  });

  it('marks a merchant whose credentials fail unavailable (503 naming it, metric 0, alert) and serves the others', async () => {
    const { WEST_API_KEY: _missing, ...env } = ENV;
    const { registry, metrics, alerts } = service(twoShops, env);
    expect(() => registry.forMerchant('west')).toThrow(new MerchantUnavailableError('west', 'credentials'));
    expect(() => registry.forMerchant('north')).not.toThrow();
    expect(() => registry.assertSells('west')).toThrow(new MerchantUnavailableError('west', 'credentials'));
    expect(() => registry.assertSells('north')).not.toThrow();
    expect(await registry.notifyVerifierOf('west').payment({ body: '', headers: {} })).toMatchObject({
      ok: false,
      error: { reason: 'merchantUnavailable' },
    });
    const gauge = await metrics.merchantAvailable.get();
    expect(gauge.values.map((v) => [v.labels.merchant, v.value])).toEqual([
      ['north', 1],
      ['west', 0],
    ]);
    expect(alerts.raised).toEqual([
      { kind: 'MerchantUnavailable', detail: { merchant: 'west', problems: ['merchants[1].v2.apiKey: env:WEST_API_KEY is not set'] } },
    ]);
    expect(registry.health().map((h) => [h.account.id, h.state])).toEqual([
      ['north', 'available'],
      ['west', 'unavailable'],
    ]);
  });
});

describe('"retired": true in MERCHANTS_FILE: retired from the start, so across restarts', () => {
  const retiredWest = {
    merchants: [north, { ...west, retired: true }],
    miniPrograms: [mp('wx1111111111111111', 'north', true), { ...mp('wx4444444444444444', 'west'), retired: true }],
  };

  it('serves a retired merchant’s orders with its credentials and its callbacks, and opens no new order for it', async () => {
    const { registry, metrics } = service(retiredWest);
    expect(registry.configured.map((a) => a.id)).toEqual(['north']);
    expect(registry.merchantIds).toEqual(['north', 'west']);
    const gateway = registry.forMerchant('west');
    expect(typeof gateway.refund).toBe('function');
    const prepay = aPrepay();
    await expect(gateway.createPrepay(prepay)).rejects.toThrow(new MerchantUnavailableError('west', 'retired'));
    await expect(gateway.createPrepay(prepay)).rejects.toThrow("merchant 'west' is retired: it takes no new orders");
    // Asked before a prepay opens an order (or spends coins).
    expect(() => registry.assertSells('west')).toThrow(new MerchantUnavailableError('west', 'retired'));
    expect(() => registry.assertSells('north')).not.toThrow();
    expect(() => registry.assertSells('east')).toThrow(UnknownMerchantError);
    // Its late notices (naming its retired mini-program's appid) are still its own, verified with its key.
    expect(registry.idOf({ appId: 'wx4444444444444444', mchId: '1900000112' })).toBe('west');
    const notice = signedNotifyXml(paymentNotifyFields({ appid: 'wx4444444444444444', mch_id: '1900000112' }), { apiKey: WEST_KEY });
    expect(await registry.notifyVerifierOf('west').payment({ body: notice, headers: {} })).toMatchObject({ ok: true });
    expect(registry.health().map((h) => [h.account.id, h.state])).toEqual([
      ['north', 'available'],
      ['west', 'retired'],
    ]);
    expect((await metrics.merchantAvailable.get()).values.map((v) => [v.labels.merchant, v.value])).toEqual([['north', 1]]);
    expect((await metrics.merchantRetired.get()).values.map((v) => [v.labels.merchant, v.value])).toEqual([['west', 1]]);
  });

  it('answers for a retired mini-program as for a removed one: none of ours, no login', () => {
    const { container } = service(retiredWest);
    expect(container.get(TOKENS.MiniPrograms).byAppId('wx4444444444444444')).toBeUndefined();
    expect(
      container
        .get(TOKENS.MiniPrograms)
        .all()
        .map((p) => p.appId),
    ).toEqual(['wx1111111111111111']);
    expect(container.get(TOKENS.MiniProgramLogins).forApp('wx4444444444444444')).toBeUndefined();
  });

  it('sells again once a reload unmarks it', async () => {
    const { path, registry, reloader, container, metrics } = service(retiredWest);
    writeFileSync(path, JSON.stringify(twoShops));
    expect(await reloader.reload('test')).toMatchObject({
      ok: true,
      added: ['west'],
      retired: [],
      miniPrograms: { added: ['wx4444444444444444'], removed: [] },
    });
    expect(registry.configured.map((a) => a.id)).toEqual(['north', 'west']);
    expect(container.get(TOKENS.MiniPrograms).byAppId('wx4444444444444444')?.merchantId).toBe('west');
    expect(registry.health().map((h) => h.state)).toEqual(['available', 'available']);
    expect((await metrics.merchantRetired.get()).values).toEqual([]);
  });
});

describe('reloading MERCHANTS_FILE', () => {
  it('swaps in a file that validates: a new merchant serves, a removed one is retired (its orders served, no new prepay)', async () => {
    const { path, registry, reloader, metrics } = service(twoShops);
    const south = { ...west, id: 'south', name: '南区店', mchId: '1900000113' };
    writeFileSync(
      path,
      JSON.stringify({
        merchants: [north, south],
        miniPrograms: [mp('wx1111111111111111', 'north', true), mp('wx5555555555555555', 'south')],
      }),
    );
    Object.assign(process.env, { SOUTH_APP_SECRET: 's' });
    const outcome = await reloader.reload('test');
    delete process.env.SOUTH_APP_SECRET;
    expect(outcome).toEqual({
      ok: true,
      added: ['south'],
      retired: ['west'],
      kept: ['north'],
      unavailable: [],
      miniPrograms: { added: ['wx5555555555555555'], removed: ['wx4444444444444444'], changed: [] },
      warnings: [],
    });
    expect(registry.configured.map((a) => a.id)).toEqual(['north', 'south']);
    expect(registry.merchantIds).toEqual(['north', 'south', 'west']);
    // west's orders: still queried, closed and refunded with west's credentials; a new prepay is refused.
    const retired = registry.forMerchant('west');
    expect(typeof retired.queryOrder).toBe('function');
    await expect(retired.createPrepay(aPrepay())).rejects.toThrow(new MerchantUnavailableError('west', 'removed'));
    expect(() => registry.assertSells('west')).toThrow(new MerchantUnavailableError('west', 'removed'));
    expect(registry.idOf({ appId: 'wx4444444444444444', mchId: '1900000112' })).toBe('west');
    expect(registry.health().map((h) => [h.account.id, h.state])).toEqual([
      ['north', 'available'],
      ['south', 'available'],
      ['west', 'retired'],
    ]);
    expect((await metrics.merchantAvailable.get()).values.map((v) => v.labels.merchant).sort()).toEqual(['north', 'south']);
  });

  it('changes nothing on a file that does not validate, and says why (returned, alerted)', async () => {
    const { path, registry, reloader, alerts } = service(twoShops);
    const gatewayBefore = registry.forMerchant('west');
    writeFileSync(path, JSON.stringify({ merchants: [north, { ...west, id: 'north' }], miniPrograms: twoShops.miniPrograms }));
    const outcome = await reloader.reload('admin-token');
    expect(outcome).toEqual({
      ok: false,
      problems: [
        "MERCHANTS_FILE merchants[1].id: id north is already merchants[0].id's",
        'MERCHANTS_FILE miniPrograms[1].merchant: no merchant west in merchants',
      ],
    });
    expect(alerts.raised.map((a) => a.kind)).toEqual(['MerchantsReloadRefused']);
    expect(registry.configured.map((a) => a.id)).toEqual(['north', 'west']);
    expect(registry.forMerchant('west')).toBe(gatewayBefore);
    writeFileSync(path, '{ not json');
    expect(await reloader.reload('admin-token')).toMatchObject({ ok: false, problems: [expect.stringMatching(/not JSON/)] });
    expect(registry.configured.map((a) => a.id)).toEqual(['north', 'west']);
  });

  it('reloads the mini-programs too: an added one serves, a removed one is none of ours, a changed AppSecret logs in next', async () => {
    const { path, registry, reloader, container, logins } = service(twoShops);
    const miniPrograms = container.get(TOKENS.MiniPrograms);
    const byApp = container.get(TOKENS.MiniProgramLogins);
    expect(byApp.forApp('wx4444444444444444')).toBeDefined();
    writeFileSync(
      path,
      JSON.stringify({
        merchants: [north, west],
        miniPrograms: [mp('wx1111111111111111', 'north', true), { ...mp('wx5555555555555555', 'west'), appSecret: 'env:EXTRA_APP_SECRET' }],
      }),
    );
    Object.assign(process.env, { EXTRA_APP_SECRET: 'extra', NORTH_APP_SECRET: 'n-2' });
    const outcome = await reloader.reload('test');
    delete process.env.EXTRA_APP_SECRET;
    expect(outcome).toMatchObject({
      ok: true,
      added: [],
      retired: [],
      kept: ['north', 'west'],
      miniPrograms: { added: ['wx5555555555555555'], removed: ['wx4444444444444444'], changed: ['wx1111111111111111'] },
    });
    expect(miniPrograms.byAppId('wx5555555555555555')).toEqual({ appId: 'wx5555555555555555', name: 'west', merchantId: 'west' });
    expect(miniPrograms.byAppId('wx4444444444444444')).toBeUndefined();
    expect(registry.idOf({ appId: 'wx5555555555555555', mchId: '1900000112' })).toBe('west');
    expect(byApp.forApp('wx4444444444444444')).toBeUndefined();
    expect(byApp.forApp('wx5555555555555555')).toBeDefined();
    expect(byApp.forApp('wx1111111111111111')).toBeDefined();
    expect(logins).toEqual([
      ['wx4444444444444444', 'w'],
      ['wx5555555555555555', 'extra'],
      ['wx1111111111111111', 'n-2'],
    ]);
  });

  it('refuses, changing nothing, a file whose default mini-program is another (its tokens carry no appid)', async () => {
    const { path, reloader, container, alerts } = service(twoShops);
    writeFileSync(
      path,
      JSON.stringify({
        merchants: [north, west],
        miniPrograms: [mp('wx1111111111111111', 'north'), mp('wx4444444444444444', 'west', true)],
      }),
    );
    expect(await reloader.reload('test')).toEqual({
      ok: false,
      problems: [
        'MERCHANTS_FILE miniPrograms[1].default: the default mini-program is wx1111111111111111 until a restart (its tokens ' +
          'carry no appid, so they would be taken as wx4444444444444444\'s); keep wx1111111111111111 "default": true',
      ],
    });
    expect(alerts.raised.map((a) => a.kind)).toEqual(['MerchantsReloadRefused']);
    expect(container.get(TOKENS.MiniPrograms).defaultAppId).toBe('wx1111111111111111');
  });

  it('refuses moving a mini-program to another merchant while it has orders under its own; takes a move without orders', async () => {
    const { path, reloader, orders, container, registry } = service(twoShops);
    const miniPrograms = container.get(TOKENS.MiniPrograms);
    await orders.insert(anOrder({ merchantId: 'west', appId: 'wx4444444444444444' }));
    const file = (programs: unknown[]) => writeFileSync(path, JSON.stringify({ merchants: [north, west], miniPrograms: programs }));
    Object.assign(process.env, { EXTRA_APP_SECRET: 'extra' });
    const extra = (merchant: string) => ({ ...mp('wx5555555555555555', merchant), appSecret: 'env:EXTRA_APP_SECRET' });

    file([mp('wx1111111111111111', 'north', true), mp('wx4444444444444444', 'north'), extra('west')]);
    expect(await reloader.reload('test')).toEqual({
      ok: false,
      problems: [
        'MERCHANTS_FILE miniPrograms[1].merchant: wx4444444444444444 sells through west and has orders there; moving it to ' +
          'north would split its users, goods and coins from those orders (which keep west); keep it at west, or give ' +
          'north a mini-program of its own',
      ],
    });
    expect(miniPrograms.byAppId('wx4444444444444444')?.merchantId).toBe('west');
    expect(miniPrograms.byAppId('wx5555555555555555')).toBeUndefined();

    // The database cannot say: refused (never a rejected reload, which SIGHUP would leave unhandled).
    const list = orders.list.bind(orders);
    orders.list = () => Promise.reject(new Error('SELECT … connection lost'));
    expect(await reloader.reload('test')).toEqual({
      ok: false,
      problems: [
        'MERCHANTS_FILE miniPrograms[1].merchant: moving wx4444444444444444 from west to north needs to know whether it ' +
          'has orders there, and the database did not answer; try again',
      ],
    });
    orders.list = list;

    // wx555: added under west, then moved to north before it took an order.
    file([mp('wx1111111111111111', 'north', true), mp('wx4444444444444444', 'west'), extra('west')]);
    expect(await reloader.reload('test')).toMatchObject({ ok: true });
    file([mp('wx1111111111111111', 'north', true), mp('wx4444444444444444', 'west'), extra('north')]);
    expect(await reloader.reload('test')).toMatchObject({ ok: true });
    delete process.env.EXTRA_APP_SECRET;
    expect(miniPrograms.byAppId('wx5555555555555555')?.merchantId).toBe('north');
    expect(registry.idOf({ appId: 'wx5555555555555555', mchId: '1900000109' })).toBe('north');
    // west keeps knowing it (a notice for an order it took before the move would name it); it has none.
    expect(registry.idOf({ appId: 'wx5555555555555555', mchId: '1900000112' })).toBe('west');
  });

  it("masks in the log, from the reload on, the secrets first read at it (a new merchant's key, a new AppSecret)", async () => {
    const { lines, sink } = lineSink();
    const logger = createLogger('info', [], sink);
    const { path, reloader } = service(twoShops, ENV, { logger });
    const southKey = 'S0uthApiKey0123456789abcdefABCDE';
    const southSecret = 'south-app-secret-first-seen';
    writeFileSync(
      path,
      JSON.stringify({
        merchants: [north, west, { ...west, id: 'south', mchId: '1900000113', v2: { apiKey: 'env:SOUTH_API_KEY', refunds: 'disabled' } }],
        miniPrograms: [...twoShops.miniPrograms, mp('wx5555555555555555', 'south')],
      }),
    );
    Object.assign(process.env, { SOUTH_API_KEY: southKey, SOUTH_APP_SECRET: southSecret });
    expect(await reloader.reload('test')).toMatchObject({ ok: true, added: ['south'] });
    delete process.env.SOUTH_API_KEY;
    delete process.env.SOUTH_APP_SECRET;
    logger.info({ detail: `key ${southKey}` }, `secret ${southSecret}`);
    logger.child({ reqId: 'r' }).warn(`again ${southSecret}`);
    const written = lines.join('');
    expect(written).toContain('merchants reloaded');
    expect(written).not.toContain(southKey);
    expect(written).not.toContain(southSecret);
    expect(written.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(3);
  });

  it('warns, removing all the same, when a removed merchant or mini-program has orders: keep it "retired": true', async () => {
    const { path, reloader, orders, registry } = service(twoShops);
    await orders.insert(anOrder({ merchantId: 'west', appId: 'wx4444444444444444' }));
    writeFileSync(path, JSON.stringify({ merchants: [north], miniPrograms: [mp('wx1111111111111111', 'north', true)] }));
    const outcome = await reloader.reload('test');
    expect(outcome).toMatchObject({ ok: true, retired: ['west'], miniPrograms: { removed: ['wx4444444444444444'] } });
    expect(outcome.ok && outcome.warnings).toEqual([
      'merchant west was removed but has orders: they are reconciled and refundable only until a restart; keep it in ' +
        'MERCHANTS_FILE with "retired": true',
      'mini-program wx4444444444444444 was removed but has orders: they are reconciled and refundable only until a ' +
        'restart; keep it in MERCHANTS_FILE with "retired": true',
    ]);
    expect(registry.health().map((h) => [h.account.id, h.state])).toEqual([
      ['north', 'available'],
      ['west', 'retired'],
    ]);
    // Back, then removed again with a database that does not answer: said too, never a rejected reload.
    writeFileSync(path, JSON.stringify(twoShops));
    expect(await reloader.reload('test')).toMatchObject({ ok: true, warnings: [] });
    orders.list = () => Promise.reject(new Error('SELECT … connection lost'));
    writeFileSync(path, JSON.stringify({ merchants: [north], miniPrograms: [mp('wx1111111111111111', 'north', true)] }));
    const unknown = await reloader.reload('test');
    expect(unknown).toMatchObject({
      ok: true,
      warnings: [
        expect.stringMatching(/^merchant west was removed, and whether it has orders is unknown \(the database did not answer\)/),
        expect.stringMatching(/^mini-program wx4444444444444444 was removed, and whether it has orders is unknown/),
      ],
    });
    expect(JSON.stringify(unknown)).not.toContain('SELECT');
  });

  it('does not warn when what it removes has no orders, nor when the file marks it retired instead', async () => {
    const { path, reloader, orders } = service(twoShops);
    writeFileSync(path, JSON.stringify({ merchants: [north], miniPrograms: [mp('wx1111111111111111', 'north', true)] }));
    expect(await reloader.reload('test')).toMatchObject({ ok: true, retired: ['west'], warnings: [] });
    writeFileSync(path, JSON.stringify(twoShops));
    expect(await reloader.reload('test')).toMatchObject({ ok: true, added: ['west'], warnings: [] });
    await orders.insert(anOrder({ merchantId: 'west', appId: 'wx4444444444444444' }));
    writeFileSync(
      path,
      JSON.stringify({
        merchants: [north, { ...west, retired: true }],
        miniPrograms: [mp('wx1111111111111111', 'north', true), { ...mp('wx4444444444444444', 'west'), retired: true }],
      }),
    );
    expect(await reloader.reload('test')).toEqual({
      ok: true,
      added: [],
      retired: ['west'],
      kept: ['north'],
      unavailable: [],
      miniPrograms: { added: [], removed: ['wx4444444444444444'], changed: [] },
      warnings: [],
    });
  });

  it('without MERCHANTS_FILE, refuses to reload and says the environment needs a restart', async () => {
    const container = serviceContainer({});
    expect(await container.get(TOKENS.MerchantsReloader).reload('test')).toEqual({
      ok: false,
      problems: ['no MERCHANTS_FILE: the merchant comes from the environment, which only a restart reads again'],
    });
  });
});

describe('per-merchant callbacks: /wechat/pay-notify/{merchant}', () => {
  const servers: { close(): void }[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  async function serve(s: ReturnType<typeof service>, front: boolean) {
    const notifyLog = new InMemoryNotifyLog();
    const handleNotify = s.container.get(HandleNotify);
    const handleRefund = s.container.get(HandleRefundNotice);
    const callbacks = merchantCallbacks({
      notifyLog,
      clock: s.clock,
      metrics: s.metrics,
      logger: silentLogger,
      deadlineMs: 500,
      verifierOf: (id) => {
        try {
          return s.registry.notifyVerifierOf(id);
        } catch {
          return undefined;
        }
      },
      handlePayment: (n, id) => handleNotify.execute(n, id),
      handleRefund: (n, id) => handleRefund.execute(n, id),
    });
    const app = express().use(...callbacks.router);
    const handler = callbackFront({ endpoints: [], endpointOf: callbacks.endpointOf, logger: silentLogger, trustProxyHops: 0 });
    const server = front ? createServer((req, res) => void (handler(req, res) || app(req, res))) : app.listen(0);
    if (front) server.listen(0);
    servers.push(server);
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const post = async (path: string, body: string) =>
      (await fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } })).text();
    return { post, notifyLog };
  }

  for (const front of [false, true]) {
    it(`refuses a notice signed by north that names west's order, at either URL, and alerts (${front ? 'front handler' : 'Express'})`, async () => {
      const s = service(twoShops);
      const westOrder = anOrder({ merchantId: 'west' });
      await s.orders.insert(westOrder);
      const { post, notifyLog } = await serve(s, front);
      const outTradeNo = westOrder.state.outTradeNo.value;
      const byNorth = signedNotifyXml(
        paymentNotifyFields({ appid: 'wx1111111111111111', mch_id: '1900000109', out_trade_no: outTradeNo }),
        { apiKey: NORTH_KEY },
      );
      // At north's URL it verifies (north's key), but the order is west's: FAIL, ForeignMerchant, an alert.
      expect(await post('/wechat/pay-notify/north', byNorth)).toContain('FAIL');
      expect(notifyLog.entries).toMatchObject([{ outTradeNo, verdict: 'FAIL', detail: 'ForeignMerchant' }]);
      // At west's URL north's signature does not verify with west's key: refused before anything is read.
      expect(await post('/wechat/pay-notify/west', byNorth)).toContain('FAIL');
      expect(notifyLog.entries).toHaveLength(1);
      // A notice naming west's account, signed with west's key, sent to north's URL: north's verifier refuses it.
      const byWest = signedNotifyXml(paymentNotifyFields({ appid: 'wx4444444444444444', mch_id: '1900000112', out_trade_no: outTradeNo }), {
        apiKey: WEST_KEY,
      });
      expect(await post('/wechat/pay-notify/north', byWest)).toContain('FAIL');
      expect(notifyLog.entries).toHaveLength(1);
      expect(await post('/wechat/pay-notify/nobody', byWest)).toContain('FAIL');
      expect(notifyLog.entries).toHaveLength(1);
      expect((await s.orders.findByOutTradeNo(outTradeNo))?.state.status).toBe('CHECKED');
    });
  }

  it("verifies a late notice for an order of a mini-program a reload removed, as its merchant's", async () => {
    const s = service(twoShops);
    const order = anOrder({ merchantId: 'west', appId: 'wx4444444444444444' });
    // wx444 leaves the file (west keeps serving, through wx555): its order was opened before, and is paid after.
    writeFileSync(
      s.path,
      JSON.stringify({
        merchants: [north, west],
        miniPrograms: [mp('wx1111111111111111', 'north', true), { ...mp('wx5555555555555555', 'west'), appSecret: 'env:WEST_APP_SECRET' }],
      }),
    );
    expect(await s.reloader.reload('test')).toMatchObject({ ok: true });
    expect(s.container.get(TOKENS.MiniPrograms).byAppId('wx4444444444444444')).toBeUndefined();
    const fields = { appid: 'wx4444444444444444', mch_id: '1900000112', out_trade_no: order.state.outTradeNo.value };
    const byWest = signedNotifyXml(paymentNotifyFields(fields), { apiKey: WEST_KEY });
    // West's verifier takes it (an appid west never sold through is refused), and the notice is west's.
    expect(await s.registry.notifyVerifierOf('west').payment({ body: byWest, headers: {} })).toMatchObject({ ok: true });
    const never = signedNotifyXml(paymentNotifyFields({ ...fields, appid: 'wx9999999999999999' }), { apiKey: WEST_KEY });
    expect(await s.registry.notifyVerifierOf('west').payment({ body: never, headers: {} })).toMatchObject({ ok: false });
    expect(s.registry.idOf({ appId: 'wx4444444444444444', mchId: '1900000112' })).toBe('west');
  });

  it('hands the use case the merchant of the URL: a notice of north verified elsewhere is not west’s to settle', async () => {
    const s = service(twoShops);
    const northOrder = anOrder({ merchantId: 'north' });
    await s.orders.insert(northOrder);
    const notice = {
      appId: 'wx1111111111111111',
      mchId: '1900000109',
      outTradeNo: northOrder.state.outTradeNo.value,
      transactionId: '4200000000000000000000000001',
      totalFee: northOrder.state.cash,
      succeeded: true,
    };
    expect(await s.container.get(HandleNotify).execute(notice, 'west')).toEqual({ ack: false, reason: 'ForeignMerchant', alert: true });
    expect(await s.container.get(HandleNotify).execute({ ...notice, succeeded: false }, 'north')).toEqual({
      ack: true,
      result: 'failureReported',
    });
  });
});

describe("the seed's callback paths with a merchants file", () => {
  // Any configured merchant's notice may arrive there. An API v2 notice names its mch_id in clear and only a merchant
  // of that mch_id can accept it (its verifier checks the fields it signed), so only those are asked: not every
  // merchant in turn, which would cost one parse and signature per merchant and let a forgery make us compute them all.
  const verifierAsked = (s: ReturnType<typeof service>) => {
    const spy = vi.spyOn(s.registry, 'notifyVerifierOf');
    return () => spy.mock.calls.map(([id]) => id);
  };

  it("asks only the merchants of the notice's mch_id", async () => {
    const s = service(twoShops);
    const asked = verifierAsked(s);
    const byWest = signedNotifyXml(paymentNotifyFields({ appid: 'wx4444444444444444', mch_id: '1900000112', out_trade_no: '1' }), {
      apiKey: WEST_KEY,
    });
    const verdict = await s.container.get(TOKENS.NotifyVerifier).payment({ body: byWest, headers: {} });
    expect(verdict).toMatchObject({ ok: true, value: { mchId: '1900000112' } });
    expect(asked()).toEqual(['west']);
  });

  it("asks only the first merchant (whose refusal is the one reported) when no merchant has the notice's mch_id, or the XML does not read", async () => {
    const s = service(twoShops);
    const asked = verifierAsked(s);
    const verifier = s.container.get(TOKENS.NotifyVerifier);
    const stranger = signedNotifyXml(paymentNotifyFields({ appid: 'wx4444444444444444', mch_id: '1900000999', out_trade_no: '1' }), {
      apiKey: WEST_KEY,
    });
    expect(await verifier.payment({ body: stranger, headers: {} })).toMatchObject({ ok: false });
    expect(await verifier.refund({ body: '<xml><mch_id>1900000112', headers: {} })).toMatchObject({ ok: false });
    expect(asked()).toEqual(['north', 'north']);
  });
});
