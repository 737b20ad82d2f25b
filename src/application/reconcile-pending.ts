import type { Order } from '../domain/order.js';
import type { ConfirmOrder } from './confirm-order.js';
import { settleRefund } from './handle-refund-notice.js';
import type { PaymentRecorder } from './payment-recorder.js';
import type { Clock } from './ports/clock.js';
import type { IntegralLedger } from './ports/integral-ledger.js';
import type { OrderRepository } from './ports/order-repository.js';
import { GatewayUnavailableError, type PaymentGateway } from './ports/payment-gateway.js';

/** WeChat refuses closeorder within 5 minutes of an order's creation (protocol digest §7). */
export const CLOSE_NOT_BEFORE_MS = 5 * 60 * 1000;

export interface ReconcileOptions {
  /** Orders asked about per run. */
  readonly batchSize: number;
  /** First wait before asking again about an unpaid order (doubles per attempt, capped at maxBackoffMs). */
  readonly retryBaseMs: number;
  readonly maxBackoffMs: number;
}

export interface ReconcileReport {
  checked: number;
  paid: number;
  failed: number;
  closed: number;
  unchanged: number;
  errors: number;
  refundsSettled: number;
  coinsRepaired: number;
  /** Age of the oldest unpaid order with a prepay (0 when none): how far behind payments could be. */
  oldestPendingSeconds: number;
}

const DEFAULTS: ReconcileOptions = { batchSize: 100, retryBaseMs: 30_000, maxBackoffMs: 10 * 60_000 };
/** How far down the oldest-first list one run looks for orders that are due, past those still backing off. */
const MAX_PAGES = 10;
const MAX_TRACKED = 50_000;
/** Longer than any prepay request takes between reserving coins and storing its order. */
const RESERVATION_GRACE_MS = 10 * 60_000;

/**
 * WeChat does not guarantee notifies. This job asks WeChat about every unpaid order that was given a prepay_id,
 * oldest first, and applies the answer through the same path as a notify; orders whose prepay_id has expired and
 * that are at least 5 minutes old are closed (closeorder), and ORDERPAID from closeorder is taken as paid. Unknown
 * answers leave the order CHECKED for the next run. It also settles refunds WeChat is still processing.
 */
export class ReconcilePending {
  private readonly backoff = new Map<string, { attempts: number; nextAt: number }>();
  private readonly options: ReconcileOptions;

  constructor(
    private readonly orders: OrderRepository,
    private readonly gateway: PaymentGateway,
    private readonly confirm: ConfirmOrder,
    private readonly recorder: PaymentRecorder,
    private readonly ledger: IntegralLedger,
    private readonly clock: Clock,
    options: Partial<ReconcileOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  async execute(signal?: AbortSignal): Promise<ReconcileReport> {
    const report: ReconcileReport = { checked: 0, paid: 0, failed: 0, closed: 0, unchanged: 0, errors: 0, refundsSettled: 0, coinsRepaired: 0, oldestPendingSeconds: 0 };
    const [oldest] = await this.orders.listAwaitingPayment(1);
    if (oldest) report.oldestPendingSeconds = Math.max(0, Math.floor((this.clock.now().getTime() - oldest.state.createdAt.getTime()) / 1000));
    for (const order of await this.dueOrders()) {
      if (signal?.aborted) break;
      report.checked++;
      try {
        const outcome = await this.reconcile(order);
        report[outcome]++;
        if (outcome === 'unchanged') this.later(order);
        else this.backoff.delete(order.state.outTradeNo.value);
      } catch (error) {
        if (!(error instanceof GatewayUnavailableError)) throw error;
        report.errors++;
        this.later(order);
      }
    }
    for (const order of await this.orders.listRefundsProcessing(this.options.batchSize)) {
      if (signal?.aborted) break;
      const refund = order.state.refund;
      if (!refund) continue;
      try {
        const verdict = await settleRefund(order, refund.outRefundNo, this.gateway, this.recorder, this.clock);
        if (verdict.ack && verdict.result === 'refunded') report.refundsSettled++;
      } catch (error) {
        if (!(error instanceof GatewayUnavailableError)) throw error;
        report.errors++;
      }
    }
    if (!signal?.aborted) report.coinsRepaired = await this.repairCoins();
    return report;
  }

  /**
   * Reservations left open by a crash between two steps: coins taken for an order that was never stored go back,
   * and those of an order that has since ended follow its status.
   */
  private async repairCoins(): Promise<number> {
    const now = this.clock.now();
    let repaired = 0;
    for (const r of await this.ledger.openReservations(new Date(now.getTime() - RESERVATION_GRACE_MS), this.options.batchSize)) {
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

  private async reconcile(order: Order): Promise<'paid' | 'failed' | 'closed' | 'unchanged'> {
    const status = await this.confirm.execute(order);
    if (status === 'SUCC' || status === 'REFUND') return 'paid';
    if (status === 'FAILED') return 'failed';
    if (!this.pastPayableWindow(order)) return 'unchanged';
    const closed = await this.gateway.closeOrder(order.state.outTradeNo.value);
    if (closed === 'alreadyPaid') {
      // Paid in the cashier while we decided to close: the payment wins, confirmed like any other.
      return (await this.confirm.execute(order)) === 'SUCC' ? 'paid' : 'unchanged';
    }
    await this.recorder.recordFailure(order, 'CLOSED', this.clock.now());
    return 'closed';
  }

  /** The prepay_id can no longer be paid and WeChat allows closing. */
  private pastPayableWindow(order: Order): boolean {
    const now = this.clock.now().getTime();
    const prepay = order.state.prepay;
    return prepay !== undefined && prepay.expiresAt.getTime() <= now && order.state.createdAt.getTime() + CLOSE_NOT_BEFORE_MS <= now;
  }

  private async dueOrders(): Promise<Order[]> {
    const now = this.clock.now().getTime();
    const due: Order[] = [];
    for (let page = 0; page < MAX_PAGES && due.length < this.options.batchSize; page++) {
      const batch = await this.orders.listAwaitingPayment(this.options.batchSize, page * this.options.batchSize);
      due.push(...batch.filter((o) => (this.backoff.get(o.state.outTradeNo.value)?.nextAt ?? 0) <= now));
      if (batch.length < this.options.batchSize) break;
    }
    return due.slice(0, this.options.batchSize);
  }

  private later(order: Order): void {
    const no = order.state.outTradeNo.value;
    if (this.backoff.size >= MAX_TRACKED) this.backoff.clear();
    const attempts = (this.backoff.get(no)?.attempts ?? 0) + 1;
    const wait = Math.min(this.options.retryBaseMs * 2 ** (attempts - 1), this.options.maxBackoffMs);
    this.backoff.set(no, { attempts, nextAt: this.clock.now().getTime() + wait });
  }
}
