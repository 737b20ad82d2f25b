import type { ReservationState } from '../../domain/health-coins.js';

export type { ReservationState } from '../../domain/health-coins.js';

/** What a journal line records; every coin movement has one. */
export const INTEGRAL_OPERATIONS = ['grant', 'reserve', 'commit', 'release', 'refund'] as const;
export type IntegralOperation = (typeof INTEGRAL_OPERATIONS)[number];

export const isIntegralOperation = (value: unknown): value is IntegralOperation =>
  typeof value === 'string' && (INTEGRAL_OPERATIONS as readonly string[]).includes(value);

export interface JournalEntry {
  readonly uid: number;
  /** Coins added (+) or taken (−) by this line; commit moves none (the reservation already took them). */
  readonly delta: number;
  readonly operation: IntegralOperation;
  readonly outTradeNo?: string;
  readonly at: Date;
  /** A grant's reason, as the operator gave it. */
  readonly reason?: string;
  /** Who granted: `operator:<name>`, `admin-token`, `cli`. */
  readonly grantedBy?: string;
}

/** What a grant's journal line keeps besides the coins. */
export interface GrantNote {
  readonly reason?: string;
  readonly grantedBy?: string;
}

export interface OpenReservation {
  readonly uid: number;
  readonly outTradeNo: string;
  readonly amount: number;
  readonly at: Date;
}

export type ReserveOutcome =
  | { readonly kind: 'reserved' }
  /** The order already holds its reservation (a retried request): nothing more was taken. */
  | { readonly kind: 'alreadyReserved' }
  | { readonly kind: 'insufficient'; readonly balance: number };

export type GrantOutcome = 'granted' | 'alreadyGranted' | 'balanceLimit';

/**
 * Health coins (健康币): a balance per user and an append-only journal. Each operation is idempotent per
 * (out_trade_no, operation), and storage itself keeps every balance ≥ 0, so concurrent reservations from any number
 * of processes can never overdraw. Invariants: a user's balance equals the sum of their journal's deltas, and
 * balance + reserved = granted − spent. Reservations move only along RESERVATION_TRANSITIONS (domain/health-coins):
 * the settle operations return the state the reservation is in afterwards (unchanged when the move is not allowed).
 */
export interface IntegralLedger {
  balanceOf(uid: number): Promise<number>;
  journalOf(uid: number, limit: number): Promise<JournalEntry[]>;
  /** The journal lines of one order (exact number), oldest first: its coin movements. */
  journalOfOrder(outTradeNo: string): Promise<JournalEntry[]>;
  /**
   * Adds coins; `grantId` makes a retried grant a no-op (the first grant's note stays); a grant that would overflow
   * the balance is refused. The note is kept on the grant's journal line.
   */
  grant(uid: number, amount: number, grantId: string, at: Date, note?: GrantNote): Promise<GrantOutcome>;
  /** Takes `amount` coins for an order now; they come back only through release or refund. */
  reserve(uid: number, outTradeNo: string, amount: number, at: Date): Promise<ReserveOutcome>;
  /** reserved → committed: the order was paid, the coins are spent. */
  commit(outTradeNo: string, at: Date): Promise<ReservationState | undefined>;
  /** reserved → released: the order ended unpaid, the coins go back. */
  release(outTradeNo: string, at: Date): Promise<ReservationState | undefined>;
  /** committed → refunded: the paid order was refunded in full, the coins go back. Never from reserved. */
  refund(outTradeNo: string, at: Date): Promise<ReservationState | undefined>;
  /** Reservations neither committed nor released, taken before `before`, oldest first: for the reconciler. */
  openReservations(before: Date, limit: number): Promise<OpenReservation[]>;
}
