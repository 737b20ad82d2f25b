import type { OrderEvent } from '../../domain/order.js';

/** A second payment reported for an already paid order: money to give back, raised for a person to handle. */
export interface PaymentConflict {
  readonly type: 'PaymentConflict';
  readonly outTradeNo: string;
  readonly recordedTransactionId: string;
  readonly incomingTransactionId: string;
  readonly at: Date;
}

export type PaymentEvent = OrderEvent | PaymentConflict;

/** What happened to payments, for fulfilment and alerting. Called only after the change is committed. */
export interface PaymentEvents {
  publish(events: readonly PaymentEvent[]): Promise<void>;
}
