import type { MerchantId } from '../../domain/merchant.js';

export const AUDIT_ACTIONS = [
  'refund.requested',
  'coins.granted',
  'goods.created',
  'goods.updated',
  'review.resolved',
  'bill.reconciled',
  'operator.created',
  'operator.role-changed',
  'operator.disabled',
  'operator.enabled',
  'operator.password-reset',
  'operator.totp-enabled',
  'operator.totp-removed',
  'operator.shops-changed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One operator action: who did what to which thing, and what it looked like before and after. */
export interface AuditEntry {
  readonly at: Date;
  /**
   * The credential that acted: `admin-token` for the automation token, `operator:<name>` for a console operator,
   * `cli` for `npm run operator` on the server.
   */
  readonly actor: string;
  readonly action: AuditAction;
  /** What was acted on: an out_trade_no, `goods:<id>`, `user:<uid>`, `operator:<name>`, `bill:<yyyyMMdd>`. */
  readonly subject: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly note?: string;
  /**
   * The shop the action concerned (an order's merchant; goods' and users' merchant): shop operators read only their
   * shops' lines. Absent for what concerns the platform (operators, bill runs over every merchant).
   */
  readonly merchantId?: MerchantId;
}

export interface AuditQuery {
  readonly subject?: string;
  /** Only lines about these merchants (an empty list: none); absent: every line. */
  readonly merchantIds?: readonly MerchantId[];
  readonly limit: number;
  readonly offset: number;
}

/** Append-only record of operator actions, newest first when listed. Never updated or deleted by the service. */
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  list(query: AuditQuery): Promise<AuditEntry[]>;
}
