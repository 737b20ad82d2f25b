import { describe, expect, it } from 'vitest';
import { RelayPaymentEvents } from '../../../src/application/events/relay-payment-events.js';
import { eventIdOf, type PaymentConflict, type PaymentEvent } from '../../../src/application/ports/payment-events.js';
import { InMemoryEventOutbox } from '../../support/doubles/in-memory-event-outbox.js';
import { InMemoryPaymentEvents } from '../../support/doubles/in-memory-payment-events.js';
import { ManualClock } from '../../support/doubles/manual-clock.js';

const conflict = (incoming: string): PaymentConflict => ({
  type: 'PaymentConflict',
  outTradeNo: '2026011512000000020000000001',
  recordedTransactionId: 'T1',
  incomingTransactionId: incoming,
  at: new Date(Date.UTC(2026, 0, 15, 4, 0, 0)),
});

/** An outbox that counts its writes of deliveries. */
class CountingOutbox extends InMemoryEventOutbox {
  readonly marks: (readonly string[])[] = [];
  override async markDelivered(eventIds: readonly string[], at: Date): Promise<void> {
    this.marks.push([...eventIds]);
    await super.markDelivered(eventIds, at);
  }
}

/** A sink that refuses the events named. */
class RefusingSink extends InMemoryPaymentEvents {
  constructor(private readonly refused: ReadonlySet<string>) {
    super();
  }
  override async publish(event: PaymentEvent, eventId: string): Promise<void> {
    if (this.refused.has(eventId)) throw new Error('HTTP 503');
    await super.publish(event, eventId);
  }
}

describe('RelayPaymentEvents', () => {
  it("marks a run's deliveries in one write, and the failed one for a retry", async () => {
    const clock = new ManualClock();
    const outbox = new CountingOutbox(() => clock.now().getTime());
    const events = ['A', 'B', 'C', 'D'].map(conflict);
    await outbox.append(events);
    const sink = new RefusingSink(new Set([eventIdOf(events[2]!)]));
    const relay = new RelayPaymentEvents(outbox, sink, clock);

    expect(await relay.execute()).toEqual({ delivered: 3, failed: 1 });
    expect(outbox.marks).toEqual([[eventIdOf(events[0]!), eventIdOf(events[1]!), eventIdOf(events[3]!)]]);
    expect((await outbox.due(clock.now(), 10)).map((e) => e.eventId)).toEqual([]);
    clock.advance(60_000);
    expect((await outbox.due(clock.now(), 10)).map((e) => [e.eventId, e.attempts])).toEqual([[eventIdOf(events[2]!), 1]]);

    // Nothing delivered: no write at all.
    expect(await new RelayPaymentEvents(outbox, new RefusingSink(new Set([eventIdOf(events[2]!)])), clock).execute()).toEqual({
      delivered: 0,
      failed: 1,
    });
    expect(outbox.marks).toHaveLength(1);
  });

  it('still marks what the sink took when the run stops early', async () => {
    const clock = new ManualClock();
    const outbox = new CountingOutbox(() => clock.now().getTime());
    const events = ['A', 'B', 'C'].map(conflict);
    await outbox.append(events);
    outbox.markFailed = () => Promise.reject(new Error('database gone'));
    const relay = new RelayPaymentEvents(outbox, new RefusingSink(new Set([eventIdOf(events[1]!)])), clock);

    await expect(relay.execute()).rejects.toThrow('database gone');
    expect(outbox.marks).toEqual([[eventIdOf(events[0]!)]]);
  });
  it('keeps draining while its batches come back full, up to a cap per run: it keeps up with a burst of payments', async () => {
    const clock = new ManualClock();
    const outbox = new CountingOutbox(() => clock.now().getTime());
    const events = Array.from({ length: 25 }, (_, i) => conflict(`T${i}`));
    await outbox.append(events);
    const relay = new RelayPaymentEvents(outbox, new InMemoryPaymentEvents(), clock);

    // Batches of 10 (10, 10, 5): the third came back short, so the run stops there; each batch marked before the next read.
    expect(await relay.execute(10)).toEqual({ delivered: 25, failed: 0 });
    expect(outbox.marks.map((m) => m.length)).toEqual([10, 10, 5]);
    expect(await outbox.due(clock.now(), 100)).toEqual([]);

    // At most `maxBatches` batches per run: the rest waits for the next run.
    await outbox.append(Array.from({ length: 30 }, (_, i) => conflict(`U${i}`)));
    expect(await relay.execute(10, 2)).toEqual({ delivered: 20, failed: 0 });
    expect(await outbox.due(clock.now(), 100)).toHaveLength(10);

    // Nor a new batch once `maxMs` has passed (a slow consumer): the run stays inside its job lease.
    await outbox.append(Array.from({ length: 20 }, (_, i) => conflict(`V${i}`)));
    const slow = new (class extends InMemoryPaymentEvents {
      override async publish(event: PaymentEvent, eventId: string): Promise<void> {
        clock.advance(300);
        await super.publish(event, eventId);
      }
    })();
    expect(await new RelayPaymentEvents(outbox, slow, clock).execute(10, 20, 2_000)).toEqual({ delivered: 10, failed: 0 });
  });

  it('stops draining after a batch with a failure: the consumer is struggling, the next run tries again', async () => {
    const clock = new ManualClock();
    const outbox = new CountingOutbox(() => clock.now().getTime());
    const events = Array.from({ length: 25 }, (_, i) => conflict(`T${i}`));
    await outbox.append(events);
    const relay = new RelayPaymentEvents(outbox, new RefusingSink(new Set([eventIdOf(events[3]!)])), clock);

    expect(await relay.execute(10)).toEqual({ delivered: 9, failed: 1 });
    expect(outbox.marks).toHaveLength(1);
  });
});
