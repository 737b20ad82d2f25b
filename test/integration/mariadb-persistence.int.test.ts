import { MIGRATIONS } from '../../src/adapters/persistence/migrations/index.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MikroOrderRepository } from '../../src/adapters/persistence/mikro-order-repository.js';
import {
  ORDER_AWAITING_INDEX,
  ORDER_OPEN_KEY_UNIQUE,
  ORDER_OUT_TRADE_NO_UNIQUE,
  ORDER_REUSE_INDEX,
  OrderRecord,
} from '../../src/adapters/persistence/order-record.js';
import { openKeyOf } from '../../src/adapters/persistence/order-mapper.js';
import { migrate, openOrm, type SqlOrm } from '../../src/adapters/persistence/orm.js';
import { anOrder } from '../support/builders.js';
import { scratchMariaDb, SEED_SCHEMA_SQL, seedStatements, type ScratchDatabase } from '../support/databases.js';
import { describeIfServices } from '../support/integration.js';
import { persistenceSuite } from './persistence.suite.js';

const describeWith = await describeIfServices(['mariadb']);

describeWith('MariaDB persistence', () => {
  persistenceSuite({ dialect: 'mysql', name: 'MariaDB', create: scratchMariaDb, seedSchema: seedStatements(SEED_SCHEMA_SQL) });
});

describeWith('MariaDB: instances starting together', () => {
  it('migrate one after another: one applies everything, the others find nothing pending', async () => {
    const db = await scratchMariaDb('race');
    const orms = await Promise.all([openOrm(db.url), openOrm(db.url), openOrm(db.url)]);
    try {
      const applied = await Promise.all(orms.map((orm) => migrate(orm)));
      expect(applied.map((names) => names.length).sort()).toEqual([0, 0, MIGRATIONS.length]);
      expect(await db.exec('SELECT COUNT(*) AS n FROM mikro_orm_migrations')).toEqual([{ n: MIGRATIONS.length }]);
    } finally {
      for (const orm of orms) await orm.close();
      await db.drop();
    }
  });
});

describeWith('MariaDB: the hot lookups use an index', () => {
  let db: ScratchDatabase;
  let orm: SqlOrm;
  let someNumber: string;

  beforeAll(async () => {
    db = await scratchMariaDb('explain');
    orm = await openOrm(db.url);
    await migrate(orm);
    // Enough rows, spread over many keys and states, that a table scan would be the optimiser's worse choice.
    const repo = new MikroOrderRepository(orm);
    for (let i = 0; i < 300; i++) {
      const order = anOrder({ uid: 50_000 + (i % 60), goodsId: 1 + (i % 5), holdsOpenSlot: i < 60 });
      if (i % 3 === 1) order.markFailed('CLOSED', new Date());
      expect(await repo.insert(order)).toBe('inserted');
      if (i === 150) someNumber = order.state.outTradeNo.value;
    }
    await db.exec('ANALYZE TABLE shop_goods_order');
  });
  afterAll(async () => {
    await orm?.close();
    await db?.drop();
  });

  // Existing keys and numbers: for a value that matches nothing MariaDB answers "Impossible WHERE" without a key.
  const explain = async (sql: string): Promise<{ key: unknown; type: unknown }> => {
    const rows = await db.exec(`EXPLAIN ${sql}`);
    expect(rows).toHaveLength(1);
    return { key: rows[0]!.key, type: rows[0]!.type };
  };
  const sqlOf = (where: Record<string, unknown>, extra = ''): string =>
    orm.em.fork().createQueryBuilder(OrderRecord).select('*').where(where).getFormattedQuery() + extra;

  it('findOpen (the reuse lookup) reads one row through the open_key unique index', async () => {
    const plan = await explain(sqlOf({ openKey: openKeyOf({ uid: 50_000, goodsId: 1, paidType: 'WXPAY' }) }));
    expect(plan.key).toBe(ORDER_OPEN_KEY_UNIQUE);
  });

  it("the seed's reuse query (newest CHECKED order of a key) uses the reuse index", async () => {
    const plan = await explain(
      sqlOf({ uid: 50_000, goodsId: 1, paidType: 'WXPAY', paidStatus: 'CHECKED' }, ' order by `add_time` desc limit 1'),
    );
    expect(plan.key).toBe(ORDER_REUSE_INDEX);
  });

  it("the payment reconciliation's scan (CHECKED with a prepay, oldest first) reads only such orders", async () => {
    // Every CHECKED order here is without a prepay, as a seed database's abandoned orders are: walking the status or
    // review index in time order would look each of them up to find nothing.
    const plan = await explain(
      sqlOf({ paidStatus: 'CHECKED', prepayId: { $ne: null }, needsReview: 0 }, ' order by `add_time` asc, `id` asc limit 100'),
    );
    expect(plan.key).toBe(ORDER_AWAITING_INDEX);
  });

  it('the notify lookup by out_trade_no uses the unique index', async () => {
    const plan = await explain(sqlOf({ outTradeNo: someNumber }));
    expect(plan.key).toBe(ORDER_OUT_TRADE_NO_UNIQUE);
    expect(plan.type).toBe('const');
  });
});
