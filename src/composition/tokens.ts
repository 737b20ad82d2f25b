import type { ServiceIdentifier } from 'inversify';
import type { Logger } from 'pino';
import type { Alerts } from '../application/ports/alerts.js';
import type { AuditLog } from '../application/ports/audit-log.js';
import type { Clock, Random } from '../application/ports/clock.js';
import type { GoodsAdmin } from '../application/ports/goods-catalog.js';
import type { IntegralLedger } from '../application/ports/integral-ledger.js';
import type { JobLease } from '../application/ports/job-lease.js';
import type { Lock } from '../application/ports/lock.js';
import type { Merchants } from '../application/ports/merchant.js';
import type { MiniProgramLogin, MiniProgramLogins } from '../application/ports/mini-program-login.js';
import type { MiniPrograms } from '../application/ports/mini-programs.js';
import type { ConfiguredMiniProgram, MiniProgramDirectory, MiniProgramLoginFactory } from './mini-program-list.js';
import type { NotifyHistory, NotifyLog } from '../application/ports/notify-log.js';
import type { BatchingNotifyLog } from '../adapters/persistence/batching-notify-log.js';
import type {
  LoginAttempts,
  Operators,
  OperatorSessions,
  PasswordHasher,
  SessionSecrets,
  SignInChallenges,
  TotpSecrets,
} from '../application/ports/operators.js';
import type { OrderStatistics } from '../application/ports/order-statistics.js';
import type { ReconcileRuns } from '../application/ports/reconcile-runs.js';
import type { LoginLimits, SecondFactor, SessionPolicy } from '../application/operators/sign-in-operator.js';
import type { NotifyVerifier } from '../application/ports/notify-verifier.js';
import type { OrderRepository } from '../application/ports/order-repository.js';
import type { EventOutbox, OutboxHistory, PaymentEvents } from '../application/ports/payment-events.js';
import type { PaymentGateway } from '../application/ports/payment-gateway.js';
import type { PaymentGateways } from '../application/ports/payment-gateways.js';
import type { MerchantAccount, MerchantRegistry } from './merchant-registry.js';
import type { MerchantsReloader } from './merchants-reload.js';
import type { UserRepository } from '../application/ports/user-repository.js';
import type { ReconcilePaymentsOptions } from '../application/reconciliation/reconcile-payments.js';
import type { PrepayLockTiming } from '../application/payments/request-prepay.js';
import type { RefundLockTiming } from '../application/refunds/refund-order.js';
import type { SessionTokens } from '../adapters/http/session-tokens.js';
import type { Metrics } from '../adapters/observability/metrics.js';
import type { SqlOrm } from '../adapters/persistence/orm.js';
import type { RedisClient } from '../adapters/redis/redis-client.js';
import type { Config } from './config.js';

const token = <T>(name: string): ServiceIdentifier<T> => Symbol.for(`wxpay.${name}`);

/** One identifier per port and per shared resource; only the composition root uses them. */
export const TOKENS = {
  // What the process was started with.
  Config: token<Config>('Config'),
  Logger: token<Logger>('Logger'),
  Metrics: token<Metrics>('Metrics'),
  Orm: token<SqlOrm>('Orm'),
  Redis: token<RedisClient>('Redis'),
  // The ports.
  Clock: token<Clock>('Clock'),
  Random: token<Random>('Random'),
  Merchants: token<Merchants>('Merchants'),
  PaymentGateways: token<PaymentGateways>('PaymentGateways'),
  OrderRepository: token<OrderRepository>('OrderRepository'),
  GoodsCatalog: token<GoodsAdmin>('GoodsCatalog'),
  UserRepository: token<UserRepository>('UserRepository'),
  NotifyLog: token<NotifyLog>('NotifyLog'),
  /** The one notify log both NotifyLog and NotifyHistory are: it writes in batches and reads after flushing them. */
  NotifyJournal: token<BatchingNotifyLog>('NotifyJournal'),
  EventOutbox: token<EventOutbox>('EventOutbox'),
  EventSink: token<PaymentEvents>('EventSink'),
  /** The gateway of the one merchant the environment configures (registered as `default`). */
  PaymentGateway: token<PaymentGateway>('PaymentGateway'),
  /** The callbacks' verifier: any configured merchant's (see anyMerchantVerifier). */
  NotifyVerifier: token<NotifyVerifier>('NotifyVerifier'),
  /** The default mini-program's login (today's WECHAT_APPID and WECHAT_APP_SECRET). */
  MiniProgramLogin: token<MiniProgramLogin>('MiniProgramLogin'),
  /** A login for another mini-program, from its appid and AppSecret (as the default one's is built). */
  MiniProgramLoginFactory: token<MiniProgramLoginFactory>('MiniProgramLoginFactory'),
  /** Every configured mini-program's login, by appid. */
  MiniProgramLogins: token<MiniProgramLogins>('MiniProgramLogins'),
  // The mini-programs: each with its AppSecret, and the port the use cases read.
  ConfiguredMiniPrograms: token<readonly ConfiguredMiniProgram[]>('ConfiguredMiniPrograms'),
  MiniPrograms: token<MiniPrograms>('MiniPrograms'),
  /** Both of them as one, which a reload of MERCHANTS_FILE replaces. */
  MiniProgramDirectory: token<MiniProgramDirectory>('MiniProgramDirectory'),
  Lock: token<Lock>('Lock'),
  JobLease: token<JobLease>('JobLease'),
  IntegralLedger: token<IntegralLedger>('IntegralLedger'),
  Alerts: token<Alerts>('Alerts'),
  AuditLog: token<AuditLog>('AuditLog'),
  NotifyHistory: token<NotifyHistory>('NotifyHistory'),
  OutboxHistory: token<OutboxHistory>('OutboxHistory'),
  OrderStatistics: token<OrderStatistics>('OrderStatistics'),
  ReconcileRuns: token<ReconcileRuns>('ReconcileRuns'),
  Operators: token<Operators>('Operators'),
  OperatorSessions: token<OperatorSessions>('OperatorSessions'),
  LoginAttempts: token<LoginAttempts>('LoginAttempts'),
  PasswordHasher: token<PasswordHasher>('PasswordHasher'),
  SessionSecrets: token<SessionSecrets>('SessionSecrets'),
  TotpSecrets: token<TotpSecrets>('TotpSecrets'),
  SignInChallenges: token<SignInChallenges>('SignInChallenges'),
  // The merchants: their accounts, and per merchant (bindings named by its id) its gateway and its notify verifier.
  MerchantAccounts: token<readonly MerchantAccount[]>('MerchantAccounts'),
  MerchantRegistry: token<MerchantRegistry>('MerchantRegistry'),
  MerchantGateway: token<PaymentGateway>('MerchantGateway'),
  MerchantNotifyVerifier: token<NotifyVerifier>('MerchantNotifyVerifier'),
  /** Reads MERCHANTS_FILE again (SIGHUP, the admin action). */
  MerchantsReloader: token<MerchantsReloader>('MerchantsReloader'),
  // Settings of the use cases.
  ReconcileOptions: token<ReconcilePaymentsOptions>('ReconcileOptions'),
  PrepayLockTiming: token<PrepayLockTiming>('PrepayLockTiming'),
  RefundLockTiming: token<RefundLockTiming>('RefundLockTiming'),
  LoginLimits: token<LoginLimits>('LoginLimits'),
  SessionPolicy: token<SessionPolicy>('SessionPolicy'),
  SecondFactor: token<SecondFactor>('SecondFactor'),
  /** The issuer an authenticator app shows beside the operator's name. */
  TotpIssuer: token<string>('TotpIssuer'),
  // Adapters of the HTTP side.
  SessionTokens: token<SessionTokens>('SessionTokens'),
} as const;
