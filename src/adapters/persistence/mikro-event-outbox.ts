import type { EventOutbox, OutboxEntry, OutboxHistory, OutboxRecordView, PaymentEvent } from '../../application/ports/payment-events.js';
import { decodeEvent, encodeEvent } from './event-codec.js';
import type { SqlOrm } from './orm.js';
import { OUTBOX_TABLE, OutboxRecord } from './service-records.js';
import { violatedUniques } from './sql-failure.js';
import { sqlSession, type SqlStatements } from './sql-session.js';

const MAX_ERROR_CHARS = 255;
/** Event ids per UPDATE: well inside SQLite's 999 parameters (a relay run delivers 100). */
const MARK_CHUNK = 500;

/**
 * payment_event_outbox. Rows are written by the order repository inside the transaction of the change they
 * describe (see `appendIn`), and drained by the relay. The unique event id makes every append idempotent. Writes are
 * hand-written SQL on the SQL session (they join the order's transaction), and so is the relay's poll; the listing of
 * an order's events goes through the ORM.
 */
export class MikroEventOutbox implements EventOutbox, OutboxHistory {
  constructor(
    private readonly orm: SqlOrm,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async append(events: readonly PaymentEvent[]): Promise<void> {
    await sqlSession(this.orm).transaction((tx) => appendIn(tx, events, this.nowMs()));
  }

  // Plain SQL, like the writes: the relay polls every second and, under a stream of payments, reads full batches.
  async due(now: Date, limit: number): Promise<OutboxEntry[]> {
    const rows = await sqlSession(this.orm).all<{ eventId: string; payload: string; attempts: number | string }>(SELECT_DUE, [
      now.getTime(),
      limit,
    ]);
    return rows.map((r) => ({ eventId: r.eventId, event: decodeEvent(r.payload), attempts: Number(r.attempts) }));
  }

  async forOrder(outTradeNo: string): Promise<OutboxRecordView[]> {
    const rows = await this.orm.em
      .fork()
      .find(OutboxRecord, { outTradeNo }, { orderBy: { id: 'asc' }, limit: 100, disableIdentityMap: true });
    return rows
      .filter((r) => r.outTradeNo === outTradeNo)
      .map((r) => ({
        eventId: r.eventId,
        type: decodeEvent(r.payload).type,
        createdAt: new Date(r.createdAt),
        ...(r.deliveredAt === null ? {} : { deliveredAt: new Date(r.deliveredAt) }),
        attempts: r.attempts,
        ...(r.lastError === null ? {} : { lastError: r.lastError }),
      }));
  }

  async markDelivered(eventIds: readonly string[], at: Date): Promise<void> {
    const sql = sqlSession(this.orm);
    for (let i = 0; i < eventIds.length; i += MARK_CHUNK) {
      const ids = eventIds.slice(i, i + MARK_CHUNK);
      await sql.run(
        `UPDATE ${OUTBOX_TABLE} SET delivered_at = ? WHERE delivered_at IS NULL AND event_id IN (${ids.map(() => '?').join(', ')})`,
        [at.getTime(), ...ids],
      );
    }
  }

  async markFailed(eventId: string, error: string, retryAt: Date): Promise<void> {
    await sqlSession(this.orm).run(
      `UPDATE ${OUTBOX_TABLE} SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE event_id = ? AND delivered_at IS NULL`,
      [error.slice(0, MAX_ERROR_CHARS), retryAt.getTime(), eventId],
    );
  }
}

/** Pending and due, oldest first: idx_payment_event_outbox_pending. */
const SELECT_DUE = `SELECT event_id AS eventId, payload, attempts FROM ${OUTBOX_TABLE}
  WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?`;

const INSERT_EVENT = `INSERT INTO ${OUTBOX_TABLE}
  (event_id, type, out_trade_no, payload, created_at, delivered_at, attempts, next_attempt_at, last_error)
  VALUES (?, ?, ?, ?, ?, NULL, 0, 0, NULL)`;

/** Inserts events in the caller's transaction; an event already recorded (same id) is skipped, not an error. */
export async function appendIn(tx: SqlStatements, events: readonly PaymentEvent[], nowMs: number): Promise<void> {
  for (const event of events) {
    const { eventId, type, outTradeNo, payload } = encodeEvent(event);
    try {
      await tx.run(INSERT_EVENT, [eventId, type, outTradeNo, payload, nowMs]);
    } catch (error) {
      // Recorded already, by an earlier attempt or a concurrent writer: that is the idempotency we want. A failed
      // INSERT undoes only itself in MySQL and SQLite, so the caller's transaction goes on.
      if (!violatedUniques(error)) throw error;
    }
  }
}
