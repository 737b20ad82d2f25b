import type { Container } from 'inversify';
import type { Logger } from 'pino';
import { DEFAULT_RECONCILE_OPTIONS } from '../../application/reconciliation/reconcile-payments.js';
import { DEFAULT_PREPAY_LOCK_TIMING } from '../../application/payments/request-prepay.js';
import { DEFAULT_REFUND_LOCK_TIMING } from '../../application/refunds/refund-order.js';
import { DEFAULT_LOGIN_LIMITS, DEFAULT_SESSION_POLICY } from '../../application/operators/sign-in-operator.js';
import type { SignInChallenges, TotpSecrets } from '../../application/ports/operators.js';
import { CachedGoodsCatalog } from '../../adapters/caching/cached-goods-catalog.js';
import { CachedUsers } from '../../adapters/caching/cached-users.js';
import { cachedPaymentFacts } from '../../adapters/caching/cached-payment-facts.js';
import { FanOutEventSink, LogEventSink, WebhookEventSink } from '../../adapters/events/event-sinks.js';
import { SessionTokens } from '../../adapters/http/session-tokens.js';
import { InProcessJobLease } from '../../adapters/in-process/in-process-job-lease.js';
import { InProcessLock } from '../../adapters/in-process/in-process-lock.js';
import { LogAlerts } from '../../adapters/observability/alerts.js';
import { Metrics } from '../../adapters/observability/metrics.js';
import { MikroAuditLog } from '../../adapters/persistence/mikro-audit-log.js';
import { MikroEventOutbox } from '../../adapters/persistence/mikro-event-outbox.js';
import { MikroGoodsCatalog } from '../../adapters/persistence/mikro-goods-catalog.js';
import { MikroIntegralLedger } from '../../adapters/persistence/mikro-integral-ledger.js';
import { BatchingNotifyLog, type BatchingEvents } from '../../adapters/persistence/batching-notify-log.js';
import { MikroNotifyLog } from '../../adapters/persistence/mikro-notify-log.js';
import { MikroOrderRepository, type UnreadableRowReporter } from '../../adapters/persistence/mikro-order-repository.js';
import { MikroUserRepository } from '../../adapters/persistence/mikro-user-repository.js';
import { MikroLoginAttempts } from '../../adapters/persistence/mikro-login-attempts.js';
import { MikroOperators, MikroOperatorSessions } from '../../adapters/persistence/mikro-operators.js';
import { MikroOrderStatistics } from '../../adapters/persistence/mikro-order-statistics.js';
import { MikroReconcileRuns } from '../../adapters/persistence/mikro-reconcile-runs.js';
import { ScryptPasswordHasher } from '../../adapters/system/scrypt-password-hasher.js';
import { cryptoSessionSecrets } from '../../adapters/system/session-secrets.js';
import { HmacSignInChallenges, SealedTotpSecrets } from '../../adapters/system/second-factor.js';
import { FailOpenLock } from '../../adapters/redis/fail-open-lock.js';
import { RedisJobLease } from '../../adapters/redis/redis-job-lease.js';
import { RedisLock } from '../../adapters/redis/redis-lock.js';
import { cryptoRandom } from '../../adapters/system/crypto-random.js';
import type { Config } from '../config.js';
import type { Resources } from '../resources.js';
import { TOKENS } from '../tokens.js';
import { bindMerchants } from './merchants.js';
import { bindMiniPrograms } from './mini-programs.js';
import { bindWechatPay } from './wechat-pay.js';

/**
 * Binds every port to the adapter the configuration chooses. Bindings are resolved lazily, on first use: a test
 * container that rebinds the ports it replaces never opens (or needs) the database, Redis or WeChat Pay.
 */
export function bindAdapters(c: Container, config: Config, resources: Resources): void {
  c.bind(TOKENS.Config).toConstantValue(config);
  c.bind(TOKENS.Logger).toConstantValue(resources.logger);
  c.bind(TOKENS.Metrics).toResolvedValue(() => {
    const metrics = new Metrics();
    const certificate = resources.merchantCertificate;
    if (certificate) metrics.watchCertificate(certificate.validTo, () => resources.clock.now());
    return metrics;
  });
  c.bind(TOKENS.Clock).toConstantValue(resources.clock);
  c.bind(TOKENS.Random).toConstantValue(cryptoRandom);
  c.bind(TOKENS.ReconcileOptions).toConstantValue({
    ...DEFAULT_RECONCILE_OPTIONS,
    retryBaseMs: config.reconcileIntervalMs,
    firstAskAfterMs: config.reconcileFirstAskAfterMs,
  });
  c.bind(TOKENS.PrepayLockTiming).toConstantValue(DEFAULT_PREPAY_LOCK_TIMING);
  c.bind(TOKENS.RefundLockTiming).toConstantValue(DEFAULT_REFUND_LOCK_TIMING);
  c.bind(TOKENS.Alerts).toResolvedValue(
    (logger: Logger, metrics: Metrics) => new LogAlerts(logger, metrics),
    [TOKENS.Logger, TOKENS.Metrics],
  );
  c.bind(TOKENS.SessionTokens).toResolvedValue(() => new SessionTokens(config.sessionSecret, config.sessionTtlSeconds));
  c.bind(TOKENS.PasswordHasher).toResolvedValue(() => new ScryptPasswordHasher());
  c.bind(TOKENS.SessionSecrets).toConstantValue(cryptoSessionSecrets);
  c.bind(TOKENS.LoginLimits).toConstantValue(DEFAULT_LOGIN_LIMITS);
  c.bind(TOKENS.TotpSecrets).toConstantValue(new SealedTotpSecrets(config.sessionSecret, !config.ephemeralSessionSecret));
  c.bind(TOKENS.SignInChallenges).toConstantValue(new HmacSignInChallenges(config.sessionSecret));
  c.bind(TOKENS.TotpIssuer).toConstantValue('wxpay console');
  c.bind(TOKENS.SecondFactor).toResolvedValue(
    (secrets: TotpSecrets, challenges: SignInChallenges) => ({
      secrets,
      challenges,
      // WeChat Pay for real: an admin's password alone must not open the console.
      requiredForAdmins: config.gateway !== 'sandbox',
      challengeTtlMs: 5 * 60_000,
    }),
    [TOKENS.TotpSecrets, TOKENS.SignInChallenges],
  );
  c.bind(TOKENS.SessionPolicy).toConstantValue({
    ...DEFAULT_SESSION_POLICY,
    idleMs: config.console.sessionIdleMinutes * 60_000,
    absoluteMs: config.console.sessionMaxHours * 3_600_000,
  });
  bindPersistence(c, resources);
  bindLocking(c, config, resources);
  bindMerchants(c, config, resources);
  bindMiniPrograms(c, config);
  bindWechatPay(c, config, resources);
  c.bind(TOKENS.EventSink).toResolvedValue(
    (logger: Logger) =>
      new FanOutEventSink([
        new LogEventSink(logger),
        ...(config.eventsWebhook ? [new WebhookEventSink(config.eventsWebhook.url, config.eventsWebhook.secret)] : []),
      ]),
    [TOKENS.Logger],
  );
}

/** MikroORM on the configured database (SQLite embedded, MySQL/MariaDB in production). */
function bindPersistence(c: Container, resources: Resources): void {
  if (resources.orm) c.bind(TOKENS.Orm).toConstantValue(resources.orm);
  const { Orm, Clock } = TOKENS;
  // Rows from before mini-programs (app_id '') are the default mini-program's: each adapter reads them as its appid.
  const { MiniPrograms } = TOKENS;
  c.bind(TOKENS.OrderRepository).toResolvedValue(
    (orm, logger: Logger, metrics: Metrics, programs) =>
      cachedPaymentFacts(new MikroOrderRepository(orm, reportUnreadable(logger, metrics), programs.defaultAppId)),
    [Orm, TOKENS.Logger, TOKENS.Metrics, MiniPrograms],
  );
  // Read on every prepay, changed rarely: kept in memory briefly (see the classes for how stale they may be).
  c.bind(TOKENS.GoodsCatalog).toResolvedValue(
    (orm, clock, programs) => new CachedGoodsCatalog(new MikroGoodsCatalog(orm, clock, programs.defaultAppId)),
    [Orm, Clock, MiniPrograms],
  );
  c.bind(TOKENS.UserRepository).toResolvedValue(
    (orm, clock, programs) => new CachedUsers(new MikroUserRepository(orm, clock, programs.defaultAppId)),
    [Orm, Clock, MiniPrograms],
  );
  c.bind(TOKENS.NotifyJournal)
    .toResolvedValue((orm, logger: Logger) => new BatchingNotifyLog(new MikroNotifyLog(orm), notifyLogEvents(logger)), [Orm, TOKENS.Logger])
    // Shutdown (unbindAllAsync) writes what is still held before the database closes.
    .onDeactivation((log) => log.flush());
  c.bind(TOKENS.NotifyLog).toResolvedValue((log: BatchingNotifyLog) => log, [TOKENS.NotifyJournal]);
  c.bind(TOKENS.EventOutbox).toResolvedValue((orm) => new MikroEventOutbox(orm), [Orm]);
  c.bind(TOKENS.IntegralLedger).toResolvedValue((orm) => new MikroIntegralLedger(orm), [Orm]);
  c.bind(TOKENS.AuditLog).toResolvedValue((orm) => new MikroAuditLog(orm), [Orm]);
  c.bind(TOKENS.NotifyHistory).toResolvedValue((log: BatchingNotifyLog) => log, [TOKENS.NotifyJournal]);
  c.bind(TOKENS.OutboxHistory).toResolvedValue((orm) => new MikroEventOutbox(orm), [Orm]);
  c.bind(TOKENS.OrderStatistics).toResolvedValue((orm) => new MikroOrderStatistics(orm), [Orm]);
  c.bind(TOKENS.ReconcileRuns).toResolvedValue((orm) => new MikroReconcileRuns(orm), [Orm]);
  c.bind(TOKENS.Operators).toResolvedValue((orm) => new MikroOperators(orm), [Orm]);
  c.bind(TOKENS.OperatorSessions).toResolvedValue((orm) => new MikroOperatorSessions(orm), [Orm]);
  c.bind(TOKENS.LoginAttempts).toResolvedValue((orm) => new MikroLoginAttempts(orm), [Orm]);
}

const notifyLogEvents = (logger: Logger): BatchingEvents => ({
  onWriteFailed: (error, pending) => logger.error({ err: error, pending }, 'notify log: write failed; entries kept, retrying'),
  onDropped: (entries) => {
    // The database refused them for too long: the log line is then the record, body and verdict included.
    for (const entry of entries) logger.error({ alert: true, notifyLogEntry: entry }, 'notify log: entry not written to the database');
  },
});

const reportUnreadable =
  (logger: Logger, metrics: Metrics): UnreadableRowReporter =>
  (error) => {
    metrics.unreadableRows.inc({ table: error.table });
    logger.error({ alert: true, table: error.table, err: error }, 'a stored row cannot be read: fix it by hand');
  };

/**
 * Redis when configured (any number of instances), else in-process (one instance). The prepay and refund locks fail
 * open when Redis is unreachable: they save work, and the database's guards hold without them.
 */
function bindLocking(c: Container, config: Config, resources: Resources): void {
  if (!resources.redis) {
    c.bind(TOKENS.Lock).toResolvedValue(() => new InProcessLock());
    c.bind(TOKENS.JobLease).toResolvedValue(() => new InProcessJobLease());
    return;
  }
  c.bind(TOKENS.Redis).toConstantValue(resources.redis);
  c.bind(TOKENS.Lock).toResolvedValue(
    (redis, logger: Logger) =>
      new FailOpenLock(new RedisLock(redis, { prefix: `${config.redisKeyPrefix}lock:` }), (key, error) =>
        logger.warn({ err: error, key }, 'Redis unreachable: proceeding on the database guard alone'),
      ),
    [TOKENS.Redis, TOKENS.Logger],
  );
  c.bind(TOKENS.JobLease).toResolvedValue((redis) => new RedisJobLease(redis, { prefix: `${config.redisKeyPrefix}job:` }), [TOKENS.Redis]);
}
