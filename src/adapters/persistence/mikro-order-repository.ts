import type { InsertOutcome, OrderKey, OrderRepository, UpdateOutcome } from '../../application/ports/order-repository.js';
import type { Order } from '../../domain/order.js';
import { ORDER_OPEN_KEY_UNIQUE, ORDER_OUT_TRADE_NO_UNIQUE, ORDER_TABLE, OrderRecord } from './order-record.js';
import { openKeyOf, toOrder, toOrderColumns } from './order-mapper.js';
import type { SqlOrm } from './orm.js';
import { violatedUniques } from './unique-violation.js';

type Constraint = 'outTradeNo' | 'openKey';

const CONSTRAINTS: Readonly<Record<string, Constraint>> = {
  [ORDER_OUT_TRADE_NO_UNIQUE]: 'outTradeNo',
  [`${ORDER_TABLE}.out_trade_no`]: 'outTradeNo',
  [ORDER_OPEN_KEY_UNIQUE]: 'openKey',
  [`${ORDER_TABLE}.open_key`]: 'openKey',
};

/**
 * Orders in the seed's shop_goods_order. Every call works in its own forked EntityManager, and writes are single
 * statements whose guards live in the database: UNIQUE(out_trade_no), UNIQUE(open_key), and a compare-and-set on
 * `version`. MariaDB's default collation compares case-insensitively, so reads re-check the number byte for byte.
 */
export class MikroOrderRepository implements OrderRepository {
  constructor(private readonly orm: SqlOrm) {}

  async findByOutTradeNo(outTradeNo: string): Promise<Order | undefined> {
    const row = await this.orm.em.fork().findOne(OrderRecord, { outTradeNo }, { disableIdentityMap: true });
    return row && row.outTradeNo === outTradeNo ? toOrder(row) : undefined;
  }

  async findOpen(key: OrderKey): Promise<Order | undefined> {
    const row = await this.orm.em.fork().findOne(OrderRecord, { openKey: openKeyOf(key) }, { disableIdentityMap: true });
    return row ? toOrder(row) : undefined;
  }

  async insert(order: Order): Promise<InsertOutcome> {
    try {
      await this.orm.em.fork().insert(OrderRecord, toOrderColumns(order.state));
      return 'inserted';
    } catch (error) {
      switch (this.constraintOf(error)) {
        case 'outTradeNo':
          return 'duplicateOutTradeNo';
        case 'openKey':
          return 'openOrderExists';
        case undefined:
          throw error;
      }
    }
  }

  async update(order: Order): Promise<UpdateOutcome> {
    const s = order.state;
    const { outTradeNo, ...columns } = toOrderColumns(s);
    let changed: number;
    try {
      changed = await this.orm.em
        .fork()
        .nativeUpdate(OrderRecord, { outTradeNo, version: s.version }, { ...columns, version: s.version + 1 });
    } catch (error) {
      // Another order took the key's open slot first: this write lost a race like any other stale one.
      if (this.constraintOf(error) === 'openKey') return 'stale';
      throw error;
    }
    if (changed !== 1) return 'stale';
    order.versionCommitted();
    return 'updated';
  }

  private constraintOf(error: unknown): Constraint | undefined {
    const names = violatedUniques(error);
    if (!names) return undefined;
    for (const name of names) {
      const constraint = CONSTRAINTS[name];
      if (constraint) return constraint;
    }
    // A unique index this code does not know (added by hand?): report it rather than misclassify it.
    throw error;
  }
}
