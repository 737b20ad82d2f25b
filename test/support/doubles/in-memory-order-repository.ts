import type {
  InsertOutcome,
  OrderFilter,
  OrderKey,
  OrderRepository,
  RefundEntry,
  RefundFilter,
  UpdateOutcome,
} from '../../../src/application/ports/order-repository.js';
import {
  EVERY_SHOP,
  inScope,
  orderKeyOf,
  paymentFactsOf,
  type OrderScope,
  type PaymentFacts,
} from '../../../src/application/ports/order-repository.js';
import { Order, type OrderState } from '../../../src/domain/order.js';
import { isPaidStatus } from '../../../src/domain/order-status.js';
import { InMemoryEventOutbox } from './in-memory-event-outbox.js';

const slotOf = (key: OrderKey): string => `${key.uid}:${key.goodsId}:${key.paidType}`;

/**
 * Keeps order snapshots, never live aggregates, so it behaves like a database: callers get copies, writes are
 * compare-and-set on the version, and the unique constraints match the SQL schema's. An update and its events reach
 * the outbox in one synchronous step, the in-memory equivalent of one transaction.
 */
export class InMemoryOrderRepository implements OrderRepository {
  private readonly rows = new Map<string, OrderState>();
  private readonly openSlots = new Map<string, string>();

  constructor(readonly outbox: InMemoryEventOutbox = new InMemoryEventOutbox()) {}

  async findByOutTradeNo(outTradeNo: string, scope: OrderScope = EVERY_SHOP): Promise<Order | undefined> {
    await Promise.resolve();
    const row = this.rows.get(outTradeNo);
    return row && inScope(scope, row) ? Order.restore(row) : undefined;
  }

  async findPaymentFacts(outTradeNo: string, scope: OrderScope = EVERY_SHOP): Promise<PaymentFacts | undefined> {
    await Promise.resolve();
    const row = this.rows.get(outTradeNo);
    if (!row || !inScope(scope, row)) return undefined;
    const order = Order.restore(row);
    const facts = paymentFactsOf(order);
    return facts.transactionId === undefined ? { ...facts, order } : facts;
  }

  async findOpen(key: OrderKey): Promise<Order | undefined> {
    await Promise.resolve();
    const no = this.openSlots.get(slotOf(key));
    return no === undefined ? undefined : this.findByOutTradeNo(no);
  }

  async insert(order: Order): Promise<InsertOutcome> {
    await Promise.resolve();
    const s = order.state;
    if (this.rows.has(s.outTradeNo.value)) return 'duplicateOutTradeNo';
    const slot = slotOf(orderKeyOf(order));
    if (s.holdsOpenSlot && this.openSlots.has(slot)) return 'openOrderExists';
    this.rows.set(s.outTradeNo.value, s);
    if (s.holdsOpenSlot) this.openSlots.set(slot, s.outTradeNo.value);
    return 'inserted';
  }

  async update(order: Order): Promise<UpdateOutcome> {
    await Promise.resolve();
    const s = order.state;
    const stored = this.rows.get(s.outTradeNo.value);
    if (!stored || stored.version !== s.version) return 'stale';
    const slot = slotOf(orderKeyOf(order));
    const slotHolder = this.openSlots.get(slot);
    if (s.holdsOpenSlot && slotHolder !== undefined && slotHolder !== s.outTradeNo.value) return 'stale';
    order.versionCommitted();
    this.rows.set(s.outTradeNo.value, order.state);
    this.outbox.appendNow(order.pullEvents());
    if (order.state.holdsOpenSlot) this.openSlots.set(slot, s.outTradeNo.value);
    else if (slotHolder === s.outTradeNo.value) this.openSlots.delete(slot);
    return 'updated';
  }

  async listAwaitingPayment(limit: number, offset = 0, scope: OrderScope = EVERY_SHOP, prepaidBefore?: Date): Promise<Order[]> {
    await Promise.resolve();
    // Whole seconds, as the SQL repository's prepay_issued_at.
    const before = prepaidBefore && Math.floor(prepaidBefore.getTime() / 1000);
    return this.sorted(
      (s) =>
        inScope(scope, s) &&
        s.status === 'CHECKED' &&
        s.prepay !== undefined &&
        !s.review &&
        (before === undefined || Math.floor(s.prepay.issuedAt.getTime() / 1000) <= before),
      'asc',
      limit,
      offset,
    );
  }

  async listOpenWithoutPrepay(createdBefore: Date, limit: number, scope: OrderScope = EVERY_SHOP): Promise<Order[]> {
    await Promise.resolve();
    // The SQL repository compares whole seconds (the seed's int columns); so does this one.
    const before = Math.floor(createdBefore.getTime() / 1000);
    return this.sorted(
      (s) =>
        inScope(scope, s) &&
        s.status === 'CHECKED' &&
        s.prepay === undefined &&
        !s.review &&
        Math.floor(s.createdAt.getTime() / 1000) < before,
      'asc',
      limit,
      0,
    );
  }

  async listRefundsUnsettled(limit: number, scope: OrderScope = EVERY_SHOP): Promise<Order[]> {
    await Promise.resolve();
    return this.sorted(
      // Paid: REFUND too, whose refunds WeChat's word took beyond the payment (one still in flight), like the database's.
      (s) => inScope(scope, s) && isPaidStatus(s.status) && s.refunds.some((r) => r.status === 'PROCESSING' || r.status === 'ABNORMAL'),
      'asc',
      limit,
      0,
    );
  }

  async list(filter: OrderFilter): Promise<Order[]> {
    await Promise.resolve();
    const matches = (s: OrderState): boolean =>
      inScope(filter, s) &&
      (filter.status === undefined || s.status === filter.status) &&
      (filter.uid === undefined || s.uid === filter.uid) &&
      (filter.paidType === undefined || s.paidType === filter.paidType) &&
      (filter.outTradeNo === undefined || s.outTradeNo.value === filter.outTradeNo) &&
      // Case-insensitive, as LIKE is on MariaDB's collation and in SQLite.
      (filter.outTradeNoContains === undefined || s.outTradeNo.value.toLowerCase().includes(filter.outTradeNoContains.toLowerCase())) &&
      (filter.transactionId === undefined || s.transactionId === filter.transactionId) &&
      (filter.needsReview === undefined || (s.review !== undefined) === filter.needsReview) &&
      (filter.merchantIds === undefined || filter.merchantIds.includes(s.merchantId)) &&
      (filter.createdFrom === undefined || Math.floor(s.createdAt.getTime() / 1000) >= Math.floor(filter.createdFrom.getTime() / 1000)) &&
      (filter.createdBefore === undefined || Math.floor(s.createdAt.getTime() / 1000) < Math.floor(filter.createdBefore.getTime() / 1000));
    return this.sorted(matches, filter.oldestFirst ? 'asc' : 'desc', Math.min(filter.limit, 100), filter.offset);
  }

  async listRefunds(filter: RefundFilter): Promise<RefundEntry[]> {
    await Promise.resolve();
    const sign = filter.oldestFirst ? 1 : -1;
    return [...this.rows.values()]
      .filter((s) => inScope(filter, s))
      .filter((s) => filter.merchantIds === undefined || filter.merchantIds.includes(s.merchantId))
      .flatMap((s) => s.refunds.map((refund) => ({ outTradeNo: s.outTradeNo.value, refund })))
      .filter(
        ({ refund: r }) =>
          (filter.requestedFrom === undefined || r.requestedAt >= filter.requestedFrom) &&
          (filter.requestedBefore === undefined || r.requestedAt < filter.requestedBefore),
      )
      .sort((a, b) => sign * (a.refund.requestedAt.getTime() - b.refund.requestedAt.getTime()))
      .slice(filter.offset, filter.offset + Math.min(filter.limit, 1000));
  }

  private sorted(matches: (s: OrderState) => boolean, direction: 'asc' | 'desc', limit: number, offset: number): Order[] {
    const sign = direction === 'asc' ? 1 : -1;
    return [...this.rows.values()]
      .filter(matches)
      .sort((a, b) => sign * (a.createdAt.getTime() - b.createdAt.getTime()))
      .slice(offset, offset + limit)
      .map((row) => Order.restore(row));
  }

  /** Every stored order, for tests and the admin view of the embedded default. */
  all(): Order[] {
    return [...this.rows.values()].map((row) => Order.restore(row));
  }
}
