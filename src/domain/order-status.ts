export const ORDER_STATUSES = ['CHECKED', 'SUCC', 'FAILED', 'REFUND'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const isOrderStatus = (value: unknown): value is OrderStatus =>
  typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);

/**
 * The state machine as data, so tests can enumerate it. FAILED→SUCC exists because money WeChat took is always
 * recorded; REFUND is terminal; nothing returns to CHECKED.
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  CHECKED: ['SUCC', 'FAILED'],
  SUCC: ['REFUND'],
  FAILED: ['SUCC'],
  REFUND: [],
};

export const canMove = (from: OrderStatus, to: OrderStatus): boolean => ALLOWED_TRANSITIONS[from].includes(to);

/** Money was taken for the order: paid, and possibly refunded since. */
export const isPaidStatus = (status: OrderStatus): boolean => status === 'SUCC' || status === 'REFUND';

/** Unpaid and not closed: WeChat may still be paying it. */
export const isOpenStatus = (status: OrderStatus): boolean => status === 'CHECKED';

/**
 * Why WeChat says an order can no longer be paid: orderquery CLOSED/PAYERROR/REVOKED, a successful closeorder
 * (CLOSED), or ORDERNOTEXIST for an order WeChat never created (its unifiedorder failed, so no prepay_id exists).
 */
export const FAILURE_REASONS = ['CLOSED', 'PAYERROR', 'REVOKED', 'ORDERNOTEXIST'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];
