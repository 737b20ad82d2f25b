import type { Order } from '../../domain/order.js';
import type { ConfirmOrder } from '../payments/confirm-order.js';
import type { PaymentRecorder } from '../orders/payment-recorder.js';
import type { Clock } from '../ports/clock.js';
import type { OrderRepository } from '../ports/order-repository.js';
import { GatewayUnavailableError } from '../ports/payment-gateway.js';
import type { PaymentGateways } from '../ports/payment-gateways.js';
import { CLOSE_NOT_BEFORE_MS } from './reconcile-payments.js';
import { noteProblem, type ReconcileProblem } from './reconcile-problems.js';

/** Orders looked at per run; the next run continues. */
const BATCH_SIZE = 100;

/**
 * How long an order may sit open without a prepay_id: longer than any prepay request takes (its lock lasts 30 s)
 * between storing the order and attaching the prepay_id WeChat gave it.
 */
export const ABANDONED_AFTER_MS = 10 * 60_000;

export interface AbandonedReport {
  checked: number;
  /** Closed (FAILED) with their health coins released. */
  closed: number;
  /** WeChat had taken a payment after all: recorded. */
  paid: number;
  /** Orders paid only in coins that never finished: completed. */
  completed: number;
  errors: number;
  problems: ReconcileProblem[];
}

/**
 * Orders whose unifiedorder failed (SYSTEMERROR, timeout) or never ran hold health coins and no prepay_id, and no
 * prepay request may ever come back for them (the price changed, the reuse window passed). Every such order is
 * ended, so that no coin reservation outlives its order: WeChat is asked what it knows; an order it never created
 * (ORDERNOTEXIST) or that it closes is FAILED and its coins are released.
 */
export class CloseAbandonedOrders {
  constructor(
    private readonly orders: OrderRepository,
    private readonly gateways: PaymentGateways,
    private readonly confirm: ConfirmOrder,
    private readonly recorder: PaymentRecorder,
    private readonly clock: Clock,
  ) {}

  async execute(signal?: AbortSignal): Promise<AbandonedReport> {
    const report: AbandonedReport = { checked: 0, closed: 0, paid: 0, completed: 0, errors: 0, problems: [] };
    const before = new Date(this.clock.now().getTime() - ABANDONED_AFTER_MS);
    for (const order of await this.orders.listOpenWithoutPrepay(before, BATCH_SIZE)) {
      if (signal?.aborted) break;
      report.checked++;
      try {
        const outcome = await this.end(order);
        if (outcome) report[outcome]++;
      } catch (error) {
        if (!(error instanceof GatewayUnavailableError)) throw error;
        report.errors++;
        noteProblem(report.problems, 'abandoned', order.state.outTradeNo.value, error);
      }
    }
    return report;
  }

  private async end(order: Order): Promise<'closed' | 'paid' | 'completed' | undefined> {
    // Its request reserved the coins and meant to pay with them; only a crash stopped it.
    if (order.state.cash.isZero()) {
      const done = await this.recorder.recordCashless(order, 'paid', this.clock.now());
      return done.kind === 'changed' ? 'completed' : undefined;
    }
    const confirmation = await this.confirm.execute(order);
    switch (confirmation.kind) {
      case 'recorded':
      case 'duplicate':
        return 'paid';
      case 'failed':
        return 'closed';
      case 'notFound':
        return (await this.confirm.recordFailure(order, 'ORDERNOTEXIST')).kind === 'failed' ? 'closed' : undefined;
      case 'notPaid': {
        if (order.state.createdAt.getTime() + CLOSE_NOT_BEFORE_MS > this.clock.now().getTime()) return undefined;
        const closed = await this.gateways.forMerchant(order.state.merchantId).closeOrder(order.state.outTradeNo.value);
        if (closed === 'alreadyPaid') return (await this.confirm.execute(order)).kind === 'recorded' ? 'paid' : undefined;
        return (await this.confirm.recordFailure(order, 'CLOSED')).kind === 'failed' ? 'closed' : undefined;
      }
      case 'rejected':
      case 'vanished':
        return undefined;
    }
  }
}
