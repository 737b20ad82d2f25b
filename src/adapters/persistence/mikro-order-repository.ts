import type { FilterQuery } from '@mikro-orm/core';
import type { InsertOutcome, OrderFilter, OrderKey, OrderRepository, UpdateOutcome } from '../../application/ports/order-repository.js';
import type { Order } from '../../domain/order.js';
import { appendIn } from './mikro-event-outbox.js';
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
    const events = order.pullEvents();
    let outcome: UpdateOutcome;
    try {
      // The change and its events commit together: a crash after COMMIT still has the event waiting in the outbox.
      outcome = await this.orm.em.fork().transactional(async (em) => {
        const changed = await em.nativeUpdate(OrderRecord, { outTradeNo, version: s.version }, { ...columns, version: s.version + 1 });
        if (changed !== 1) return 'stale';
        await appendIn(em, events, Date.now());
        return 'updated';
      });
    } catch (error) {
      // Another order took the key's open slot first: this write lost a race like any other stale one.
      if (this.constraintOf(error) === 'openKey') return 'stale';
      throw error;
    }
    if (outcome === 'updated') order.versionCommitted();
    return outcome;
  }

  async listAwaitingPayment(limit: number, offset = 0): Promise<Order[]> {
    return this.select({ paidStatus: 'CHECKED', prepayId: { $ne: null } }, 'asc', limit, offset);
  }

  async listRefundsProcessing(limit: number): Promise<Order[]> {
    return this.select({ paidStatus: 'SUCC', refundStatus: 'PROCESSING' }, 'asc', limit, 0);
  }

  async list(filter: OrderFilter): Promise<Order[]> {
    const where: FilterQuery<OrderRecord> = {
      ...(filter.status !== undefined && { paidStatus: filter.status }),
      ...(filter.uid !== undefined && { uid: filter.uid }),
    };
    return this.select(where, 'desc', Math.min(filter.limit, 100), filter.offset);
  }

  /** Rows the domain cannot read (written by other code) are skipped here rather than failing a whole listing. */
  private async select(where: FilterQuery<OrderRecord>, direction: 'asc' | 'desc', limit: number, offset: number): Promise<Order[]> {
    const rows = await this.orm.em
      .fork()
      .find(OrderRecord, where, { orderBy: [{ addTime: direction }, { id: direction }], limit, offset, disableIdentityMap: true });
    return rows.flatMap((row) => {
      try {
        return [toOrder(row)];
      } catch {
        return [];
      }
    });
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
