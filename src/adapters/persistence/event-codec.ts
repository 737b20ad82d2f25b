import { eventIdOf, type PaymentEvent } from '../../application/ports/payment-events.js';

/** The Date-valued fields of the event types; everything else in an event is a string, number or boolean. */
const DATE_FIELDS = ['paidAt', 'at'] as const;

export function encodeEvent(event: PaymentEvent): { eventId: string; type: string; outTradeNo: string; payload: string } {
  return { eventId: eventIdOf(event), type: event.type, outTradeNo: event.outTradeNo, payload: JSON.stringify(event) };
}

export function decodeEvent(payload: string): PaymentEvent {
  const raw = JSON.parse(payload) as Record<string, unknown>;
  for (const field of DATE_FIELDS) {
    if (typeof raw[field] === 'string') raw[field] = new Date(raw[field]);
  }
  return raw as unknown as PaymentEvent;
}
