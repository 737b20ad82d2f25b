/** A prepay_id and when WeChat stops accepting it. The sign type is opaque here: the gateway chose it. */
export interface Prepay {
  readonly prepayId: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  readonly signType: string;
}

/** WeChat keeps a prepay_id payable for 2 hours from its first issue; asking again while it lives returns the same id. */
export const PREPAY_LIFETIME_MS = 2 * 60 * 60 * 1000;

/**
 * The time a user is given to finish paying once the cashier opens: a prepay_id (and an order) is handed out only
 * with at least this much life left, so nobody is sent into the cashier with one that dies while they pay.
 */
export const PAYMENT_WINDOW_MS = 5 * 60 * 1000;

export const prepayFor = (prepayId: string, issuedAt: Date, signType: string): Prepay => ({
  prepayId,
  issuedAt,
  expiresAt: new Date(issuedAt.getTime() + PREPAY_LIFETIME_MS),
  signType,
});

export function isPrepayUsable(prepay: Prepay | undefined, now: Date): prepay is Prepay {
  return prepay !== undefined && prepay.expiresAt.getTime() - now.getTime() >= PAYMENT_WINDOW_MS;
}

/** WeChat still accepts a payment with it (however little time is left). */
export const isPrepayAlive = (prepay: Prepay | undefined, now: Date): prepay is Prepay =>
  prepay !== undefined && prepay.expiresAt.getTime() > now.getTime();

/**
 * The prepay an order holds after WeChat answered a new unifiedorder. The same id coming back is the old prepay,
 * still alive but no younger: it keeps the life of its first issue.
 */
export const renewedPrepay = (current: Prepay | undefined, answered: Prepay): Prepay =>
  current !== undefined && current.prepayId === answered.prepayId ? current : answered;
