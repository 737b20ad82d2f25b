import type { OrderEvent } from '../../domain/order-events.js';

/** A second payment reported for an already paid order: money to give back, raised for a person to handle. */
export interface PaymentConflict {
  readonly type: 'PaymentConflict';
  readonly outTradeNo: string;
  readonly recordedTransactionId: string;
  readonly incomingTransactionId: string;
  readonly at: Date;
}

export type PaymentEvent = OrderEvent | PaymentConflict;

/**
 * A stable id per real-world fact, so consumers can deduplicate at-least-once deliveries: an order is paid, failed or
 * refunded at most once, each refund succeeds at most once, and a conflict is one incoming transaction.
 */
export function eventIdOf(event: PaymentEvent): string {
  switch (event.type) {
    case 'PaymentConflict':
      return `${event.outTradeNo}:PaymentConflict:${event.incomingTransactionId}`;
    case 'RefundSucceeded':
      return `${event.outTradeNo}:RefundSucceeded:${event.outRefundNo}`;
    default:
      return `${event.outTradeNo}:${event.type}`;
  }
}

/** Where events are delivered for fulfilment (a webhook, the log). Delivery may repeat; consumers dedupe on the id. */
export interface PaymentEvents {
  publish(event: PaymentEvent, eventId: string): Promise<void>;
}

export interface OutboxEntry {
  readonly eventId: string;
  readonly event: PaymentEvent;
  readonly attempts: number;
}

/**
 * Durable, not-yet-delivered events. Order changes write theirs here in the same transaction as the change (see
 * OrderRepository.update), so a crash between commit and delivery loses nothing; the relay drains it.
 */
export interface EventOutbox {
  /** For events that belong to no order change (conflict alerts). Idempotent by event id. */
  append(events: readonly PaymentEvent[]): Promise<void>;
  /** Undelivered entries whose next attempt is due, oldest first. */
  due(now: Date, limit: number): Promise<OutboxEntry[]>;
  /** One write for a whole relay run's deliveries; an entry delivered already keeps its first date. */
  markDelivered(eventIds: readonly string[], at: Date): Promise<void>;
  markFailed(eventId: string, error: string, retryAt: Date): Promise<void>;
}

/** One event of an order as the outbox holds it: when it was written and whether it has been delivered. */
export interface OutboxRecordView {
  readonly eventId: string;
  readonly type: PaymentEvent['type'];
  readonly createdAt: Date;
  readonly deliveredAt?: Date;
  readonly attempts: number;
  readonly lastError?: string;
}

/** Reading the outbox back, for an order's history. */
export interface OutboxHistory {
  /** Every event recorded for the order, oldest first. */
  forOrder(outTradeNo: string): Promise<OutboxRecordView[]>;
}
