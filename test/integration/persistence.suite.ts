import { MIGRATIONS } from '../../src/adapters/persistence/migrations/index.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MikroEventOutbox } from '../../src/adapters/persistence/mikro-event-outbox.js';
import { ManualClock } from '../support/doubles/manual-clock.js';
import { MikroGoodsCatalog } from '../../src/adapters/persistence/mikro-goods-catalog.js';
import { MikroNotifyLog } from '../../src/adapters/persistence/mikro-notify-log.js';
import { BatchingNotifyLog, type BatchingEvents } from '../../src/adapters/persistence/batching-notify-log.js';
import { MikroOrderRepository } from '../../src/adapters/persistence/mikro-order-repository.js';
import { openKeyOf } from '../../src/adapters/persistence/order-mapper.js';
import { MikroUserRepository } from '../../src/adapters/persistence/mikro-user-repository.js';
import { migrate, openOrm, type SqlOrm } from '../../src/adapters/persistence/orm.js';
import { PaymentRecorder } from '../../src/application/orders/payment-recorder.js';
import { RequestPrepay } from '../../src/application/payments/request-prepay.js';
import { Money } from '../../src/domain/money.js';
import { OutTradeNo } from '../../src/domain/out-trade-no.js';
import { goodsCatalogContract } from '../contracts/goods-catalog.contract.js';
import { MikroIntegralLedger } from '../../src/adapters/persistence/mikro-integral-ledger.js';
import { integralLedgerContract } from '../contracts/integral-ledger.contract.js';
import { eventOutboxContract } from '../contracts/event-outbox.contract.js';
import { notifyLogContract } from '../contracts/notify-log.contract.js';
import { orderRepositoryContract } from '../contracts/order-repository.contract.js';
import { userRepositoryContract } from '../contracts/user-repository.contract.js';
import { operatorsContract } from '../contracts/operators.contract.js';
import { reconcileRunsContract } from '../contracts/reconcile-runs.contract.js';
import { MikroAuditLog } from '../../src/adapters/persistence/mikro-audit-log.js';
import { shopScopeContract } from '../contracts/shop-scope.contract.js';
import { PLATFORM, shopsScope } from '../../src/domain/shop-scope.js';
import { orderStatisticsContract } from '../contracts/order-statistics.contract.js';
import { MikroLoginAttempts } from '../../src/adapters/persistence/mikro-login-attempts.js';
import { MikroOperators, MikroOperatorSessions } from '../../src/adapters/persistence/mikro-operators.js';
import { MikroReconcileRuns } from '../../src/adapters/persistence/mikro-reconcile-runs.js';
import { MikroOrderStatistics } from '../../src/adapters/persistence/mikro-order-statistics.js';
import { anOrder } from '../support/builders.js';
import { containerOnDatabase } from '../support/test-container.js';
import { TOKENS } from '../../src/composition/tokens.js';
import type { ScratchDatabase } from '../support/databases.js';
import { sqlSessionSuite } from './sql-session.suite.js';
import { sqlSession } from '../../src/adapters/persistence/sql-session.js';
import { SAMPLE_MERCHANT } from '../../src/adapters/wechatpay/shared/sample-merchant.js';

export interface PersistenceTarget {
  readonly name: string;
  readonly dialect: 'mysql' | 'sqlite';
  create(label: string): Promise<ScratchDatabase>;
  /** The seed's CREATE TABLE statements for this database (verbatim on MariaDB). */
  readonly seedSchema: readonly string[];
}

/** The default mini-program's appid, as the service's configuration defaults it (sandbox). */
const DEFAULT_APP = SAMPLE_MERCHANT.appId;

const SEED_COLUMNS =
  'id, uid, goods_id, out_trade_no, bill_no, paid_money, paid_integral, paid_type, paid_status, add_time, paid_time, update_time';

/** Orders as the seed's PHP code wrote them: yuan×100 in paid_money, unix seconds, '' for no bill_no. */
const SEED_ORDERS = `INSERT INTO shop_goods_order (uid, goods_id, out_trade_no, bill_no, paid_money, paid_integral, paid_type, paid_status, add_time, paid_time, update_time) VALUES
  (11, 5, '2018122719235800021234567890', '4200000215201812271234567890', 9900, 0, 'WXPAY', 'SUCC', 1545909838, 1545909900, 1545909900),
  (12, 5, '0020181227192358000200000001', '', 9900, 0, 'WXPAY', 'CHECKED', 1545900000, 0, 1545900000),
  (12, 5, '2018122800000000000200000002', '', 9900, 0, 'WXPAY', 'CHECKED', 1545990000, 0, 1545990000),
  (12, 5, '2018122800000000000200000003', '', 6900, 30, 'MIXED', 'CHECKED', 1545990000, 0, 1545990000),
  (13, 5, '2018122800000000000200000004', '', 9900, 0, 'WXPAY', 'FAILED', 1545990000, 0, 1545990500),
  (14, 5, '2018122800000000000200000005', '4200000215201812281234567890', 6900, 30, 'INTEGRAL', 'REFUND', 1545990000, 1545990100, 1545999000)`;

const SEED_GOODS = `INSERT INTO shop_goods_info (id, name, note, market_price, sale_price, integral, main_thumbnail, content, add_time, update_time, is_online, sort) VALUES
  (5, '瑜伽入门课', '十节课', 99, 69, 30, 'goods/5.jpg', '<p>详细介绍</p>', 1545900000, 1545900000, 1, 10),
  (6, 'Retired course', '', 199, 159, 0, '', NULL, 1545900000, 1545900000, 0, 0)`;

/**
 * The persistence adapters on one database engine: every contract on a database migrated from empty, then a database
 * created from the seed's own CREATE TABLE statements with rows in it, migrated and used.
 */
const failLoudly: BatchingEvents = {
  onWriteFailed: (error) => {
    throw error;
  },
  onDropped: (entries) => {
    throw new Error(`${entries.length} notify log entries dropped`);
  },
};

export function persistenceSuite(target: PersistenceTarget): void {
  describe(`${target.name}: a database migrated from empty`, () => {
    let db: ScratchDatabase;
    let orm: SqlOrm;
    beforeAll(async () => {
      db = await target.create('empty');
      orm = await openOrm(db.url);
      expect(await migrate(orm)).toHaveLength(MIGRATIONS.length);
    });
    afterAll(async () => {
      await orm?.close();
      await db?.drop();
    });

    sqlSessionSuite(target.name, target.dialect, () => ({ orm, url: db.url }));
    orderRepositoryContract(target.name, async () => new MikroOrderRepository(orm, undefined, DEFAULT_APP));
    userRepositoryContract(target.name, async () => new MikroUserRepository(orm, undefined, DEFAULT_APP), DEFAULT_APP);
    notifyLogContract(target.name, async () => new MikroNotifyLog(orm));
    notifyLogContract(`${target.name}, written in batches`, async () => new BatchingNotifyLog(new MikroNotifyLog(orm), failLoudly));

    it('writes a batch of notices in arrival order, large bodies split over several statements', async () => {
      const log = new MikroNotifyLog(orm);
      const no = `2026011512000000${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`;
      const entries = Array.from({ length: 150 }, (_, i) => ({
        receivedAt: new Date(Date.UTC(2026, 0, 15, 4, 0, 0, i)),
        kind: 'pay' as const,
        outTradeNo: no,
        // 150 × 15 KB: more than one statement's worth.
        rawBody: `<xml><n>${i}</n>${'x'.repeat(15_000)}</xml>`,
        verdict: i % 2 === 0 ? ('SUCCESS' as const) : ('FAIL' as const),
        detail: i % 2 === 0 ? 'duplicate' : 'AmountMismatch',
      }));
      await log.appendAll(entries);
      expect(await log.forOrder(no, 200)).toEqual(entries);
    });
    integralLedgerContract(target.name, async () => new MikroIntegralLedger(orm), 80);
    eventOutboxContract(target.name, async () => ({ orders: new MikroOrderRepository(orm), outbox: new MikroEventOutbox(orm) }));
    goodsCatalogContract(target.name, async () => {
      const catalog = new MikroGoodsCatalog(orm, undefined, DEFAULT_APP);
      return { catalog, save: (goods) => catalog.save(goods) };
    });
    operatorsContract(target.name, async () => ({
      operators: new MikroOperators(orm),
      sessions: new MikroOperatorSessions(orm),
      attempts: new MikroLoginAttempts(orm),
    }));
    reconcileRunsContract(target.name, async () => {
      await db.exec('DELETE FROM wx_reconcile_run');
      return new MikroReconcileRuns(orm);
    });
    orderStatisticsContract(target.name, async () => ({ orders: new MikroOrderRepository(orm), stats: new MikroOrderStatistics(orm) }));
    shopScopeContract(target.name, async () => ({
      orders: new MikroOrderRepository(orm),
      stats: new MikroOrderStatistics(orm),
      notifies: new MikroNotifyLog(orm),
      audit: new MikroAuditLog(orm),
      operators: new MikroOperators(orm),
    }));
    // The notify log as the service binds it: the batching writer must pass the merchants on to the store.
    shopScopeContract(`${target.name}, notices written in batches`, async () => ({
      orders: new MikroOrderRepository(orm),
      stats: new MikroOrderStatistics(orm),
      notifies: new BatchingNotifyLog(new MikroNotifyLog(orm), failLoudly),
      audit: new MikroAuditLog(orm),
      operators: new MikroOperators(orm),
    }));

    it('stores prices as yuan to the fen in the seed table (decimal on MySQL), read back exactly', async () => {
      const catalog = new MikroGoodsCatalog(orm);
      const draft = { name: 'x', marketPrice: Money.ofFen(9_950), salePrice: Money.ofFen(29), integral: 0, online: true };
      const created = await catalog.create(draft);
      expect(await catalog.findById(created.id)).toEqual(created);
      const [row] = await db.exec(`SELECT market_price, sale_price FROM shop_goods_info WHERE id = ${created.id}`);
      // What the seed's PHP reads: yuan, now with fen.
      expect([String(row?.market_price), String(row?.sale_price)]).toEqual(
        target.dialect === 'sqlite' ? ['99.5', '0.29'] : ['99.50', '0.29'],
      );
    });

    it('reports and counts a stored order it cannot read, instead of silently leaving it out of reconciliation', async () => {
      const { container } = containerOnDatabase(orm);
      const orders = container.get(TOKENS.OrderRepository);
      const metrics = container.get(TOKENS.Metrics);
      const good = anOrder({
        uid: 777_101,
        prepay: { prepayId: 'wx-good', issuedAt: new Date(0), expiresAt: new Date(0), signType: 'MD5' },
      });
      const bad = anOrder({ uid: 777_102, prepay: { prepayId: 'wx-bad', issuedAt: new Date(0), expiresAt: new Date(0), signType: 'MD5' } });
      await orders.insert(good);
      await orders.insert(bad);
      // Another program wrote a paid type this service does not know.
      await orm.em
        .getConnection()
        .execute("UPDATE shop_goods_order SET paid_type = 'ALIPAY' WHERE out_trade_no = ?", [bad.state.outTradeNo.value]);

      const listed = (await orders.listAwaitingPayment(100)).map((o) => o.state.outTradeNo.value);
      expect(listed).toContain(good.state.outTradeNo.value);
      expect(listed).not.toContain(bad.state.outTradeNo.value);
      expect(await metrics.registry.getSingleMetricAsString('wxpay_unreadable_rows_total')).toMatch(
        /wxpay_unreadable_rows_total\{table="shop_goods_order"\} [1-9]/,
      );
      await expect(orders.findByOutTradeNo(bad.state.outTradeNo.value)).rejects.toThrow(/unknown paid_type 'ALIPAY'/);
    });

    it('never reads a journal line it does not know as a grant', async () => {
      const ledger = new MikroIntegralLedger(orm);
      await ledger.grant(777_103, 5, 'g-777103', new Date());
      await orm.em
        .getConnection()
        .execute(
          "INSERT INTO wx_integral_journal (uid, delta, operation, out_trade_no, op_key, created_at) VALUES (777103, 7, 'bonus', NULL, 'bonus:1', 0)",
        );
      await expect(ledger.journalOf(777_103, 10)).rejects.toThrow(/unknown operation 'bonus'/);
    });

    it('writes a change of the order row alone as one statement, one with an event or refunds in a transaction', async () => {
      const repo = new MikroOrderRepository(orm);
      const order = anOrder({ uid: 777_002 });
      const no = order.state.outTradeNo.value;
      expect(await repo.insert(order)).toBe('inserted');
      const before = (await repo.findByOutTradeNo(no))!;
      const at = new Date(Date.UTC(2026, 0, 15, 5, 6, 7));
      const session = sqlSession(orm);
      const transaction = vi.spyOn(session, 'transaction');
      const run = vi.spyOn(session, 'run');
      const orderUpdates = () => run.mock.calls.filter(([sql]) => /^UPDATE shop_goods_order /.test(sql)).length;
      try {
        order.attachPrepay({ prepayId: 'wx2026011512', issuedAt: at, expiresAt: new Date(at.getTime() + 7_200_000), signType: 'MD5' }, at);
        expect(await repo.update(order)).toBe('updated');
        expect([orderUpdates(), transaction.mock.calls.length]).toEqual([1, 0]);
        // Still a compare-and-set: a copy read before that write loses.
        before.supersede(at);
        expect(await repo.update(before)).toBe('stale');
        expect([orderUpdates(), transaction.mock.calls.length]).toEqual([2, 0]);
        expect((await repo.findByOutTradeNo(no))?.state).toEqual(order.state);
        // A payment brings its outbox event: the row and the event commit together.
        expect(order.confirmPaid({ transactionId: '4200000015202601150000000001', amount: order.state.cash, paidAt: at }).ok).toBe(true);
        expect(await repo.update(order)).toBe('updated');
        expect(transaction).toHaveBeenCalledTimes(1);
        expect((await repo.findByOutTradeNo(no))?.state).toEqual(order.state);
      } finally {
        transaction.mockRestore();
        run.mockRestore();
      }
    });

    it('stores a 32-character out_trade_no from another system and matches it exactly', async () => {
      const repo = new MikroOrderRepository(orm);
      const no = OutTradeNo.parse('ABCdef_-*|0123456789012345678901') as OutTradeNo;
      expect(no.value).toHaveLength(32);
      expect(await repo.insert(anOrder({ uid: 777_001, outTradeNo: no }))).toBe('inserted');
      expect((await repo.findByOutTradeNo(no.value))?.state.outTradeNo.value).toBe(no.value);
      expect(await repo.findByOutTradeNo(no.value.toLowerCase())).toBeUndefined();
    });
  });

  describe(`${target.name}: a database created by the seed's CREATE TABLE statements`, () => {
    let db: ScratchDatabase;
    let orm: SqlOrm;
    let before: Record<string, unknown>[];
    const seedRows = (): Promise<Record<string, unknown>[]> => db.exec(`SELECT ${SEED_COLUMNS} FROM shop_goods_order ORDER BY id`);

    beforeAll(async () => {
      db = await target.create('seed');
      for (const statement of target.seedSchema) await db.exec(statement);
      await db.exec(SEED_ORDERS);
      await db.exec(SEED_GOODS);
      before = await seedRows();
      orm = await openOrm(db.url);
    });
    afterAll(async () => {
      await orm?.close();
      await db?.drop();
    });

    it('migrates cleanly, once, leaving every existing value as it was', async () => {
      expect(await migrate(orm)).toEqual(MIGRATIONS.map((m) => m.name));
      expect(MIGRATIONS[0]?.name).toBe('Migration20260601000001SeedTables');
      expect(await migrate(orm)).toEqual([]);
      expect(await seedRows()).toEqual(before);
      expect(before).toHaveLength(6);
    });

    it('reads existing rows as domain orders, matching out_trade_no exactly (leading zeros kept)', async () => {
      const repo = new MikroOrderRepository(orm);
      const old = await repo.findByOutTradeNo('0020181227192358000200000001');
      expect(old?.state).toMatchObject({
        uid: 12,
        goodsId: 5,
        paidType: 'WXPAY',
        status: 'CHECKED',
        createdAt: new Date(1545900000 * 1000),
        holdsOpenSlot: false, // a newer CHECKED order of the same key holds the slot
        merchantId: 'default', // rows from before merchants existed belong to the single merchant of today
        refunds: [],
        version: 0,
      });
      expect(old?.state.cash.fen).toBe(9900);
      expect(old?.state.transactionId).toBeUndefined();
      expect(old?.state.paidAt).toBeUndefined();
      expect(await repo.findByOutTradeNo('20181227192358000200000001')).toBeUndefined();

      const paid = await repo.findByOutTradeNo('2018122719235800021234567890');
      expect(paid?.state).toMatchObject({
        status: 'SUCC',
        transactionId: '4200000215201812271234567890',
        paidAt: new Date(1545909900 * 1000),
      });
      const refunded = await repo.findByOutTradeNo('2018122800000000000200000005');
      expect(refunded?.state).toMatchObject({ status: 'REFUND', paidType: 'INTEGRAL', integral: 30 });
    });

    it("reads the seed's rows as the default mini-program's, and the seed's inserts without app_id still work", async () => {
      expect(await db.exec("SELECT COUNT(*) AS n FROM shop_goods_order WHERE app_id <> ''")).toEqual([{ n: 0 }]);
      expect(await db.exec("SELECT COUNT(*) AS n FROM shop_goods_info WHERE app_id <> ''")).toEqual([{ n: 0 }]);
      // The seed's PHP goes on inserting as it always did, naming no app_id (nor merchant_id).
      await db.exec(`INSERT INTO shop_goods_order (uid, goods_id, out_trade_no, bill_no, paid_money, paid_integral, paid_type, paid_status, add_time, paid_time, update_time)
        VALUES (15, 5, '2018122900000000000200000007', '', 9900, 0, 'WXPAY', 'CHECKED', 1546000000, 0, 1546000000)`);
      await db.exec(`INSERT INTO shop_goods_info (name, market_price, sale_price, integral, is_online) VALUES ('PHP goods', 10, 8, 0, 1)`);
      const orders = new MikroOrderRepository(orm, undefined, DEFAULT_APP);
      for (const no of ['2018122719235800021234567890', '2018122900000000000200000007']) {
        const order = await orders.findByOutTradeNo(no, { appId: DEFAULT_APP, merchantId: 'default' });
        expect(order?.state, no).toMatchObject({ appId: DEFAULT_APP, merchantId: 'default' });
        expect(await orders.findByOutTradeNo(no, { appId: 'wx0000000000000b01' })).toBeUndefined();
      }
      expect((await orders.list({ appId: DEFAULT_APP, limit: 100, offset: 0 })).length).toBe(7);
      expect(await orders.list({ appId: 'wx0000000000000b01', limit: 100, offset: 0 })).toEqual([]);
      const catalog = new MikroGoodsCatalog(orm, undefined, DEFAULT_APP);
      expect((await catalog.findById(5))?.appId).toBe(DEFAULT_APP);
      expect((await catalog.listOnline(DEFAULT_APP)).map((g) => g.name)).toContain('PHP goods');
      expect(await catalog.listOnline('wx0000000000000b01')).toEqual([]);
      // A user stored before mini-programs is the default mini-program's, found under its appid, and keeps its uid.
      await db.exec("INSERT INTO wx_user (uid, openid, unionid, created_at) VALUES (900001, 'openid-legacy', 'union-legacy', 0)");
      const users = new MikroUserRepository(orm, undefined, DEFAULT_APP);
      const legacy = { uid: 900001, appId: DEFAULT_APP, openid: 'openid-legacy', unionid: 'union-legacy' };
      expect(await users.findByOpenid('openid-legacy', DEFAULT_APP)).toEqual(legacy);
      expect(await users.findOrCreate('openid-legacy', 'union-legacy', DEFAULT_APP)).toEqual(legacy);
      expect((await users.findOrCreate('openid-legacy', undefined, 'wx0000000000000b01')).uid).not.toBe(900001);
      await db.exec("DELETE FROM shop_goods_order WHERE out_trade_no = '2018122900000000000200000007'");
      await db.exec("DELETE FROM shop_goods_info WHERE name = 'PHP goods'");
    });

    it("gives each key's newest CHECKED order the open slot", async () => {
      const repo = new MikroOrderRepository(orm);
      expect((await repo.findOpen({ uid: 12, goodsId: 5, paidType: 'WXPAY' }))?.state.outTradeNo.value).toBe(
        '2018122800000000000200000002',
      );
      expect((await repo.findOpen({ uid: 12, goodsId: 5, paidType: 'MIXED' }))?.state.outTradeNo.value).toBe(
        '2018122800000000000200000003',
      );
      expect(await repo.findOpen({ uid: 13, goodsId: 5, paidType: 'WXPAY' })).toBeUndefined();
      expect(await repo.insert(anOrder({ uid: 12, goodsId: 5, paidType: 'WXPAY' }))).toBe('openOrderExists');
    });

    it('backfills open_key exactly as the repository computes it today (the migration keeps its own copy of the rule)', async () => {
      const rows = await db.exec('SELECT uid, goods_id, paid_type, open_key FROM shop_goods_order WHERE open_key IS NOT NULL ORDER BY id');
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        const key = { uid: Number(row.uid), goodsId: Number(row.goods_id), paidType: row.paid_type as 'WXPAY' | 'MIXED' };
        expect(row.open_key).toBe(openKeyOf(key));
      }
    });

    it('reads the seed goods with whole-yuan prices as fen, and updates them without touching the rest', async () => {
      // The seed's int yuan column, migrated to decimal yuan on MySQL: every price keeps its value.
      const catalog = new MikroGoodsCatalog(orm, undefined, DEFAULT_APP);
      const goods = await catalog.findById(5);
      expect(goods).toEqual({
        id: 5,
        appId: DEFAULT_APP, // the seed's goods are the default mini-program's
        name: '瑜伽入门课',
        marketPrice: Money.ofFen(9900),
        salePrice: Money.ofFen(6900),
        integral: 30,
        online: true,
      });
      expect((await catalog.listOnline()).map((g) => g.id)).toEqual([5]);
      await catalog.save({ ...goods!, salePrice: Money.ofFen(5900) });
      const [row] = await db.exec('SELECT sale_price, note, main_thumbnail, content, add_time, sort FROM shop_goods_info WHERE id = 5');
      expect(row).toEqual({
        sale_price: target.dialect === 'sqlite' ? 59 : '59.00',
        note: '十节课',
        main_thumbnail: 'goods/5.jpg',
        content: '<p>详细介绍</p>',
        add_time: 1545900000,
        sort: 10,
      });
    });

    it('records a payment on an existing order the seed created', async () => {
      const repo = new MikroOrderRepository(orm);
      const outbox = new MikroEventOutbox(orm);
      const recorder = containerOnDatabase(orm).container.get(PaymentRecorder);
      const order = await repo.findByOutTradeNo('0020181227192358000200000001');
      const paidAt = new Date(Date.UTC(2026, 0, 15, 4, 0, 0));
      const outcome = await recorder.recordPayment(
        order!,
        { transactionId: '4200000999202601150000000001', amount: Money.ofFen(9900), paidAt },
        paidAt,
      );
      expect(outcome.kind).toBe('changed');
      expect((await outbox.due(new Date(), 10)).map((e) => e.event.type)).toEqual(['OrderPaid']);
      const [row] = await db.exec(
        "SELECT paid_status, bill_no, paid_time, version FROM shop_goods_order WHERE out_trade_no = '0020181227192358000200000001'",
      );
      expect(row).toEqual({ paid_status: 'SUCC', bill_no: '4200000999202601150000000001', paid_time: paidAt.getTime() / 1000, version: 1 });
    });

    it('serves a prepay for a seed key: the stale open order is superseded and a new one opened', async () => {
      await db.exec("INSERT INTO wx_user (uid, openid, created_at) VALUES (12, 'openid-seed-12', 0)");
      const clock = new ManualClock(new Date(Date.UTC(2026, 0, 15, 4, 0, 0)));
      const orders = new MikroOrderRepository(orm);
      const prepay = containerOnDatabase(orm, { clock }).container.get(RequestPrepay);
      const result = await prepay.execute({ uid: 12, goodsId: 5, paidType: 'WXPAY', clientIp: '127.0.0.1' });
      expect(result.ok).toBe(true);
      const no = result.ok ? result.value.outTradeNo : '';
      expect(no).not.toBe('2018122800000000000200000002');
      expect((await orders.findOpen({ uid: 12, goodsId: 5, paidType: 'WXPAY' }))?.state.outTradeNo.value).toBe(no);
      const superseded = await orders.findByOutTradeNo('2018122800000000000200000002');
      expect(superseded?.state).toMatchObject({ status: 'CHECKED', holdsOpenSlot: false, version: 1 });
      const again = await prepay.execute({ uid: 12, goodsId: 5, paidType: 'WXPAY', clientIp: '127.0.0.1' });
      expect(again.ok && again.value).toMatchObject({ outTradeNo: no, reused: true });
    });
  });

  describe(`${target.name}: a console from before shop operators (migration 15)`, () => {
    let db: ScratchDatabase;
    let orm: SqlOrm;
    afterAll(async () => {
      await orm?.close();
      await db?.drop();
    });

    it("keeps every operator a platform operator and gives each audit line its shop: an order's line its order's merchant", async () => {
      db = await target.create('shops');
      orm = await openOrm(db.url);
      await orm.getMigrator().up({ to: 'Migration20261207000013RefundParts' });
      await db.exec(`INSERT INTO shop_goods_order (uid, goods_id, out_trade_no, paid_money, paid_type, paid_status, add_time, merchant_id)
        VALUES (21, 5, '2026010112000000020000000031', 9900, 'WXPAY', 'SUCC', 1767240000, 'north')`);
      await db.exec(`INSERT INTO wx_operator (name, role, password_hash, disabled, created_at, updated_at, password_changed_at)
        VALUES ('old-admin', 'admin', 'h', 0, 1, 1, 1)`);
      for (const [action, subject] of [
        ['refund.requested', '2026010112000000020000000031'],
        ['review.resolved', '2026010112000000020000000099'],
        ['coins.granted', 'user:21'],
        ['goods.updated', 'goods:5'],
        ['operator.created', 'operator:old-admin'],
      ] as const) {
        await db.exec(`INSERT INTO wx_audit_log (at, actor, action, subject) VALUES (1, 'cli', '${action}', '${subject}')`);
      }
      expect(await migrate(orm)).toEqual(
        MIGRATIONS.slice(MIGRATIONS.findIndex((m) => m.name.endsWith('RefundParts')) + 1).map((m) => m.name),
      );
      const audit = await new MikroAuditLog(orm).list({ limit: 10, offset: 0 });
      expect(audit.map((e) => [e.action, e.merchantId])).toEqual([
        ['operator.created', undefined],
        ['goods.updated', 'default'],
        ['coins.granted', 'default'],
        ['review.resolved', undefined], // its order is not here: the platform's
        ['refund.requested', 'north'],
      ]);
      const operators = new MikroOperators(orm);
      const old = await operators.findByName('old-admin');
      expect(await operators.shopsOf(old?.operator.id ?? 0)).toEqual({ kind: 'platform' });
      // The one enabled platform admin keeps every shop, and stays an enabled admin beside shop admins.
      const oldId = old?.operator.id ?? 0;
      expect(await operators.setShops(oldId, shopsScope(['north']), new Date())).toBe('lastAdmin');
      const other = await operators.add({ name: 'shop-admin', role: 'admin', passwordHash: 'h', at: new Date() });
      if (other === 'nameTaken') throw new Error('unexpected nameTaken');
      expect(await operators.setShops(other.id, shopsScope(['north']), new Date())).toBe('updated');
      expect(await operators.updateKeepingAnAdmin(oldId, { role: 'viewer', at: new Date() })).toBe('lastAdmin');
      expect(await operators.setShops(other.id, PLATFORM, new Date())).toBe('updated');
      expect(await operators.setShops(oldId, shopsScope([]), new Date())).toBe('updated');
      expect(await operators.shopsOf(oldId)).toEqual({ kind: 'shops', merchantIds: [] });
    });
  });

  describe(`${target.name}: a database whose orders held one refund each (before wx_order_refund)`, () => {
    let db: ScratchDatabase;
    let orm: SqlOrm;
    afterAll(async () => {
      await orm?.close();
      await db?.drop();
    });

    it('moves each refund into wx_order_refund with its number, amount and status, once', async () => {
      db = await target.create('refunds');
      orm = await openOrm(db.url);
      await orm.getMigrator().up({ to: 'Migration20260601000004IntegralLedger' });
      await db.exec(`INSERT INTO shop_goods_order (uid, goods_id, out_trade_no, bill_no, paid_money, paid_type, paid_status, add_time, refund_no, refund_fee, refund_status, refund_time)
        VALUES (21, 5, '2026010112000000020000000021', '4200000215202601011234567890', 9900, 'WXPAY', 'REFUND', 1767240000, '2026010112000000020000000021R2', 9900, 'SUCCESS', 1767243600)`);
      expect(await migrate(orm)).toEqual(MIGRATIONS.slice(4).map((m) => m.name));
      const order = await new MikroOrderRepository(orm).findByOutTradeNo('2026010112000000020000000021');
      expect(order?.state.refunds).toEqual([
        {
          seq: 2,
          outRefundNo: '2026010112000000020000000021R2',
          amount: Money.ofFen(9900),
          status: 'SUCCESS',
          requestedAt: new Date(1767243600_000),
        },
      ]);
      expect(order?.refundedFen).toBe(9900);
    });
  });

  describe(`${target.name}: a seed database with a repeated out_trade_no`, () => {
    let db: ScratchDatabase;
    let orm: SqlOrm;
    afterAll(async () => {
      await orm?.close();
      await db?.drop();
    });

    it('refuses to migrate and names the repeated numbers', async () => {
      db = await target.create('dupes');
      for (const statement of target.seedSchema) await db.exec(statement);
      await db.exec(
        "INSERT INTO shop_goods_order (uid, goods_id, out_trade_no) VALUES (1, 1, '2018122800000000000200000009'), (2, 1, '2018122800000000000200000009')",
      );
      orm = await openOrm(db.url);
      await expect(migrate(orm)).rejects.toThrow(/repeated out_trade_no values \('2018122800000000000200000009' ×2\)/);
    });
  });
}
