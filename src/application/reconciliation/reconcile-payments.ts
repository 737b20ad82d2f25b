import type { Order } from '../../domain/order.js';
import type { ConfirmOrder, Confirmation } from '../payments/confirm-order.js';
import type { Clock } from '../ports/clock.js';
import type { OrderRepository } from '../ports/order-repository.js';
import { GatewayUnavailableError } from '../ports/payment-gateway.js';
import type { PaymentGateways } from '../ports/payment-gateways.js';
import { noteProblem, type ReconcileProblem } from './reconcile-problems.js';

/**
 * v2's closeorder is refused within 5 minutes of an order's creation (protocol digest §7). The domestic v3 docs have no
 * such rule; waiting for both costs nothing, since only expired prepays are closed.
 */
export const CLOSE_NOT_BEFORE_MS = 5 * 60 * 1000;

export interface ReconcilePaymentsOptions {
  /** Orders asked about per run. */
  readonly batchSize: number;
  /** First wait before asking again about an unpaid order (doubles per attempt, capped at maxBackoffMs). */
  readonly retryBaseMs: number;
  readonly maxBackoffMs: number;
  /**
   * How long after its prepay_id was issued an order is first asked about. WeChat's notify normally comes first (and
   * is retried 15 s later); asking sooner only races it, spends orderquery calls on users still at the cashier, and,
   * under a stream of payments, pays orders twice over (once here, once by their notify). The official guide asks for
   * the first query within about a minute of the expected callback.
   */
  readonly firstAskAfterMs: number;
}

export const DEFAULT_RECONCILE_OPTIONS: ReconcilePaymentsOptions = {
  batchSize: 100,
  retryBaseMs: 30_000,
  maxBackoffMs: 10 * 60_000,
  firstAskAfterMs: 60_000,
};

export interface PaymentsReport {
  checked: number;
  paid: number;
  failed: number;
  closed: number;
  /** WeChat's answer contradicted the order: flagged for review (and alerted) instead of asked again. */
  flagged: number;
  unchanged: number;
  errors: number;
  /** Why the errors happened (the first few). */
  problems: ReconcileProblem[];
  /** Age of the oldest unpaid order with a prepay (0 when none): how far behind payments could be. */
  oldestPendingSeconds: number;
}

/** How far down the oldest-first list one run looks for orders that are due, past those still backing off. */
const MAX_PAGES = 10;
const MAX_TRACKED = 50_000;

type Verdict = 'paid' | 'failed' | 'closed' | 'flagged' | 'unchanged';

/**
 * WeChat does not guarantee notifies. This asks WeChat about every unpaid order that was given a prepay_id at least
 * `firstAskAfterMs` ago, oldest first, backing off per order, and records the answer through the same path as a
 * notify; orders whose prepay_id has expired and that are at least 5 minutes old are closed (closeorder), and
 * ORDERPAID from closeorder is taken as paid. Unknown answers leave the order CHECKED for the next run.
 */
export class ReconcilePayments {
  private readonly backoff = new Map<string, { attempts: number; nextAt: number }>();

  constructor(
    private readonly orders: OrderRepository,
    private readonly gateways: PaymentGateways,
    private readonly confirm: ConfirmOrder,
    private readonly clock: Clock,
    private readonly options: ReconcilePaymentsOptions = DEFAULT_RECONCILE_OPTIONS,
  ) {}

  async execute(signal?: AbortSignal): Promise<PaymentsReport> {
    const report: PaymentsReport = {
      checked: 0,
      paid: 0,
      failed: 0,
      closed: 0,
      flagged: 0,
      unchanged: 0,
      errors: 0,
      problems: [],
      oldestPendingSeconds: 0,
    };
    const [oldest] = await this.orders.listAwaitingPayment(1);
    if (oldest)
      report.oldestPendingSeconds = Math.max(0, Math.floor((this.clock.now().getTime() - oldest.state.createdAt.getTime()) / 1000));
    for (const order of await this.dueOrders()) {
      if (signal?.aborted) break;
      report.checked++;
      try {
        const verdict = await this.reconcile(order);
        report[verdict]++;
        if (verdict === 'unchanged') this.later(order);
        else this.backoff.delete(order.state.outTradeNo.value);
      } catch (error) {
        if (!(error instanceof GatewayUnavailableError)) throw error;
        report.errors++;
        noteProblem(report.problems, 'payments', order.state.outTradeNo.value, error);
        this.later(order);
      }
    }
    return report;
  }

  private async reconcile(order: Order): Promise<Verdict> {
    const confirmation = await this.confirm.execute(order);
    const verdict = verdictOf(confirmation);
    if (verdict !== 'unchanged' || !this.pastPayableWindow(order)) return verdict;
    const closed = await this.gateways.forMerchant(order.state.merchantId).closeOrder(order.state.outTradeNo.value);
    // Paid in the cashier while we decided to close: the payment wins, confirmed like any other.
    if (closed === 'alreadyPaid') return verdictOf(await this.confirm.execute(order));
    const recorded = await this.confirm.recordFailure(order, 'CLOSED');
    return recorded.kind === 'failed' ? 'closed' : verdictOf(recorded);
  }

  /** The prepay_id can no longer be paid and WeChat allows closing. */
  private pastPayableWindow(order: Order): boolean {
    const now = this.clock.now().getTime();
    const prepay = order.state.prepay;
    return prepay !== undefined && prepay.expiresAt.getTime() <= now && order.state.createdAt.getTime() + CLOSE_NOT_BEFORE_MS <= now;
  }

  private async dueOrders(): Promise<Order[]> {
    const now = this.clock.now().getTime();
    const { batchSize } = this.options;
    const prepaidBefore = new Date(now - this.options.firstAskAfterMs);
    const due: Order[] = [];
    for (let page = 0; page < MAX_PAGES && due.length < batchSize; page++) {
      const batch = await this.orders.listAwaitingPayment(batchSize, page * batchSize, undefined, prepaidBefore);
      due.push(...batch.filter((o) => (this.backoff.get(o.state.outTradeNo.value)?.nextAt ?? 0) <= now));
      if (batch.length < batchSize) break;
    }
    return due.slice(0, batchSize);
  }

  private later(order: Order): void {
    const no = order.state.outTradeNo.value;
    if (this.backoff.size >= MAX_TRACKED) this.backoff.clear();
    const attempts = (this.backoff.get(no)?.attempts ?? 0) + 1;
    const wait = Math.min(this.options.retryBaseMs * 2 ** (attempts - 1), this.options.maxBackoffMs);
    this.backoff.set(no, { attempts, nextAt: this.clock.now().getTime() + wait });
  }
}

function verdictOf(confirmation: Confirmation): Verdict {
  switch (confirmation.kind) {
    case 'recorded':
    case 'duplicate':
      return 'paid';
    case 'failed':
      return 'failed';
    case 'rejected':
      return 'flagged';
    case 'notPaid':
    case 'notFound':
    case 'vanished':
      return 'unchanged';
  }
}
