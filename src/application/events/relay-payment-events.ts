import type { Clock } from '../ports/clock.js';
import type { EventOutbox, PaymentEvents } from '../ports/payment-events.js';

/** 1 s, 2 s, 4 s … capped at an hour: a consumer that is down for a day gets about 30 attempts, not 86,400. */
export const relayBackoffMs = (attempts: number): number => Math.min(1_000 * 2 ** Math.min(attempts, 20), 3_600_000);

export interface RelayReport {
  readonly delivered: number;
  readonly failed: number;
}

/**
 * Drains the outbox into the event sink, at least once: an event is marked delivered only after the sink accepted
 * it, so a crash in between delivers it again and consumers deduplicate on the event id. The run's deliveries are
 * marked in one write at its end (one UPDATE instead of one per event): a crash during a run redelivers what the run
 * had delivered, which at-least-once allows.
 */
export class RelayPaymentEvents {
  constructor(
    private readonly outbox: EventOutbox,
    private readonly sink: PaymentEvents,
    private readonly clock: Clock,
  ) {}

  async execute(batchSize = 100): Promise<RelayReport> {
    const delivered: string[] = [];
    let failed = 0;
    try {
      for (const entry of await this.outbox.due(this.clock.now(), batchSize)) {
        try {
          await this.sink.publish(entry.event, entry.eventId);
          delivered.push(entry.eventId);
        } catch (error) {
          const retryAt = new Date(this.clock.now().getTime() + relayBackoffMs(entry.attempts));
          await this.outbox.markFailed(entry.eventId, error instanceof Error ? error.message : String(error), retryAt);
          failed++;
        }
      }
    } finally {
      // Also when the run stops early (markFailed could not be written): what the sink took is not sent again.
      if (delivered.length > 0) await this.outbox.markDelivered(delivered, this.clock.now());
    }
    return { delivered: delivered.length, failed };
  }
}
