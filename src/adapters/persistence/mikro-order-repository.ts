import { raw, type EntityManager, type FilterQuery } from '@mikro-orm/core';
import {
  EVERY_SHOP,
  inScope,
  type InsertOutcome,
  type OrderFilter,
  type OrderKey,
  type OrderRepository,
  type OrderScope,
  type PaymentFacts,
  type RefundEntry,
  type RefundFilter,
  type UpdateOutcome,
} from '../../application/ports/order-repository.js';
import { DEFAULT_MERCHANT_ID } from '../../domain/merchant.js';
import type { Order } from '../../domain/order.js';
import { isOrderStatus, isPaidStatus } from '../../domain/order-status.js';
import { encodeEvent } from './event-codec.js';
import { appendIn } from './mikro-event-outbox.js';
import { ORDER_OPEN_KEY_UNIQUE, ORDER_OUT_TRADE_NO_UNIQUE, ORDER_TABLE, OrderRecord, RefundRecord } from './order-record.js';
import { appIdOf, storedAppIds } from './app-id-column.js';
import {
  openKeyOf,
  toOrder,
  toOrderColumns,
  toPaymentFacts,
  toRefund,
  toRefundColumns,
  UnreadableRowError,
  type OrderRow,
} from './order-mapper.js';
import {
  changeOrderInOneCall,
  compareAndSetOrder,
  insertOrder,
  ORDER_CHANGE_PARAMETERS,
  ORDER_CHANGE_PROCEDURE,
  orderChangeResult,
  insertRefund,
  SELECT_OPEN_ORDER,
  SELECT_ORDER,
  SELECT_ORDER_WITH_REFUNDS,
  SELECT_REFUNDS,
  splitJoinRows,
  updateRefund,
  type OrderJoinRow,
} from './order-sql.js';
import type { SqlOrm } from './orm.js';
import { violatedUniques } from './sql-failure.js';
import { sqlSession, type SqlSession, type SqlStatements } from './sql-session.js';

type Constraint = 'outTradeNo' | 'openKey';

const CONSTRAINTS: Readonly<Record<string, Constraint>> = {
  [ORDER_OUT_TRADE_NO_UNIQUE]: 'outTradeNo',
  [`${ORDER_TABLE}.out_trade_no`]: 'outTradeNo',
  [ORDER_OPEN_KEY_UNIQUE]: 'openKey',
  [`${ORDER_TABLE}.open_key`]: 'openKey',
};

/**
 * out_trade_no LIKE '%part%', with LIKE's own wildcards (and the escape character) escaped so they match themselves.
 * `!` escapes rather than a backslash, which MySQL string literals would treat as an escape of their own. Letters
 * match regardless of case (MariaDB's collation and SQLite's LIKE both do so), which suits a search.
 */
function containing(part: string): Record<string, never[]> {
  const pattern = `%${part.replace(/[!%_]/g, '!$&')}%`;
  const condition: string = raw((alias: string) => `${alias}.out_trade_no LIKE ? ESCAPE '!'`, [pattern]);
  return { [condition]: [] };
}

/** A refund whose order is one of these merchants': wx_order_refund has no merchant of its own, its order has. */
function ofMerchantsOrders(merchantIds: readonly string[]): Record<string, never[]> {
  const marks = merchantIds.map(() => '?').join(', ');
  const condition: string = raw(
    (alias: string) => `${alias}.out_trade_no IN (SELECT o.out_trade_no FROM ${ORDER_TABLE} o WHERE o.merchant_id IN (${marks}))`,
    [...merchantIds],
  );
  return { [condition]: [] };
}

/** Told about every stored row the domain cannot read, so a corrupt order is seen (logged and counted), never silently skipped. */
export type UnreadableRowReporter = (error: UnreadableRowError) => void;

/**
 * Orders in the seed's shop_goods_order, their refunds in wx_order_refund. Writes are guarded in the database:
 * UNIQUE(out_trade_no), UNIQUE(open_key), and a compare-and-set on `version`. MariaDB's default collation compares
 * case-insensitively, so reads re-check the number byte for byte. What prepay and notify run (find by number or key,
 * insert, compare-and-set) is hand-written SQL on the SQL session (order-sql.ts); listings, whose filters vary, are
 * built by MikroORM's entity manager.
 */
export class MikroOrderRepository implements OrderRepository {
  private readonly sql: SqlSession;
  private procedure: Promise<boolean> | undefined;

  constructor(
    private readonly orm: SqlOrm,
    private readonly reportUnreadable: UnreadableRowReporter = () => undefined,
    /** The default mini-program's appid: what a row's app_id '' (from before mini-programs) reads as. */
    private readonly defaultAppId = '',
  ) {
    this.sql = sqlSession(orm);
  }

  // By number alone (its unique index), then the scope: out_trade_no is unique across every shop here.
  async findByOutTradeNo(outTradeNo: string, scope: OrderScope = EVERY_SHOP): Promise<Order | undefined> {
    const { order, refunds } = splitJoinRows(await this.sql.all<OrderJoinRow>(SELECT_ORDER_WITH_REFUNDS, [outTradeNo, outTradeNo]));
    if (!order || order.outTradeNo !== outTradeNo || !this.rowInScope(scope, order)) return undefined;
    return this.read(order, refunds);
  }

  /**
   * One statement, the order without its refunds: a duplicate notice needs only the facts (and a paid order's facts
   * are cached by cachedPaymentFacts, so this runs once per order), a first one the order too, which is unpaid and so
   * has no refunds; only a paid order without a transaction (coins only) is read with its refunds, in a second query.
   */
  async findPaymentFacts(outTradeNo: string, scope: OrderScope = EVERY_SHOP): Promise<PaymentFacts | undefined> {
    const [row] = await this.sql.all<OrderRow>(SELECT_ORDER, [outTradeNo]);
    if (!row || row.outTradeNo !== outTradeNo || !this.rowInScope(scope, row)) return undefined;
    let facts: PaymentFacts;
    try {
      facts = toPaymentFacts(row);
    } catch (error) {
      if (error instanceof UnreadableRowError) this.reportUnreadable(error);
      throw error;
    }
    return facts.transactionId === undefined ? { ...facts, order: this.read(row, await this.refundsOfRow(row)) } : facts;
  }

  async findOpen(key: OrderKey): Promise<Order | undefined> {
    const [row] = await this.sql.all<OrderRow>(SELECT_OPEN_ORDER, [openKeyOf(key)]);
    if (!row) return undefined;
    // An order holding the open slot was never paid: rarely a second query.
    return this.read(row, await this.refundsOfRow(row));
  }

  /** Refunds exist only for paid orders: an unpaid order's are not looked for. */
  private async refundsOfRow(row: OrderRow): Promise<RefundRecord[]> {
    const paid = isOrderStatus(row.paidStatus) && isPaidStatus(row.paidStatus);
    if (!paid) return [];
    const refunds = await this.sql.all<RefundRecord>(SELECT_REFUNDS, [row.outTradeNo]);
    return refunds.filter((r) => r.outTradeNo === row.outTradeNo);
  }

  async insert(order: Order): Promise<InsertOutcome> {
    try {
      const [sql, params] = insertOrder(toOrderColumns(order.state));
      if (order.state.refunds.length === 0) await this.sql.run(sql, params);
      else
        await this.sql.transaction(async (tx) => {
          await tx.run(sql, params);
          await this.writeRefunds(tx, order);
        });
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
    const events = order.pullEvents();
    const columns = toOrderColumns(s);
    const [sql, params] = compareAndSetOrder(columns);
    let outcome: UpdateOutcome;
    try {
      // The change, its refunds and its events commit together: a crash after COMMIT still has the event in the outbox.
      // With only the order's row to write (a prepay_id attached, an order closed), the compare-and-set is one
      // statement, atomic on its own: BEGIN and COMMIT would add two round trips holding a pooled connection.
      // With one event too (a payment), MariaDB's procedure does the transaction in one CALL (one round trip, not four).
      if (s.refunds.length === 0 && events.length === 0) {
        outcome = (await this.sql.run(sql, params)).affectedRows === 1 ? 'updated' : 'stale';
      } else if (s.refunds.length === 0 && events.length === 1 && (await this.procedureReady())) {
        const event = { ...encodeEvent(events[0]!), createdAt: Date.now() };
        outcome = orderChangeResult(await this.sql.all(...changeOrderInOneCall(columns, event)));
      } else {
        outcome = await this.sql.transaction(async (tx) => {
          if ((await tx.run(sql, params)).affectedRows !== 1) return 'stale';
          await this.writeRefunds(tx, order);
          await appendIn(tx, events, Date.now());
          return 'updated';
        });
      }
    } catch (error) {
      // Another order took the key's open slot first: this write lost a race like any other stale one.
      if (this.constraintOf(error) === 'openKey') return 'stale';
      throw error;
    }
    if (outcome === 'updated') order.versionCommitted();
    return outcome;
  }

  /**
   * Whether the database has the order-change procedure with exactly the parameters this code passes (it has not when
   * the account could not create it, on SQLite, or when a later column was added without replacing it): asked once.
   */
  private procedureReady(): Promise<boolean> {
    if (this.sql.dialect !== 'mysql') return Promise.resolve(false);
    this.procedure ??= this.sql
      .all<{ name: string }>(
        `SELECT parameter_name AS name FROM information_schema.parameters
          WHERE specific_schema = DATABASE() AND specific_name = ? AND routine_type = 'PROCEDURE' ORDER BY ordinal_position`,
        [ORDER_CHANGE_PROCEDURE],
      )
      .then((rows) => rows.map((r) => String(r.name).toLowerCase()).join(',') === ORDER_CHANGE_PARAMETERS.join(','))
      .catch(() => {
        // Asked again next time; this change takes the transaction, which reports the database's trouble if it lasts.
        this.procedure = undefined;
        return false;
      });
    return this.procedure;
  }

  async listAwaitingPayment(limit: number, offset = 0, scope: OrderScope = EVERY_SHOP, prepaidBefore?: Date): Promise<Order[]> {
    return this.select(
      {
        paidStatus: 'CHECKED',
        prepayId: { $ne: null },
        needsReview: 0,
        ...(prepaidBefore && { prepayIssuedAt: { $lte: Math.floor(prepaidBefore.getTime() / 1000) } }),
        ...this.scoped(scope),
      },
      'asc',
      limit,
      offset,
    );
  }

  async listOpenWithoutPrepay(createdBefore: Date, limit: number, scope: OrderScope = EVERY_SHOP): Promise<Order[]> {
    const before = Math.floor(createdBefore.getTime() / 1000);
    return this.select(
      { paidStatus: 'CHECKED', prepayId: null, needsReview: 0, addTime: { $lt: before }, ...this.scoped(scope) },
      'asc',
      limit,
      0,
    );
  }

  async listRefundsUnsettled(limit: number, scope: OrderScope = EVERY_SHOP): Promise<Order[]> {
    const rows = await this.orm.em
      .fork()
      .find(
        RefundRecord,
        { status: { $in: ['PROCESSING', 'ABNORMAL'] }, ...this.refundsScoped(scope) },
        { orderBy: { requestedAt: 'asc', id: 'asc' }, limit, disableIdentityMap: true },
      );
    const numbers = [...new Set(rows.map((r) => r.outTradeNo))];
    return numbers.length === 0
      ? []
      : this.select({ outTradeNo: { $in: numbers }, paidStatus: 'SUCC', ...this.scoped(scope) }, 'asc', limit, 0);
  }

  async list(filter: OrderFilter): Promise<Order[]> {
    if (filter.merchantIds?.length === 0) return [];
    const seconds = (at: Date): number => Math.floor(at.getTime() / 1000);
    const addTime = {
      ...(filter.createdFrom !== undefined && { $gte: seconds(filter.createdFrom) }),
      ...(filter.createdBefore !== undefined && { $lt: seconds(filter.createdBefore) }),
    };
    const where: FilterQuery<OrderRecord> = {
      ...(filter.status !== undefined && { paidStatus: filter.status }),
      ...(filter.uid !== undefined && { uid: filter.uid }),
      ...(filter.paidType !== undefined && { paidType: filter.paidType }),
      ...(filter.outTradeNo !== undefined && { outTradeNo: filter.outTradeNo }),
      ...(filter.outTradeNoContains !== undefined && containing(filter.outTradeNoContains)),
      ...(filter.transactionId !== undefined && { billNo: filter.transactionId }),
      ...(filter.needsReview !== undefined && { needsReview: filter.needsReview ? 1 : 0 }),
      ...(filter.merchantIds !== undefined && { merchantId: { $in: [...filter.merchantIds] } }),
      ...(Object.keys(addTime).length > 0 && { addTime }),
      ...this.scoped(filter),
    };
    return this.select(where, filter.oldestFirst ? 'asc' : 'desc', Math.min(filter.limit, 100), filter.offset);
  }

  async listRefunds(filter: RefundFilter): Promise<RefundEntry[]> {
    if (filter.merchantIds?.length === 0) return [];
    const requestedAt = {
      ...(filter.requestedFrom !== undefined && { $gte: filter.requestedFrom.getTime() }),
      ...(filter.requestedBefore !== undefined && { $lt: filter.requestedBefore.getTime() }),
    };
    const direction = filter.oldestFirst ? 'asc' : 'desc';
    const where: FilterQuery<RefundRecord> = {
      ...(Object.keys(requestedAt).length > 0 && { requestedAt }),
      ...this.refundsScoped(filter),
      ...(filter.merchantIds !== undefined && ofMerchantsOrders(filter.merchantIds)),
    };
    const rows = await this.orm.em.fork().find(RefundRecord, where, {
      orderBy: [{ requestedAt: direction }, { id: direction }],
      limit: Math.min(filter.limit, 1000),
      offset: filter.offset,
      disableIdentityMap: true,
    });
    return rows.flatMap((row) => {
      try {
        return [{ outTradeNo: row.outTradeNo, refund: toRefund(row) }];
      } catch (error) {
        if (!(error instanceof UnreadableRowError)) throw error;
        this.reportUnreadable(error);
        return [];
      }
    });
  }

  /** The conditions on shop_goods_order's columns that keep a query inside the scope. */
  private scoped(scope: OrderScope): { merchantId?: string; appId?: { $in: string[] } } {
    return {
      ...(scope.merchantId !== undefined && { merchantId: scope.merchantId }),
      ...(scope.appId !== undefined && { appId: { $in: storedAppIds(scope.appId, this.defaultAppId) } }),
    };
  }

  /** Refunds of the scope's orders only: their numbers, by a subquery on shop_goods_order. */
  private refundsScoped(scope: OrderScope): Record<string, never[]> {
    const conditions: string[] = [];
    const params: string[] = [];
    if (scope.merchantId !== undefined) {
      conditions.push('o.merchant_id = ?');
      params.push(scope.merchantId);
    }
    if (scope.appId !== undefined) {
      const stored = storedAppIds(scope.appId, this.defaultAppId);
      conditions.push(`o.app_id IN (${stored.map(() => '?').join(', ')})`);
      params.push(...stored);
    }
    if (conditions.length === 0) return {};
    const condition: string = raw(
      (alias: string) => `${alias}.out_trade_no IN (SELECT o.out_trade_no FROM ${ORDER_TABLE} o WHERE ${conditions.join(' AND ')})`,
      params,
    );
    return { [condition]: [] };
  }

  private rowInScope(scope: OrderScope, row: Pick<OrderRow, 'merchantId' | 'appId'>): boolean {
    return inScope(scope, { merchantId: row.merchantId ?? DEFAULT_MERCHANT_ID, appId: appIdOf(row.appId, this.defaultAppId) });
  }

  /** Rows the domain cannot read (written by other code) are reported and left out rather than failing a listing. */
  private async select(where: FilterQuery<OrderRecord>, direction: 'asc' | 'desc', limit: number, offset: number): Promise<Order[]> {
    const em = this.orm.em.fork();
    const rows = await em.find(OrderRecord, where, {
      orderBy: [{ addTime: direction }, { id: direction }],
      limit,
      offset,
      disableIdentityMap: true,
    });
    const refunds = await this.refundsOf(
      em,
      rows.map((r) => r.outTradeNo ?? ''),
    );
    return rows.flatMap((row) => {
      try {
        return [
          toOrder(
            row,
            refunds.filter((r) => r.outTradeNo === row.outTradeNo),
            this.defaultAppId,
          ),
        ];
      } catch (error) {
        if (!(error instanceof UnreadableRowError)) throw error;
        this.reportUnreadable(error);
        return [];
      }
    });
  }

  /** One order the caller asked for by name: an unreadable row is reported, then fails the caller. */
  private read(row: OrderRow, refunds: readonly RefundRecord[]): Order {
    try {
      return toOrder(row, refunds, this.defaultAppId);
    } catch (error) {
      if (error instanceof UnreadableRowError) this.reportUnreadable(error);
      throw error;
    }
  }

  private async refundsOf(em: EntityManager, numbers: readonly string[]): Promise<RefundRecord[]> {
    if (numbers.length === 0) return [];
    const rows = await em.find(RefundRecord, { outTradeNo: { $in: [...numbers] } }, { disableIdentityMap: true });
    // Byte-for-byte, like the orders themselves (MariaDB's collation would match 'abc' to 'ABC').
    return rows.filter((r) => numbers.includes(r.outTradeNo));
  }

  /** Within the order's transaction, after its compare-and-set: no other writer can touch this order's refunds. */
  private async writeRefunds(tx: SqlStatements, order: Order): Promise<void> {
    const no = order.state.outTradeNo.value;
    for (const refund of order.state.refunds) {
      const columns = toRefundColumns(no, refund);
      const changed = (await tx.run(...updateRefund(columns))).affectedRows;
      if (changed === 0) await tx.run(...insertRefund(columns));
    }
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
