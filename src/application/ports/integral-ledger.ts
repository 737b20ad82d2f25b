/** What a journal line records; every coin movement has one. */
export type IntegralOperation = 'grant' | 'reserve' | 'commit' | 'release' | 'refund';

export interface JournalEntry {
  readonly uid: number;
  /** Coins added (+) or taken (−) by this line; commit moves none (the reservation already took them). */
  readonly delta: number;
  readonly operation: IntegralOperation;
  readonly outTradeNo?: string;
  readonly at: Date;
}

export type ReservationState = 'reserved' | 'committed' | 'released' | 'refunded';

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

/**
 * Health coins (健康币): a balance per user and an append-only journal. Each operation is idempotent per
 * (out_trade_no, operation), and storage itself keeps every balance ≥ 0, so concurrent reservations from any number
 * of processes can never overdraw. Invariant: a user's balance equals the sum of their journal's deltas.
 */
export interface IntegralLedger {
  balanceOf(uid: number): Promise<number>;
  journalOf(uid: number, limit: number): Promise<JournalEntry[]>;
  /** Adds coins; `grantId` makes a retried grant a no-op. */
  grant(uid: number, amount: number, grantId: string, at: Date): Promise<'granted' | 'alreadyGranted'>;
  /** Takes `amount` coins for an order now; they come back only through release or refund. */
  reserve(uid: number, outTradeNo: string, amount: number, at: Date): Promise<ReserveOutcome>;
  /** The order was paid: the reservation is final. */
  commit(outTradeNo: string, at: Date): Promise<ReservationState | undefined>;
  /** The order ended unpaid: the coins go back. Ignored once committed. */
  release(outTradeNo: string, at: Date): Promise<ReservationState | undefined>;
  /** The paid order was refunded: the coins go back. Only after commit. */
  refund(outTradeNo: string, at: Date): Promise<ReservationState | undefined>;
  /** Reservations neither committed nor released, taken before `before`, oldest first: for the reconciler. */
  openReservations(before: Date, limit: number): Promise<OpenReservation[]>;
}
