import type { PaymentRecorder } from '../orders/payment-recorder.js';
import type { Clock } from '../ports/clock.js';
import type { IntegralLedger } from '../ports/integral-ledger.js';
import type { OrderRepository } from '../ports/order-repository.js';

/** Orders looked at per run; the next run continues. */
const BATCH_SIZE = 100;

/** Longer than any prepay request takes between reserving coins and storing its order. */
export const RESERVATION_GRACE_MS = 10 * 60_000;

/**
 * Reservations left open by a crash between two steps: coins taken for an order that was never stored go back, and
 * those of an order that has since ended follow its status.
 */
export class RepairCoins {
  constructor(
    private readonly ledger: IntegralLedger,
    private readonly orders: OrderRepository,
    private readonly recorder: PaymentRecorder,
    private readonly clock: Clock,
  ) {}

  async execute(): Promise<number> {
    const now = this.clock.now();
    let repaired = 0;
    for (const r of await this.ledger.openReservations(new Date(now.getTime() - RESERVATION_GRACE_MS), BATCH_SIZE)) {
      const order = await this.orders.findByOutTradeNo(r.outTradeNo);
      if (!order) {
        await this.ledger.release(r.outTradeNo, now);
        repaired++;
      } else if (order.status !== 'CHECKED') {
        await this.recorder.settleCoins(order, now);
        repaired++;
      }
    }
    return repaired;
  }
}
