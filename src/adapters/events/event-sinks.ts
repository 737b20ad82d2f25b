import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { PaymentEvent, PaymentEvents } from '../../application/ports/payment-events.js';

/**
 * POSTs each event as JSON to the merchant's fulfilment endpoint. The body is signed so the receiver can tell our
 * events from anyone's: `X-Wxpay-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`, with the
 * timestamp in `X-Wxpay-Timestamp` so old captures cannot be replayed. Only a 2xx counts as delivered.
 */
export class WebhookEventSink implements PaymentEvents {
  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly timeoutMs = 5_000,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  async publish(event: PaymentEvent, eventId: string): Promise<void> {
    const body = JSON.stringify({ id: eventId, ...event });
    const timestamp = String(this.nowSeconds());
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-wxpay-event-id': eventId,
        'x-wxpay-timestamp': timestamp,
        'x-wxpay-signature': `sha256=${signEventBody(this.secret, timestamp, body)}`,
      },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`events webhook answered HTTP ${response.status}`);
  }
}

export const signEventBody = (secret: string, timestamp: string, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

/** Every event also goes to the structured log, where alerts (conflicts, late payments) are raised. */
export class LogEventSink implements PaymentEvents {
  constructor(private readonly logger: Logger) {}

  async publish(event: PaymentEvent, eventId: string): Promise<void> {
    const alert = event.type === 'PaymentConflict' || (event.type === 'OrderPaid' && event.afterFailure);
    (alert ? this.logger.error : this.logger.info).call(this.logger, { event, eventId, alert }, `payment event ${event.type}`);
    await Promise.resolve();
  }
}

/** Delivered only when every sink took it; a failing sink makes the relay retry the event for all (they dedupe). */
export class FanOutEventSink implements PaymentEvents {
  constructor(private readonly sinks: readonly PaymentEvents[]) {}

  async publish(event: PaymentEvent, eventId: string): Promise<void> {
    for (const sink of this.sinks) await sink.publish(event, eventId);
  }
}
