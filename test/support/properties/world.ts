import type { AuditLog } from '../../../src/application/ports/audit-log.js';
import type { Random } from '../../../src/application/ports/clock.js';
import type { GoodsAdmin } from '../../../src/application/ports/goods-catalog.js';
import type { IntegralLedger, ReservationState } from '../../../src/application/ports/integral-ledger.js';
import type { NotifyLog } from '../../../src/application/ports/notify-log.js';
import type { OrderRepository } from '../../../src/application/ports/order-repository.js';
import type { EventOutbox } from '../../../src/application/ports/payment-events.js';
import type { UserRepository } from '../../../src/application/ports/user-repository.js';
import { CloseAbandonedOrders } from '../../../src/application/reconciliation/close-abandoned-orders.js';
import { GrantCoins } from '../../../src/application/coins/grant-coins.js';
import { HandleNotify } from '../../../src/application/payments/handle-notify.js';
import { HandleRefundNotice } from '../../../src/application/refunds/handle-refund-notice.js';
import { ManageGoods } from '../../../src/application/goods/manage-goods.js';
import { ReconcileBill } from '../../../src/application/reconciliation/reconcile-bill.js';
import { ReconcilePayments } from '../../../src/application/reconciliation/reconcile-payments.js';
import { ReconcilePending } from '../../../src/application/reconciliation/reconcile-pending.js';
import { ReconcileRefunds } from '../../../src/application/reconciliation/reconcile-refunds.js';
import { RefundOrder } from '../../../src/application/refunds/refund-order.js';
import { RepairCoins } from '../../../src/application/coins/repair-coins.js';
import { RequestPrepay } from '../../../src/application/payments/request-prepay.js';
import { SettleRefund } from '../../../src/application/refunds/settle-refund.js';
import { MikroAuditLog } from '../../../src/adapters/persistence/mikro-audit-log.js';
import { MikroEventOutbox } from '../../../src/adapters/persistence/mikro-event-outbox.js';
import { MikroGoodsCatalog } from '../../../src/adapters/persistence/mikro-goods-catalog.js';
import { MikroIntegralLedger } from '../../../src/adapters/persistence/mikro-integral-ledger.js';
import { MikroNotifyLog } from '../../../src/adapters/persistence/mikro-notify-log.js';
import { MikroOrderRepository } from '../../../src/adapters/persistence/mikro-order-repository.js';
import { MikroUserRepository } from '../../../src/adapters/persistence/mikro-user-repository.js';
import { migrate, openOrm, type SqlOrm } from '../../../src/adapters/persistence/orm.js';
import { TOKENS } from '../../../src/composition/tokens.js';
import { SAMPLE_MERCHANT } from '../../../src/adapters/wechatpay/shared/sample-merchant.js';
import type { Order } from '../../../src/domain/order.js';
import type { ScratchDatabase } from '../databases.js';
import { FakePaymentGateway } from '../doubles/fake-payment-gateway.js';
import { InMemoryAuditLog } from '../doubles/in-memory-audit-log.js';
import { InMemoryGoodsCatalog } from '../doubles/in-memory-goods-catalog.js';
import { InMemoryIntegralLedger } from '../doubles/in-memory-integral-ledger.js';
import { InMemoryNotifyLog } from '../doubles/in-memory-notify-log.js';
import { InMemoryOrderRepository } from '../doubles/in-memory-order-repository.js';
import { InMemoryUserRepository } from '../doubles/in-memory-user-repository.js';
import { ManualClock } from '../doubles/manual-clock.js';
import { RecordingAlerts } from '../doubles/recording-alerts.js';
import { rebind, serviceContainer } from '../test-container.js';
import { FaultyGateway } from './faulty-gateway.js';

/** The storage ports a run needs, fresh and empty. */
export interface StoragePorts {
  readonly orders: OrderRepository;
  readonly outbox: EventOutbox;
  readonly goods: GoodsAdmin;
  readonly users: UserRepository;
  readonly ledger: IntegralLedger;
  readonly notifyLog: NotifyLog;
  readonly audit: AuditLog;
}

/** Where a property runs: the in-memory adapters, or MikroORM on a scratch database emptied before every run. */
export interface Backend {
  readonly name: string;
  /** Empty storage for the next run (the clock is the run's, for adapters that stamp rows). */
  fresh(clock: ManualClock): Promise<StoragePorts>;
  close(): Promise<void>;
}

export const memoryBackend: Backend = {
  name: 'in-memory adapters',
  fresh: async () => {
    const orders = new InMemoryOrderRepository();
    return {
      orders,
      outbox: orders.outbox,
      goods: new InMemoryGoodsCatalog(),
      users: new InMemoryUserRepository(),
      ledger: new InMemoryIntegralLedger(),
      notifyLog: new InMemoryNotifyLog(),
      audit: new InMemoryAuditLog(),
    };
  },
  close: async () => {},
};

/**
 * MikroORM on one scratch database (MariaDB or SQLite) for a whole test file: migrated once, and every table but the
 * migrations' emptied before each run, which is far cheaper than a database per run.
 */
export async function sqlBackend(name: string, create: (label: string) => Promise<ScratchDatabase>, label: string): Promise<Backend> {
  const db = await create(label);
  const orm: SqlOrm = await openOrm(db.url);
  await migrate(orm);
  const tables = await tablesOf(orm);
  return {
    name,
    fresh: async (clock) => {
      const connection = orm.em.getConnection();
      for (const table of tables) await connection.execute(`DELETE FROM ${table}`);
      return {
        // The default mini-program is the container's (the sandbox's appid), as the composition binds it.
        orders: new MikroOrderRepository(orm, undefined, SAMPLE_MERCHANT.appId),
        outbox: new MikroEventOutbox(orm),
        goods: new MikroGoodsCatalog(orm, clock, SAMPLE_MERCHANT.appId),
        users: new MikroUserRepository(orm, clock, SAMPLE_MERCHANT.appId),
        ledger: new MikroIntegralLedger(orm),
        notifyLog: new MikroNotifyLog(orm),
        audit: new MikroAuditLog(orm),
      };
    },
    close: async () => {
      await orm.close();
      await db.drop();
    },
  };
}

async function tablesOf(orm: SqlOrm): Promise<string[]> {
  const connection = orm.em.getConnection();
  const sqlite = orm.em.getPlatform().constructor.name.toLowerCase().includes('sqlite');
  const rows = await connection.execute<Record<string, unknown>[]>(
    sqlite
      ? "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
      : 'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()',
  );
  return rows.map((r) => String(r.t ?? r.T ?? r.TABLE_NAME)).filter((t) => t !== 'mikro_orm_migrations');
}

/** A seeded source for out_trade_no digits: a run (and its shrunk counterexample) replays the very same numbers. */
export function seededRandom(seed: number): Random {
  let x = seed >>> 0 || 1;
  return {
    int: (maxExclusive) => {
      // xorshift32
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      return x % maxExclusive;
    },
  };
}

export const START = new Date(Date.UTC(2026, 0, 15, 4, 0, 0));

export interface WorldOptions {
  /** Wraps each port before the use cases see it (a fast-check scheduler). Test reads use the unwrapped ports. */
  readonly wrap?: <T extends object>(port: T) => T;
  readonly seed?: number;
}

/** One coin reservation as the ledger's journal tells it. */
export interface ReservationView {
  readonly amount: number;
  readonly state: ReservationState;
}

const STATE_AFTER = { reserve: 'reserved', commit: 'committed', release: 'released', refund: 'refunded' } as const;

/**
 * The production container on one backend, with WeChat Pay replaced by the fake (plus injected faults), a manual
 * clock, recorded alerts and seeded order numbers; the use cases are resolved from it as `npm start` wires them.
 */
export async function openWorld(backend: Backend, options: WorldOptions = {}) {
  const wrap = options.wrap ?? (<T>(port: T) => port);
  const clock = new ManualClock(START);
  const ports = await backend.fresh(clock);
  const fake = new FakePaymentGateway(clock);
  const gateway = new FaultyGateway(fake);
  const alerts = new RecordingAlerts();
  const container = serviceContainer({}, { clock });
  rebind(container, TOKENS.OrderRepository, wrap(ports.orders));
  rebind(container, TOKENS.EventOutbox, wrap(ports.outbox));
  rebind(container, TOKENS.GoodsCatalog, wrap(ports.goods));
  rebind(container, TOKENS.UserRepository, wrap(ports.users));
  rebind(container, TOKENS.IntegralLedger, wrap(ports.ledger));
  rebind(container, TOKENS.PaymentGateway, wrap(gateway));
  rebind(container, TOKENS.NotifyLog, ports.notifyLog);
  rebind(container, TOKENS.AuditLog, ports.audit);
  rebind(container, TOKENS.Alerts, alerts);
  rebind(container, TOKENS.Random, seededRandom(options.seed ?? 1));
  rebind(container, TOKENS.PrepayLockTiming, { ttlMs: 15_000, waitMs: 2_000 });
  const get = container.get.bind(container);

  /** Every order of a user, oldest first (ties by number, so picks are reproducible). */
  const ordersOf = async (uid: number): Promise<Order[]> => {
    const orders = await ports.orders.list({ uid, limit: 100, offset: 0 });
    return orders.sort(
      (a, b) =>
        a.state.createdAt.getTime() - b.state.createdAt.getTime() || a.state.outTradeNo.value.localeCompare(b.state.outTradeNo.value),
    );
  };

  /** A user's balance and each of their reservations, as the ledger's journal tells them. */
  const coinsOf = async (uid: number): Promise<{ balance: number; reservations: Map<string, ReservationView> }> => {
    const balance = await ports.ledger.balanceOf(uid);
    const reservations = new Map<string, ReservationView>();
    for (const entry of (await ports.ledger.journalOf(uid, 100_000)).reverse()) {
      if (entry.operation === 'grant' || entry.outTradeNo === undefined) continue;
      const amount = entry.operation === 'reserve' ? -entry.delta : (reservations.get(entry.outTradeNo)?.amount ?? 0);
      reservations.set(entry.outTradeNo, { amount, state: STATE_AFTER[entry.operation] });
    }
    return { balance, reservations };
  };

  /** Ids of every event the use cases recorded (the relay never runs here, so none is delivered). */
  const eventIds = async (): Promise<string[]> => (await ports.outbox.due(new Date(8.64e15), 100_000)).map((e) => e.eventId);

  return {
    backend: backend.name,
    container,
    clock,
    ports,
    fake,
    gateway,
    alerts,
    ordersOf,
    coinsOf,
    eventIds,
    requestPrepay: get(RequestPrepay),
    handleNotify: get(HandleNotify),
    refundOrder: get(RefundOrder),
    handleRefundNotice: get(HandleRefundNotice),
    settleRefund: get(SettleRefund),
    reconcile: get(ReconcilePending),
    reconcilePayments: get(ReconcilePayments),
    closeAbandoned: get(CloseAbandonedOrders),
    reconcileRefunds: get(ReconcileRefunds),
    reconcileBill: get(ReconcileBill),
    repairCoins: get(RepairCoins),
    grantCoins: get(GrantCoins),
    manageGoods: get(ManageGoods),
  };
}

export type World = Awaited<ReturnType<typeof openWorld>>;
