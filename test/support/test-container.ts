import type { Container, ServiceIdentifier } from 'inversify';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { CloseAbandonedOrders } from '../../src/application/reconciliation/close-abandoned-orders.js';
import { ConfirmOrder } from '../../src/application/payments/confirm-order.js';
import { GetOrderStatus } from '../../src/application/payments/get-order-status.js';
import { HandleNotify } from '../../src/application/payments/handle-notify.js';
import { HandleRefundNotice } from '../../src/application/refunds/handle-refund-notice.js';
import { Login } from '../../src/application/users/login.js';
import { GrantCoins } from '../../src/application/coins/grant-coins.js';
import { ManageGoods } from '../../src/application/goods/manage-goods.js';
import { ResolveReview } from '../../src/application/orders/resolve-review.js';
import { PaymentRecorder } from '../../src/application/orders/payment-recorder.js';
import type { Clock } from '../../src/application/ports/clock.js';
import type { Lock } from '../../src/application/ports/lock.js';
import type { PaymentGateway } from '../../src/application/ports/payment-gateway.js';
import { MerchantRegistry, type MerchantAccount } from '../../src/composition/merchant-registry.js';
import { err } from '../../src/domain/result.js';
import type { MerchantId } from '../../src/domain/merchant.js';
import type { MiniProgram } from '../../src/application/ports/mini-programs.js';
import type { ConfiguredMiniProgram } from '../../src/composition/mini-program-list.js';
import { ReconcileBill } from '../../src/application/reconciliation/reconcile-bill.js';
import { ReconcileFundFlow } from '../../src/application/reconciliation/reconcile-fund-flow.js';
import { ReconcileRefundBill } from '../../src/application/reconciliation/reconcile-refund-bill.js';
import { ReconcilePending } from '../../src/application/reconciliation/reconcile-pending.js';
import { RefundOrder } from '../../src/application/refunds/refund-order.js';
import { RelayPaymentEvents } from '../../src/application/events/relay-payment-events.js';
import { RequestPrepay } from '../../src/application/payments/request-prepay.js';
import { InProcessLock } from '../../src/adapters/in-process/in-process-lock.js';
import type { SqlOrm } from '../../src/adapters/persistence/orm.js';
import type { RedisClient } from '../../src/adapters/redis/redis-client.js';
import { systemClock } from '../../src/adapters/system/system-clock.js';
import { loadConfig } from '../../src/composition/config.js';
import { buildContainer } from '../../src/composition/container.js';
import type { Resources } from '../../src/composition/resources.js';
import { TOKENS } from '../../src/composition/tokens.js';
import { aGoods } from './builders.js';
import { FakeMiniProgramLogin } from './doubles/fake-mini-program-login.js';
import { FakePaymentGateway } from './doubles/fake-payment-gateway.js';
import { InMemoryGoodsCatalog } from './doubles/in-memory-goods-catalog.js';
import { InMemoryIntegralLedger } from './doubles/in-memory-integral-ledger.js';
import { InMemoryNotifyLog } from './doubles/in-memory-notify-log.js';
import { InMemoryOrderRepository } from './doubles/in-memory-order-repository.js';
import { InMemoryPaymentEvents } from './doubles/in-memory-payment-events.js';
import { InMemoryUserRepository } from './doubles/in-memory-user-repository.js';
import { ManualClock } from './doubles/manual-clock.js';
import { RecordingAlerts } from './doubles/recording-alerts.js';
import { InMemoryAuditLog } from './doubles/in-memory-audit-log.js';
import { InMemoryLoginAttempts, InMemoryOperators, InMemoryOperatorSessions } from './doubles/in-memory-operators.js';
import { InMemoryOrderStatistics } from './doubles/in-memory-order-statistics.js';
import { InMemoryReconcileRuns } from './doubles/in-memory-reconcile-runs.js';
import { ScryptPasswordHasher } from '../../src/adapters/system/scrypt-password-hasher.js';
import { ReadDashboard } from '../../src/application/reporting/dashboard.js';
import { ManageOperators } from '../../src/application/operators/manage-operators.js';
import { ResumeOperatorSession, SignOutOperator } from '../../src/application/operators/operator-session.js';
import { ReadOrderHistory } from '../../src/application/orders/order-history.js';
import { SignInOperator } from '../../src/application/operators/sign-in-operator.js';
import { ManageOperatorTotp } from '../../src/application/operators/operator-totp.js';

export const silentLogger = pino({ level: 'silent' });

/** A stream for a logger to write to, keeping each chunk written (a line, for pino) in `lines`, in order. */
export function lineSink(): { lines: string[]; sink: Writable } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, sink };
}

/** The service's own container on its embedded defaults, before any adapter is opened: tests rebind what they replace. */
export function serviceContainer(env: Record<string, string> = {}, resources: Partial<Resources> = {}): Container {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env });
  return buildContainer(config, { logger: silentLogger, clock: new ManualClock(), selfUrl: 'http://127.0.0.1:9', ...resources });
}

/** Replaces one port's binding, keeping everything else as production wires it. */
export function rebind<T>(container: Container, token: ServiceIdentifier<T>, value: T): void {
  container.rebind(token).toConstantValue(value);
}

/**
 * The service's container on a real database (and Redis, when given), with WeChat Pay replaced by the fake: what the
 * persistence suites and the multi-process workers run the use cases on.
 */
export function containerOnDatabase(
  orm: SqlOrm,
  options: { clock?: Clock; redis?: RedisClient; env?: Record<string, string>; lock?: Lock } = {},
) {
  const clock = options.clock ?? systemClock;
  const container = serviceContainer(options.env, { orm, clock, ...(options.redis ? { redis: options.redis } : {}) });
  const gateway = new FakePaymentGateway(clock);
  rebind(container, TOKENS.PaymentGateway, gateway);
  if (options.lock) rebind(container, TOKENS.Lock, options.lock);
  return { container, gateway };
}

export interface FixtureOptions {
  /** Wraps each port before the use cases see it, e.g. to hand every await to a fast-check scheduler. */
  readonly wrap?: <T extends object>(port: T) => T;
  readonly lock?: Lock;
  /** As outside the sandbox: an admin signs in only with a second factor. */
  readonly adminsNeedTotp?: boolean;
  /** Merchants registered beside the configured `default` one, each with its own gateway. */
  readonly merchants?: readonly { readonly account: MerchantAccount; readonly gateway: PaymentGateway }[];
  /** The merchant the default mini-program sells through, the one its new orders are opened with (default: `default`). */
  readonly sellingMerchant?: MerchantId;
  /** Mini-programs served beside the default one (each logs in through its own fake, see `loginOf`). */
  readonly miniPrograms?: readonly MiniProgram[];
  /**
   * Present: the merchants are a MERCHANTS_FILE's (the registry of a file, which `retire` reloads), and these of them
   * (of `merchants`) were removed by a reload: retired, their gateways kept for their orders, no new prepay.
   */
  readonly retired?: readonly MerchantId[];
  /**
   * Present: the merchants are a MERCHANTS_FILE's, and these of them (of `merchants`) are marked `"retired": true`
   * in it: retired from the start, as after a restart on such a file (their orders served, no new prepay).
   */
  readonly retiredInFile?: readonly MerchantId[];
}

/** A fixed SESSION_SECRET: TOTP secrets sealed under it stay readable, as in a configured deployment. */
export const FIXTURE_SESSION_SECRET = 'use-case-fixture-session-secret-0123456789';

/**
 * The production container with the ports that touch the outside world rebound to in-memory doubles (the test
 * overlay), plus handles on those doubles for assertions. The use cases are resolved from the container, wired
 * exactly as `npm start` wires them.
 */
export async function useCaseFixture(options: FixtureOptions = {}) {
  const wrap = options.wrap ?? (<T>(port: T) => port);
  const clock = new ManualClock(new Date(Date.UTC(2026, 0, 15, 4, 0, 0)));
  const container = serviceContainer({ SESSION_SECRET: FIXTURE_SESSION_SECRET }, { clock });
  const orders = new InMemoryOrderRepository();
  const outbox = orders.outbox;
  const goods = new InMemoryGoodsCatalog([aGoods()]);
  const users = new InMemoryUserRepository();
  const user = await users.findOrCreate('openid-alice');
  const gateway = new FakePaymentGateway(clock);
  const wechatLogin = new FakeMiniProgramLogin();
  const ledger = new InMemoryIntegralLedger();
  const alerts = new RecordingAlerts();
  const audit = new InMemoryAuditLog();
  const sink = new InMemoryPaymentEvents();
  const notifyLog = new InMemoryNotifyLog((no) => orders.all().find((o) => o.state.outTradeNo.value === no)?.state.merchantId);
  const lock = options.lock ?? new InProcessLock();
  const operators = new InMemoryOperators();
  const sessions = new InMemoryOperatorSessions();
  const loginAttempts = new InMemoryLoginAttempts();
  const reconcileRuns = new InMemoryReconcileRuns();

  rebind(container, TOKENS.OrderRepository, wrap(orders));
  rebind(container, TOKENS.EventOutbox, wrap(outbox));
  rebind(container, TOKENS.GoodsCatalog, wrap(goods));
  rebind(container, TOKENS.UserRepository, wrap(users));
  rebind(container, TOKENS.PaymentGateway, wrap(gateway));
  rebind(container, TOKENS.MiniProgramLogin, wrap(wechatLogin));
  rebind(container, TOKENS.IntegralLedger, wrap(ledger));
  rebind(container, TOKENS.NotifyLog, notifyLog);
  rebind(container, TOKENS.EventSink, sink);
  rebind(container, TOKENS.Alerts, alerts);
  rebind(container, TOKENS.AuditLog, audit);
  rebind(container, TOKENS.Lock, lock);
  rebind(container, TOKENS.PrepayLockTiming, { ttlMs: 15_000, waitMs: 2_000 });
  rebind(container, TOKENS.NotifyHistory, notifyLog);
  rebind(container, TOKENS.OutboxHistory, outbox);
  rebind(container, TOKENS.OrderStatistics, new InMemoryOrderStatistics(orders));
  rebind(container, TOKENS.ReconcileRuns, reconcileRuns);
  rebind(container, TOKENS.Operators, operators);
  rebind(container, TOKENS.OperatorSessions, sessions);
  rebind(container, TOKENS.LoginAttempts, loginAttempts);
  // scrypt itself, at a cost that keeps tests fast.
  rebind(container, TOKENS.PasswordHasher, new ScryptPasswordHasher({ N: 1024, r: 8, p: 1 }));
  if (options.adminsNeedTotp) rebind(container, TOKENS.SecondFactor, { ...container.get(TOKENS.SecondFactor), requiredForAdmins: true });
  const merchants = options.merchants ?? [];
  if (merchants.length > 0) {
    rebind(container, TOKENS.MerchantAccounts, [...container.get(TOKENS.MerchantAccounts), ...merchants.map((m) => m.account)]);
    for (const { account, gateway: theirs } of merchants)
      container.bind(TOKENS.MerchantGateway).toConstantValue(wrap(theirs)).whenNamed(account.id);
  }
  let retire = (_ids: readonly MerchantId[]): void => {
    throw new Error('useCaseFixture: pass `retired` for a registry that reloads');
  };
  if (options.retired !== undefined || options.retiredInFile !== undefined) {
    const built = container.get(TOKENS.MerchantAccounts).map((account) => ({
      account,
      ...(options.retiredInFile?.includes(account.id) ? { retired: true } : {}),
      gateway: container.get(TOKENS.MerchantGateway, { name: account.id }),
      verifier: {
        payment: () => Promise.resolve(err({ reason: 'notFromWeChat' as const, detail: 'fixture' })),
        refund: () => Promise.resolve(err({ reason: 'notFromWeChat' as const, detail: 'fixture' })),
      },
      problems: [],
      expiries: [],
    }));
    const registry = new MerchantRegistry(
      container,
      built.map((b) => b.account),
      built,
      () => clock.now(),
    );
    // A reload of a file that no longer names them.
    retire = (ids) => void registry.replace(built.filter((b) => registry.configured.includes(b.account) && !ids.includes(b.account.id)));
    retire(options.retired ?? []);
    rebind(container, TOKENS.MerchantRegistry, registry);
  }
  const [defaultProgram] = container.get(TOKENS.ConfiguredMiniPrograms);
  const programs: ConfiguredMiniProgram[] = [
    { ...defaultProgram!, ...(options.sellingMerchant ? { merchantId: options.sellingMerchant } : {}) },
    ...(options.miniPrograms ?? []).map((m) => ({ ...m, appSecret: `secret-of-${m.appId}` })),
  ];
  rebind(container, TOKENS.ConfiguredMiniPrograms, programs);
  const otherLogins = new Map<string, FakeMiniProgramLogin>();
  rebind(container, TOKENS.MiniProgramLoginFactory, (appId: string) => {
    const login = new FakeMiniProgramLogin();
    otherLogins.set(appId, login);
    return wrap(login);
  });
  /** The fake login of a mini-program: the default one's is `wechatLogin`. */
  const loginOf = (appId: string): FakeMiniProgramLogin => {
    if (appId === defaultProgram!.appId) return wechatLogin;
    container.get(TOKENS.MiniProgramLogins).forApp(appId);
    const login = otherLogins.get(appId);
    if (!login) throw new Error(`no mini-program ${appId} is configured`);
    return login;
  };

  /** What the use cases recorded for fulfilment, in order (the outbox's contents). */
  const events = {
    get published() {
      return outbox.events();
    },
  };
  const get = container.get.bind(container);
  return {
    container,
    clock,
    orders,
    outbox,
    ledger,
    goods,
    users,
    user,
    gateway,
    wechatLogin,
    loginOf,
    /** A reload of MERCHANTS_FILE that removes these merchants (with the `retired` option only). */
    retire: (ids: readonly MerchantId[]) => retire(ids),
    alerts,
    audit,
    sink,
    notifyLog,
    events,
    lock,
    recorder: get(PaymentRecorder),
    confirm: get(ConfirmOrder),
    requestPrepay: get(RequestPrepay),
    handleNotify: get(HandleNotify),
    refundOrder: get(RefundOrder),
    handleRefundNotice: get(HandleRefundNotice),
    reconcile: get(ReconcilePending),
    closeAbandoned: get(CloseAbandonedOrders),
    reconcileBill: get(ReconcileBill),
    reconcileRefundBill: get(ReconcileRefundBill),
    reconcileFundFlow: get(ReconcileFundFlow),
    getOrderStatus: get(GetOrderStatus),
    login: get(Login),
    relay: get(RelayPaymentEvents),
    grantCoins: get(GrantCoins),
    manageGoods: get(ManageGoods),
    resolveReview: get(ResolveReview),
    operators,
    sessions,
    loginAttempts,
    reconcileRuns,
    signIn: get(SignInOperator),
    resumeSession: get(ResumeOperatorSession),
    signOut: get(SignOutOperator),
    manageOperators: get(ManageOperators),
    manageTotp: get(ManageOperatorTotp),
    totpSecrets: get(TOKENS.TotpSecrets),
    readOrderHistory: get(ReadOrderHistory),
    readDashboard: get(ReadDashboard),
  };
}

export type UseCaseFixture = Awaited<ReturnType<typeof useCaseFixture>>;

/** Every promise a port method returns is released by the scheduler, in an order fast-check chooses. */
export function scheduledBy(s: { schedule<T>(task: Promise<T>): Promise<T> }) {
  return <T extends object>(port: T): T =>
    new Proxy(port, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result: unknown = value.apply(target, args);
          if (!(result instanceof Promise)) return result;
          // A port that fails (WeChat unreachable) must not leave its rejection unhandled while the scheduler holds it.
          const settled = (result as Promise<unknown>).then(
            (v) => ({ ok: true as const, v }),
            (e: unknown) => ({ ok: false as const, e }),
          );
          return s.schedule(settled).then((r) => (r.ok ? r.v : Promise.reject(r.e as Error)));
        };
      },
    });
}
