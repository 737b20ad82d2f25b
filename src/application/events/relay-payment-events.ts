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
 * it, so a crash in between delivers it again and consumers deduplicate on the event id. A batch's deliveries are
 * marked in one write at its end (one UPDATE instead of one per event): a crash during a batch redelivers what it had
 * delivered, which at-least-once allows.
 *
 * A run reads another batch while the last came back full and all delivered, up to `maxBatches`: one batch of 100 per
 * run (every second) could not keep up with more than 100 payments a second, and the backlog it left grew the
 * pending-index range every poll sorted. A batch with a failure ends the run (the consumer is struggling: the next
 * run, or the failed event's backoff, tries again), and so does `maxMs` (no new batch after it): a run stays well
 * inside its job lease (at least 5 s) even with a slow consumer.
 */
export class RelayPaymentEvents {
  constructor(
    private readonly outbox: EventOutbox,
    private readonly sink: PaymentEvents,
    private readonly clock: Clock,
  ) {}

  async execute(batchSize = 100, maxBatches = 20, maxMs = 2_000): Promise<RelayReport> {
    const report = { delivered: 0, failed: 0 };
    const until = this.clock.now().getTime() + maxMs;
    for (let batch = 0; batch < maxBatches && (batch === 0 || this.clock.now().getTime() < until); batch++) {
      const { taken, delivered, failed } = await this.batch(batchSize);
      report.delivered += delivered;
      report.failed += failed;
      if (taken < batchSize || failed > 0) break;
    }
    return report;
  }

  private async batch(batchSize: number): Promise<{ taken: number; delivered: number; failed: number }> {
    const delivered: string[] = [];
    let failed = 0;
    let taken = 0;
    try {
      const due = await this.outbox.due(this.clock.now(), batchSize);
      taken = due.length;
      for (const entry of due) {
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
      // Before the next batch is read: it must not return these again.
      if (delivered.length > 0) await this.outbox.markDelivered(delivered, this.clock.now());
    }
    return { taken, delivered: delivered.length, failed };
  }
}
