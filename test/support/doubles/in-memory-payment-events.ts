import type { PaymentEvent, PaymentEvents } from '../../../src/application/ports/payment-events.js';

/** A delivery target that keeps what it received, in order, duplicates included (delivery is at least once). */
export class InMemoryPaymentEvents implements PaymentEvents {
  readonly received: { readonly eventId: string; readonly event: PaymentEvent }[] = [];

  async publish(event: PaymentEvent, eventId: string): Promise<void> {
    await Promise.resolve();
    this.received.push({ eventId, event });
  }
}
