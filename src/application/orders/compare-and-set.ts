import type { Change, Order } from '../../domain/order.js';
import type { Result } from '../../domain/result.js';
import type { OrderRepository } from '../ports/order-repository.js';

/** What a compare-and-set change of an order came to; `order` is the order as stored afterwards. */
export type ChangeOutcome<E> =
  | { readonly kind: 'changed'; readonly order: Order }
  /** Nothing to write: the change had already happened. */
  | { readonly kind: 'unchanged'; readonly order: Order }
  | { readonly kind: 'rejected'; readonly error: E; readonly order: Order }
  /** The order is gone from storage (deleted by hand?): nothing was written. */
  | { readonly kind: 'vanished' };

/** A compare-and-set only loses to another writer of the same order; a few rounds settle any realistic race. */
export const CHANGE_ROUNDS = 5;

export class ConcurrentChangeError extends Error {
  override readonly name = 'ConcurrentChangeError';
}

/** How hard a compare-and-set tries: rounds, and the pause before each re-read (doubling, with jitter). */
export interface ChangePersistence {
  readonly rounds: number;
  /** 0: no pause, for changes that may give up (nothing happened yet). */
  readonly firstPauseMs: number;
}

const QUICK: ChangePersistence = { rounds: CHANGE_ROUNDS, firstPauseMs: 0 };

/**
 * For recording what WeChat already did (a refund it took): giving up would report a failure after the side effect, so
 * this outlasts any realistic burst of writers to one order (about 3 s in all) before the caller falls back on
 * reconciliation.
 */
export const RECORD_OUTCOME: ChangePersistence = { rounds: 12, firstPauseMs: 5 };

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Applies `change` to the order and writes it by compare-and-set; when another writer got there first, reads the
 * order again and applies the change to what is stored now, so a decision is never written over a newer state.
 * Throws ConcurrentChangeError when it lost every round.
 */
export async function changeOrder<E>(
  orders: OrderRepository,
  order: Order,
  change: (order: Order) => Result<Change, E>,
  persistence: ChangePersistence = QUICK,
): Promise<ChangeOutcome<E>> {
  let current = order;
  for (let round = 0; round < persistence.rounds; round++) {
    const result = change(current);
    if (!result.ok) return { kind: 'rejected', error: result.error, order: current };
    if (result.value === 'unchanged') return { kind: 'unchanged', order: current };
    if ((await orders.update(current)) === 'updated') return { kind: 'changed', order: current };
    // Jittered, so writers that lost together do not collide again on the next round.
    if (persistence.firstPauseMs > 0) await pause(persistence.firstPauseMs * 2 ** Math.min(round, 6) * (0.5 + Math.random()));
    const reread = await orders.findByOutTradeNo(order.state.outTradeNo.value);
    if (!reread) return { kind: 'vanished' };
    current = reread;
  }
  throw new ConcurrentChangeError(`order ${order.state.outTradeNo.value}: compare-and-set kept losing after ${persistence.rounds} rounds`);
}
