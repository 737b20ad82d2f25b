import type { ShopScope } from './shop-scope.js';

/**
 * Console operators and what each may do. Roles are ranked: every role may do what the roles below it may.
 * `viewer` reads; `operator` acts on money and users (refunds, reviews, coin grants, reconciliation runs);
 * `admin` also changes the catalogue and the operators themselves, and reads the audit log.
 */
export const OPERATOR_ROLES = ['viewer', 'operator', 'admin'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export const isOperatorRole = (value: unknown): value is OperatorRole =>
  typeof value === 'string' && (OPERATOR_ROLES as readonly string[]).includes(value);

const RANK: Readonly<Record<OperatorRole, number>> = { viewer: 0, operator: 1, admin: 2 };

/** Every console capability and the least role that has it: the one table every route's check reads. */
export const PERMISSIONS = {
  read: 'viewer',
  refund: 'operator',
  resolveReview: 'operator',
  grantCoins: 'operator',
  reconcile: 'operator',
  manageGoods: 'admin',
  manageOperators: 'admin',
  /** The audit log names every operator and what each changed: for the people who manage operators. */
  readAudit: 'admin',
  /** Reconciliation runs: each covers every merchant's bills, so they are the platform's (see PLATFORM_ONLY). */
  readBills: 'viewer',
} as const satisfies Record<string, OperatorRole>;

export type Permission = keyof typeof PERMISSIONS;

export const allows = (role: OperatorRole, permission: Permission): boolean => RANK[role] >= RANK[PERMISSIONS[permission]];

/**
 * What only a platform operator (every shop) may do, whatever their role: a reconciliation run reads and settles
 * every merchant's bills, and an operator who managed operators could grant themselves every shop.
 */
export const PLATFORM_ONLY: readonly Permission[] = ['readBills', 'reconcile', 'manageOperators'];

/** The role allows it, and it is not the platform's or the operator holds every shop. */
export const allowsIn = (role: OperatorRole, scope: ShopScope, permission: Permission): boolean =>
  allows(role, permission) && (scope.kind === 'platform' || !PLATFORM_ONLY.includes(permission));

/** Login names: 2 to 32 of a-z 0-9 . _ - (case-insensitive, stored lower-case), starting with a letter or digit. */
export function normaliseOperatorName(name: string): string | undefined {
  const lower = name.trim().toLowerCase();
  return /^[a-z0-9][a-z0-9._-]{1,31}$/.test(lower) ? lower : undefined;
}

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

/** Long enough to resist guessing, short enough that hashing it costs a bounded time. */
export function passwordProblem(password: string): 'tooShort' | 'tooLong' | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return 'tooShort';
  if (length > MAX_PASSWORD_LENGTH) return 'tooLong';
  return undefined;
}
