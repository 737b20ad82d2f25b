import { readFileSync } from 'node:fs';
import type { Express } from 'express';
import type { Container } from 'inversify';
import type { Logger } from 'pino';
import { GetOrderStatus } from '../application/get-order-status.js';
import { HandleNotify } from '../application/handle-notify.js';
import { Login } from '../application/login.js';
import type { Clock } from '../application/ports/clock.js';
import type { JobLease } from '../application/ports/job-lease.js';
import type { Lock } from '../application/ports/lock.js';
import { HandleRefundNotice } from '../application/handle-refund-notice.js';
import { ReconcileBill } from '../application/reconcile-bill.js';
import { ReconcilePending, type ReconcileReport } from '../application/reconcile-pending.js';
import { RefundOrder } from '../application/refund-order.js';
import { RelayPaymentEvents } from '../application/relay-payment-events.js';
import { RequestPrepay } from '../application/request-prepay.js';
import { Money } from '../domain/money.js';
import type { Config } from './config.js';
import { buildContainer } from './container.js';
import { TOKENS } from './tokens.js';
import { FanOutEventSink, LogEventSink, WebhookEventSink } from './events/event-sinks.js';
import { adminRoutes } from './http/admin-routes.js';
import { createHttpApp } from './http/app.js';
import { refundNotifyRoute } from './http/refund-notify-route.js';
import { BILL_CHECK_INTERVAL_MS, DailyBillReconciliation } from './jobs/daily-bill.js';
import { startPeriodicJob } from './jobs/periodic-job.js';
import { MikroEventOutbox } from './persistence/mikro-event-outbox.js';
import { MikroIntegralLedger } from './persistence/mikro-integral-ledger.js';
import { goodsRoutes } from './http/goods-routes.js';
import { instrumentGateway } from './http/instrumented-gateway.js';
import { Metrics } from './http/metrics.js';
import { notifyRoute } from './http/notify-route.js';
import { opsRoutes, type ReadinessCheck } from './http/ops-routes.js';
import { SessionTokens } from './http/session-tokens.js';
import { wechatRoutes } from './http/wechat-routes.js';
import { InMemoryJobLease } from './memory/in-memory-job-lease.js';
import { InMemoryLock } from './memory/in-memory-lock.js';
import { MikroGoodsCatalog, type GoodsDraft } from './persistence/mikro-goods-catalog.js';
import { MikroNotifyLog } from './persistence/mikro-notify-log.js';
import { MikroOrderRepository } from './persistence/mikro-order-repository.js';
import { MikroUserRepository } from './persistence/mikro-user-repository.js';
import { migrate, openOrm } from './persistence/orm.js';
import { connectRedis } from './redis/redis-client.js';
import { RedisJobLease } from './redis/redis-job-lease.js';
import { FailOpenLock } from './redis/fail-open-lock.js';
import { RedisLock } from './redis/redis-lock.js';
import { cryptoRandom } from './system/crypto-random.js';
import { OffsetClock } from './system/offset-clock.js';
import { systemClock } from './system/system-clock.js';
import type { ClientCertificate } from './wechatpay/v2-client.js';
import { WechatPayV2Gateway } from './wechatpay/v2-gateway.js';
import { createWechatPaySimulator, type WechatPaySimulator } from './wechatpay/simulator/router.js';

export interface Runtime {
  readonly app: Express;
  readonly metrics: Metrics;
  /** Stops background work and closes pools; the HTTP server is the caller's to close first. */
  close(): Promise<void>;
}

const DEMO_GOODS: readonly GoodsDraft[] = [
  { name: '瑜伽入门课 Yoga basics', marketPrice: Money.ofFen(9_900), salePrice: Money.ofFen(6_900), integral: 30, online: true },
  { name: '健康食谱 Healthy recipes', marketPrice: Money.ofFen(1_900), salePrice: Money.ofFen(900), integral: 10, online: true },
  { name: '冥想课 Meditation', marketPrice: Money.ofFen(100), salePrice: Money.ZERO, integral: 5, online: true },
];

/** Things to close in reverse order of opening; a failure to close one does not stop the others. */
class Closers {
  private readonly list: (() => Promise<void> | void)[] = [];

  constructor(private readonly logger: Logger) {}

  add(closer: () => Promise<void> | void): void {
    this.list.push(closer);
  }

  async closeAll(): Promise<void> {
    for (const closer of this.list.splice(0).reverse()) {
      try {
        await closer();
      } catch (error) {
        this.logger.warn({ err: error }, 'error while closing');
      }
    }
  }
}

/** The adapters the configuration asks for, opened, and the use cases wired to them. */
export interface Core {
  readonly container: Container;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly goods: MikroGoodsCatalog;
  readonly wechat: WechatPayV2Gateway;
  readonly jobLease: JobLease;
  readonly readiness: Record<string, ReadinessCheck>;
  /** The embedded WeChat Pay simulator (sandbox mode, server only). */
  readonly simulator?: WechatPaySimulator;
  close(): Promise<void>;
}

export interface CoreOptions {
  /** Where this service (or, for a command-line run, the running service) listens: sandbox URLs point there. */
  readonly port: number;
  /** The server embeds the sandbox simulator; a command-line run talks to the running service's. */
  readonly embedSimulator: boolean;
}

/**
 * Opens SQLite or MySQL (migrating it), Redis or in-process locks, and the simulator or real WeChat Pay, and wires the
 * use cases. In sandbox mode the gateway reaches the simulator over real HTTP at `port`.
 */
export async function openCore(config: Config, logger: Logger, options: CoreOptions): Promise<Core> {
  const closers = new Closers(logger);
  try {
    return await assembleCore(config, logger, options, closers);
  } catch (error) {
    await closers.closeAll();
    throw error;
  }
}

async function assembleCore(config: Config, logger: Logger, options: CoreOptions, closers: Closers): Promise<Core> {
  const clock: Clock = config.gateway === 'sandbox' ? new OffsetClock() : systemClock;
  const metrics = new Metrics();

  const orm = await openOrm(config.databaseUrl);
  closers.add(() => orm.close(true));
  const applied = await migrate(orm);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');

  const goods = new MikroGoodsCatalog(orm, clock);
  if (config.demoGoods && (await goods.listOnline()).length === 0) {
    for (const draft of DEMO_GOODS) await goods.create(draft);
    logger.info({ count: DEMO_GOODS.length }, 'demo goods created');
  }

  let lock: Lock = new InMemoryLock();
  let jobLease: JobLease = new InMemoryJobLease();
  const readiness: Record<string, ReadinessCheck> = {
    database: async () => (await orm.isConnected()) === true,
  };
  if (config.redisUrl) {
    const redis = await connectRedis(config.redisUrl, { onError: (error) => logger.warn({ err: error }, 'redis error') });
    closers.add(() => void redis.disconnect());
    lock = new FailOpenLock(new RedisLock(redis, { prefix: `${config.redisKeyPrefix}lock:` }), (key, error) =>
      logger.warn({ err: error, key }, 'Redis unreachable: prepay proceeds on the database guard alone'),
    );
    jobLease = new RedisJobLease(redis, { prefix: `${config.redisKeyPrefix}job:` });
    readiness.redis = async () => (await redis.ping()) === 'PONG';
  }

  const sandbox = config.gateway === 'sandbox';
  let simulator: WechatPaySimulator | undefined;
  if (sandbox && options.embedSimulator) {
    simulator = createWechatPaySimulator({
      appId: config.wechat.appId,
      mchId: config.wechat.mchId,
      apiKey: config.wechat.apiKey,
      appSecret: config.wechat.appSecret,
      clock,
      timeScale: config.sandboxTimeScale,
      logger: (event) => logger.debug({ sandbox: event }, 'sandbox event'),
    });
    closers.add(() => simulator?.close());
  }
  const selfUrl = `http://127.0.0.1:${options.port}`;
  const wechat = new WechatPayV2Gateway(
    {
      appId: config.wechat.appId,
      mchId: config.wechat.mchId,
      apiKey: config.wechat.apiKey,
      appSecret: config.wechat.appSecret,
      signType: config.wechat.signType,
      ...(config.wechat.serverIp ? { spbillCreateIp: config.wechat.serverIp } : {}),
      notifyUrl: config.wechat.notifyUrl ?? `${selfUrl}/wechat/pay-notify`,
      ...(config.wechat.refundNotifyUrl ? { refundNotifyUrl: config.wechat.refundNotifyUrl } : sandbox ? { refundNotifyUrl: `${selfUrl}/wechat/refund-notify` } : {}),
      baseUrl: config.wechat.baseUrl ?? `${selfUrl}/sandbox/wxpay`,
      loginBaseUrl: config.wechat.loginBaseUrl ?? `${selfUrl}/sandbox/wxpay`,
      ...(config.wechat.certificate ? { tls: loadCertificate(config.wechat.certificate) } : {}),
      // Three attempts of 4 s stay inside the prepay lock's lease; a notify's orderquery that slow is retried by WeChat.
      timeoutMs: 4_000,
    },
    { clock },
  );
  closers.add(() => wechat.close());

  const eventSink = new FanOutEventSink([
    new LogEventSink(logger),
    ...(config.eventsWebhook ? [new WebhookEventSink(config.eventsWebhook.url, config.eventsWebhook.secret)] : []),
  ]);
  const container = buildContainer({
    clock,
    random: cryptoRandom,
    merchant: { appId: config.wechat.appId, mchId: config.wechat.mchId },
    orders: new MikroOrderRepository(orm),
    goods,
    users: new MikroUserRepository(orm),
    notifyLog: new MikroNotifyLog(orm),
    outbox: new MikroEventOutbox(orm),
    ledger: new MikroIntegralLedger(orm),
    eventSink,
    reconcile: { retryBaseMs: config.reconcileIntervalMs },
    gateway: instrumentGateway(wechat, metrics),
    lock,
    jobLease,
  });
  return { container, clock, metrics, goods, wechat, jobLease, readiness, ...(simulator ? { simulator } : {}), close: () => closers.closeAll() };
}

/** Runs reconciliation once under the job lease (so it never overlaps a running instance's), recording metrics. */
export async function reconcileOnce(core: Core, signal?: AbortSignal): Promise<ReconcileReport | undefined> {
  const reconcile = core.container.get(ReconcilePending);
  const run = await core.jobLease.runExclusive(RECONCILE_JOB, { ttlMs: 60_000, renewEveryMs: 20_000 }, (leaseSignal) =>
    reconcile.execute(signal ?? leaseSignal),
  );
  if (run.ran) core.metrics.recordReconciliation(run.value);
  return run.ran ? run.value : undefined;
}

const RECONCILE_JOB = 'reconcile-pending';
/**
 * The server: the core, its background jobs (reconciliation, event relay; each under the job lease so N instances
 * run it once) and the HTTP app. `port` is the port the server already listens on.
 */
export async function startRuntime(config: Config, logger: Logger, port: number): Promise<Runtime> {
  const core = await openCore(config, logger, { port, embedSimulator: true });
  const { container, clock, metrics, goods, wechat, jobLease } = core;

  const reconcile = container.get(ReconcilePending);
  const reconcileJob = startPeriodicJob({
    name: RECONCILE_JOB,
    intervalMs: config.reconcileIntervalMs,
    lease: jobLease,
    logger,
    work: async (signal) => {
      const report = await reconcile.execute(signal);
      metrics.recordReconciliation(report);
      return report;
    },
  });
  const dailyBill = new DailyBillReconciliation(container.get(ReconcileBill), clock, metrics, logger);
  const billJob = startPeriodicJob({ name: 'reconcile-bill', intervalMs: BILL_CHECK_INTERVAL_MS, lease: jobLease, logger, work: () => dailyBill.runIfDue() });
  const relay = container.get(RelayPaymentEvents);
  const relayJob = startPeriodicJob({ name: 'relay-payment-events', intervalMs: config.eventsRelayIntervalMs, lease: jobLease, logger, work: () => relay.execute() });
  const close = async (): Promise<void> => {
    await Promise.all([reconcileJob.stop(), relayJob.stop(), billJob.stop()]);
    await core.close();
  };

  const tokens = new SessionTokens(config.sessionSecret, config.sessionTtlSeconds);
  const app = createHttpApp({
    logger,
    trustProxyHops: config.trustProxyHops,
    ...(core.simulator ? { sandbox: core.simulator.router } : {}),
    routers: [
      opsRoutes(metrics, core.readiness),
      goodsRoutes(goods),
      notifyRoute({
        verify: (raw) => wechat.parsePaymentNotify(raw),
        handleNotify: container.get(HandleNotify),
        notifyLog: container.get(TOKENS.NotifyLog),
        clock,
        metrics,
        logger,
      }),
      refundNotifyRoute({
        decrypt: (raw) => wechat.decryptRefundNotify(raw),
        handleRefundNotice: container.get(HandleRefundNotice),
        notifyLog: container.get(TOKENS.NotifyLog),
        clock,
        logger,
      }),
      adminRoutes({
        ...(config.adminToken ? { adminToken: config.adminToken } : {}),
        orders: container.get(TOKENS.OrderRepository),
        goods,
        refundOrder: container.get(RefundOrder),
        ledger: container.get(TOKENS.IntegralLedger),
        clock,
        reconcileNow: () => reconcileJob.runNow(),
        reconcileBill: (date) => dailyBill.run(date),
      }),
      wechatRoutes({
        login: container.get(Login),
        requestPrepay: container.get(RequestPrepay),
        getOrderStatus: container.get(GetOrderStatus),
        ledger: container.get(TOKENS.IntegralLedger),
        tokens,
        metrics,
        logger,
      }),
    ],
  });
  return { app, metrics, close };
}

function loadCertificate(c: NonNullable<Config['wechat']['certificate']>): ClientCertificate {
  if (c.p12Path) return { pfx: readFileSync(c.p12Path), passphrase: c.passphrase ?? '' };
  return { cert: readFileSync(c.certPemPath ?? ''), key: readFileSync(c.keyPemPath ?? '') };
}
