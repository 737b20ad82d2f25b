/**
 * Health coins (健康币). An amount of coins is a whole number from 1 to MAX_COINS: the balance column is a signed
 * 32-bit int, and no single grant or order may come near overflowing it.
 */
export const MAX_COINS = 1_000_000_000;

/** The largest balance a user may hold (the balance column is a signed 32-bit int). */
export const MAX_BALANCE = 2_147_483_647;

export const isCoinAmount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= MAX_COINS;

export class InvalidCoinAmountError extends RangeError {
  override readonly name = 'InvalidCoinAmountError';
}

/** Throws on anything but a coin amount: ledgers call it before they touch storage. */
export function assertCoinAmount(value: number): void {
  if (!isCoinAmount(value)) throw new InvalidCoinAmountError(`invalid number of coins: ${String(value)} (1 to ${MAX_COINS})`);
}

export const RESERVATION_STATES = ['reserved', 'committed', 'released', 'refunded'] as const;
/**
 * An order's coins: reserved when it is placed, then committed when it is paid or released when it ends unpaid;
 * committed coins are refunded when the paid order is refunded in full. Every reservation ends released or refunded
 * or stays committed with a paid order.
 */
export type ReservationState = (typeof RESERVATION_STATES)[number];

export const RESERVATION_TRANSITIONS: Readonly<Record<ReservationState, readonly ReservationState[]>> = {
  reserved: ['committed', 'released'],
  committed: ['refunded'],
  released: [],
  refunded: [],
};

export const isReservationState = (value: unknown): value is ReservationState =>
  typeof value === 'string' && (RESERVATION_STATES as readonly string[]).includes(value);

/** The states a reservation may be in for a move to `to`. */
export const reservationSourcesOf = (to: ReservationState): ReservationState[] =>
  RESERVATION_STATES.filter((from) => RESERVATION_TRANSITIONS[from].includes(to));

/** How many coins a move to `to` gives back to the balance (a commit keeps them spent). */
export const coinsReturnedBy = (to: ReservationState, amount: number): number => (to === 'released' || to === 'refunded' ? amount : 0);
