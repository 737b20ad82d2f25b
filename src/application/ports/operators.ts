import type { OperatorRole } from '../../domain/operator-role.js';

export interface Operator {
  readonly id: number;
  /** Lower-case login name (see normaliseOperatorName); also what the audit log names them by. */
  readonly name: string;
  readonly role: OperatorRole;
  readonly disabled: boolean;
  readonly createdAt: Date;
  readonly passwordChangedAt: Date;
}

export interface StoredOperator {
  readonly operator: Operator;
  /** The password hasher's self-describing hash (algorithm, parameters, salt, digest); never the password. */
  readonly passwordHash: string;
}

export interface NewOperator {
  readonly name: string;
  readonly role: OperatorRole;
  readonly passwordHash: string;
  readonly at: Date;
}

export interface OperatorChange {
  readonly role?: OperatorRole;
  readonly disabled?: boolean;
  readonly passwordHash?: string;
  readonly at: Date;
}

/** Console operator accounts. Names are unique (storage enforces it); accounts are disabled, never deleted. */
export interface Operators {
  add(operator: NewOperator): Promise<Operator | 'nameTaken'>;
  findByName(name: string): Promise<StoredOperator | undefined>;
  findById(id: number): Promise<Operator | undefined>;
  /** Every operator, by name. */
  list(): Promise<Operator[]>;
  /** Applies the change; undefined when no operator has that id. */
  update(id: number, change: OperatorChange): Promise<Operator | undefined>;
  /**
   * Applies a change of role or of the disabled flag only when at least one other enabled admin remains, in one atomic
   * step across instances (two admins demoting each other at once cannot both succeed); 'lastAdmin' when it would
   * leave none, undefined when no operator has that id.
   */
  updateKeepingAnAdmin(id: number, change: OperatorChange): Promise<Operator | 'lastAdmin' | undefined>;
}

export interface OperatorSession {
  /** A digest of the secret the browser holds: a copy of this table opens no session. */
  readonly tokenDigest: string;
  readonly operatorId: number;
  /** Every state-changing form carries it; a request without it is refused. */
  readonly csrfToken: string;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  /** The absolute end, however active the session is. */
  readonly expiresAt: Date;
  readonly revokedAt?: Date;
}

/** Console sessions, in the database so that any instance can serve any request and a revocation holds everywhere. */
export interface OperatorSessions {
  create(session: OperatorSession): Promise<void>;
  find(tokenDigest: string): Promise<OperatorSession | undefined>;
  /** Records activity (the idle timeout counts from it). */
  touch(tokenDigest: string, at: Date): Promise<void>;
  revoke(tokenDigest: string, at: Date): Promise<void>;
  /** Revokes every live session of an operator; returns how many. */
  revokeAll(operatorId: number, at: Date): Promise<number>;
  /** Deletes sessions that ended (expired or revoked) before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

/** `pending`: reserved before the password is checked, and counted as a failure until its outcome is settled. */
export const LOGIN_OUTCOMES = ['pending', 'succeeded', 'badCredentials', 'disabled', 'rateLimited'] as const;
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number];

export interface LoginAttempt {
  readonly at: Date;
  /** As typed (normalised when it is a valid name), at most 64 characters. */
  readonly name: string;
  readonly ip: string;
  readonly outcome: LoginOutcome;
}

/** How many attempts that failed (or are still being checked) a reservation allows since `since`, per name and per address. */
export interface AttemptLimits {
  readonly since: Date;
  readonly maxPerName: number;
  readonly maxPerIp: number;
}

/** Every console login attempt, kept for the rate limit and for people to read. */
export interface LoginAttempts {
  /**
   * One atomic step, across instances: when fewer than the limits' attempts by this name and by this address since
   * `limits.since` failed or are pending, records this one as `pending` and answers its id; otherwise records nothing
   * and answers undefined. A pending attempt counts as a failure until `settle` says otherwise, so concurrent guesses
   * cannot all pass one count, and one whose check never finished (a crash) stays counted.
   */
  reserve(attempt: Omit<LoginAttempt, 'outcome'>, limits: AttemptLimits): Promise<number | undefined>;
  /** Records how a reserved attempt ended. */
  settle(id: number, outcome: Exclude<LoginOutcome, 'pending'>): Promise<void>;
  record(attempt: LoginAttempt): Promise<void>;
  /** Attempts that failed on their credentials (badCredentials) or are pending, since `since`, by name or by client address. */
  failuresSince(by: { readonly name: string } | { readonly ip: string }, since: Date): Promise<number>;
  /** Newest first. */
  recent(limit: number): Promise<LoginAttempt[]>;
}

/** Slow, salted password hashing (scrypt in production) with a constant-time comparison. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** With no hash (an unknown name), does the same work and answers false, so timing does not tell names apart. */
  verify(password: string, hash: string | undefined): Promise<boolean>;
}

/** Unguessable tokens, and the digest under which a session token is stored. */
export interface SessionSecrets {
  newToken(): string;
  digest(token: string): string;
}
