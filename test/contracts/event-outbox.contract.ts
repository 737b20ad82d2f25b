import { describe, expect, it } from 'vitest';
import type { OrderRepository } from '../../src/application/ports/order-repository.js';
import { eventIdOf, type EventOutbox, type OutboxHistory, type PaymentConflict } from '../../src/application/ports/payment-events.js';
import { Money } from '../../src/domain/money.js';
import { anOrder } from '../support/builders.js';

export interface OutboxFixture {
  readonly outbox: EventOutbox & OutboxHistory;
  /** A repository that writes to this outbox in its transactions. */
  readonly orders: OrderRepository;
}

/** What every EventOutbox (and its repository pairing) must do. Run against in-memory, MariaDB and SQLite. */
export function eventOutboxContract(name: string, fresh: () => Promise<OutboxFixture>): void {
  const uid = (): number => 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
  const paidAt = new Date(Date.UTC(2026, 0, 15, 5, 0, 0));
  const mine = async (outbox: EventOutbox, outTradeNo: string, at = new Date(Date.UTC(2030, 0, 1))) =>
    (await outbox.due(at, 1_000)).filter((e) => e.event.outTradeNo === outTradeNo);

  describe(`EventOutbox contract: ${name}`, () => {
    it('receives the event of an order change in the same write, with its dates intact', async () => {
      const { outbox, orders } = await fresh();
      const order = anOrder({ uid: uid() });
      await orders.insert(order);
      order.confirmPaid({ transactionId: 'T1', amount: order.state.cash, paidAt });
      expect(await orders.update(order)).toBe('updated');
      const entries = await mine(outbox, order.state.outTradeNo.value);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ eventId: `${order.state.outTradeNo.value}:OrderPaid`, attempts: 0 });
      expect(entries[0]?.event).toMatchObject({ type: 'OrderPaid', transactionId: 'T1', cashFen: order.state.cash.fen, paidAt });
    });

    it('records nothing for a write that lost its compare-and-set', async () => {
      const { outbox, orders } = await fresh();
      const order = anOrder({ uid: uid() });
      await orders.insert(order);
      const stale = await orders.findByOutTradeNo(order.state.outTradeNo.value);
      order.markFailed('CLOSED', paidAt);
      await orders.update(order);
      stale!.confirmPaid({ transactionId: 'T1', amount: order.state.cash, paidAt });
      expect(await orders.update(stale!)).toBe('stale');
      expect((await mine(outbox, order.state.outTradeNo.value)).map((e) => e.event.type)).toEqual(['OrderFailed']);
    });

    it('appends an alert once however often it is appended', async () => {
      const { outbox } = await fresh();
      const no = anOrder().state.outTradeNo.value;
      const conflict: PaymentConflict = {
        type: 'PaymentConflict',
        outTradeNo: no,
        recordedTransactionId: 'A',
        incomingTransactionId: 'B',
        at: paidAt,
      };
      await outbox.append([conflict]);
      await outbox.append([conflict]);
      expect(await mine(outbox, no)).toEqual([{ eventId: eventIdOf(conflict), event: conflict, attempts: 0 }]);
    });

    it('hides a failed event until its retry time and forgets a delivered one', async () => {
      const { outbox } = await fresh();
      const no = anOrder().state.outTradeNo.value;
      const conflict: PaymentConflict = {
        type: 'PaymentConflict',
        outTradeNo: no,
        recordedTransactionId: 'A',
        incomingTransactionId: 'C',
        at: paidAt,
      };
      await outbox.append([conflict]);
      const id = eventIdOf(conflict);
      const retryAt = new Date(Date.UTC(2031, 0, 1));
      await outbox.markFailed(id, 'HTTP 503', retryAt);
      expect(await mine(outbox, no)).toEqual([]);
      expect(await mine(outbox, no, retryAt)).toEqual([{ eventId: id, event: conflict, attempts: 1 }]);
      await outbox.markDelivered([id], retryAt);
      expect(await mine(outbox, no, new Date(Date.UTC(2032, 0, 1)))).toEqual([]);
    });

    it('keeps refund events with their amounts', async () => {
      const { outbox, orders } = await fresh();
      const order = anOrder({ uid: uid() });
      await orders.insert(order);
      order.confirmPaid({ transactionId: 'T9', amount: order.state.cash, paidAt });
      await orders.update(order);
      const no = order.state.outTradeNo.value;
      order.requestRefund({ amount: Money.ofFen(100), at: paidAt, requestKey: 'k-1' });
      await orders.update(order);
      const report = { outTradeNo: no, transactionId: 'T9', refundId: 'RID-1', totalFee: order.state.cash, at: paidAt };
      order.applyRefundReport({ ...report, outRefundNo: `${no}R1`, amount: Money.ofFen(100), status: 'SUCCESS' });
      await orders.update(order);
      order.requestRefund({ amount: Money.ofFen(order.state.cash.fen - 100), at: paidAt });
      await orders.update(order);
      order.applyRefundReport({
        ...report,
        refundId: 'RID-2',
        outRefundNo: `${no}R2`,
        amount: Money.ofFen(order.state.cash.fen - 100),
        status: 'SUCCESS',
      });
      await orders.update(order);
      const events = (await mine(outbox, no)).map((e) => e.event);
      expect(events.map((e) => e.type)).toEqual(['OrderPaid', 'RefundSucceeded', 'RefundSucceeded', 'OrderRefunded']);
      expect(events[1]).toMatchObject({ refundFen: 100, outRefundNo: `${no}R1`, refundedFen: 100, at: paidAt });
      expect(events[3]).toMatchObject({ refundFen: order.state.cash.fen, outRefundNo: `${no}R2`, at: paidAt });
      expect((await orders.findByOutTradeNo(no))?.state.refunds).toEqual([
        {
          seq: 1,
          outRefundNo: `${no}R1`,
          amount: Money.ofFen(100),
          requestedAt: paidAt,
          settledAt: paidAt,
          refundId: 'RID-1',
          requestKey: 'k-1',
          status: 'SUCCESS',
        },
        {
          seq: 2,
          outRefundNo: `${no}R2`,
          amount: Money.ofFen(order.state.cash.fen - 100),
          requestedAt: paidAt,
          settledAt: paidAt,
          refundId: 'RID-2',
          status: 'SUCCESS',
        },
      ]);
    });

    it("reads an order's events back, oldest first, with their delivery state", async () => {
      const { outbox, orders } = await fresh();
      const order = anOrder({ uid: uid() });
      await orders.insert(order);
      const no = order.state.outTradeNo.value;
      expect(await outbox.forOrder(no)).toEqual([]);
      order.confirmPaid({ transactionId: 'T7', amount: order.state.cash, paidAt });
      await orders.update(order);
      const conflict: PaymentConflict = {
        type: 'PaymentConflict',
        outTradeNo: no,
        recordedTransactionId: 'T7',
        incomingTransactionId: 'T8',
        at: paidAt,
      };
      await outbox.append([conflict]);
      const deliveredAt = new Date(Date.UTC(2026, 0, 15, 5, 0, 1));
      await outbox.markDelivered([`${no}:OrderPaid`], deliveredAt);
      await outbox.markFailed(eventIdOf(conflict), 'HTTP 503', new Date(Date.UTC(2031, 0, 1)));
      const history = await outbox.forOrder(no);
      expect(history.map((e) => [e.eventId, e.type, e.deliveredAt, e.attempts, e.lastError])).toEqual([
        [`${no}:OrderPaid`, 'OrderPaid', deliveredAt, 0, undefined],
        [eventIdOf(conflict), 'PaymentConflict', undefined, 1, 'HTTP 503'],
      ]);
      expect(history.every((e) => e.createdAt instanceof Date && !Number.isNaN(e.createdAt.getTime()))).toBe(true);
      expect(await outbox.forOrder(no.toLowerCase().replace(/^2/, '3'))).toEqual([]);
    });

    it('marks a whole run of deliveries in one call; one delivered before keeps its first date', async () => {
      const { outbox, orders } = await fresh();
      const order = anOrder({ uid: uid() });
      await orders.insert(order);
      const no = order.state.outTradeNo.value;
      order.confirmPaid({ transactionId: 'T5', amount: order.state.cash, paidAt });
      await orders.update(order);
      const conflicts = ['X', 'Y', 'Z'].map((incoming): PaymentConflict => ({
        type: 'PaymentConflict',
        outTradeNo: no,
        recordedTransactionId: 'T5',
        incomingTransactionId: incoming,
        at: paidAt,
      }));
      await outbox.append(conflicts);
      const first = new Date(Date.UTC(2026, 0, 15, 5, 0, 1));
      const second = new Date(Date.UTC(2026, 0, 15, 5, 0, 2));
      await outbox.markDelivered([`${no}:OrderPaid`], first);
      await outbox.markDelivered([`${no}:OrderPaid`, eventIdOf(conflicts[0]!), eventIdOf(conflicts[2]!), `${no}:Unknown`], second);
      expect((await outbox.forOrder(no)).map((e) => [e.eventId, e.deliveredAt])).toEqual([
        [`${no}:OrderPaid`, first],
        [eventIdOf(conflicts[0]!), second],
        [eventIdOf(conflicts[1]!), undefined],
        [eventIdOf(conflicts[2]!), second],
      ]);
      expect((await mine(outbox, no)).map((e) => e.eventId)).toEqual([eventIdOf(conflicts[1]!)]);
      await outbox.markDelivered([], second);
    });
  });
}
