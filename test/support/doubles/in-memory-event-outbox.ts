import {
  eventIdOf,
  type EventOutbox,
  type OutboxEntry,
  type OutboxHistory,
  type OutboxRecordView,
  type PaymentEvent,
} from '../../../src/application/ports/payment-events.js';

interface Row {
  readonly event: PaymentEvent;
  readonly createdAt: number;
  attempts: number;
  dueAt: number;
  deliveredAt?: number;
  lastError?: string;
}

/** The outbox in memory, keyed by event id like the SQL table's unique index. */
export class InMemoryEventOutbox implements EventOutbox, OutboxHistory {
  private readonly rows = new Map<string, Row>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  /** Called by the in-memory order repository inside its (synchronous, hence atomic) update. */
  appendNow(events: readonly PaymentEvent[]): void {
    for (const event of events) {
      const id = eventIdOf(event);
      if (!this.rows.has(id)) this.rows.set(id, { event, createdAt: this.nowMs(), attempts: 0, dueAt: 0 });
    }
  }

  async append(events: readonly PaymentEvent[]): Promise<void> {
    await Promise.resolve();
    this.appendNow(events);
  }

  async due(now: Date, limit: number): Promise<OutboxEntry[]> {
    await Promise.resolve();
    return [...this.rows.entries()]
      .filter(([, row]) => row.deliveredAt === undefined && row.dueAt <= now.getTime())
      .slice(0, limit)
      .map(([eventId, row]) => ({ eventId, event: row.event, attempts: row.attempts }));
  }

  async forOrder(outTradeNo: string): Promise<OutboxRecordView[]> {
    await Promise.resolve();
    return [...this.rows.entries()]
      .filter(([, row]) => row.event.outTradeNo === outTradeNo)
      .map(([eventId, row]) => ({
        eventId,
        type: row.event.type,
        createdAt: new Date(row.createdAt),
        ...(row.deliveredAt === undefined ? {} : { deliveredAt: new Date(row.deliveredAt) }),
        attempts: row.attempts,
        ...(row.lastError === undefined ? {} : { lastError: row.lastError }),
      }));
  }

  async markDelivered(eventIds: readonly string[], at: Date): Promise<void> {
    await Promise.resolve();
    for (const eventId of eventIds) {
      const row = this.rows.get(eventId);
      if (row && row.deliveredAt === undefined) row.deliveredAt = at.getTime();
    }
  }

  async markFailed(eventId: string, error: string, retryAt: Date): Promise<void> {
    await Promise.resolve();
    const row = this.rows.get(eventId);
    if (!row) return;
    row.attempts++;
    row.lastError = error;
    row.dueAt = retryAt.getTime();
  }

  /** Every event ever recorded, in order: what tests assert on. */
  events(): PaymentEvent[] {
    return [...this.rows.values()].map((row) => row.event);
  }

  undelivered(): PaymentEvent[] {
    return [...this.rows.values()].filter((row) => row.deliveredAt === undefined).map((row) => row.event);
  }
}
