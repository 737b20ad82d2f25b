import type { PaymentEvent, PaymentEvents } from '../../application/ports/payment-events.js';

/** Keeps every published event in order; the embedded default also logs them through its sink. */
export class InMemoryPaymentEvents implements PaymentEvents {
  readonly published: PaymentEvent[] = [];

  constructor(private readonly sink: (event: PaymentEvent) => void = () => {}) {}

  async publish(events: readonly PaymentEvent[]): Promise<void> {
    await Promise.resolve();
    for (const event of events) {
      this.published.push(event);
      this.sink(event);
    }
  }
}
