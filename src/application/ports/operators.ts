import type { OperatorRole } from '../../domain/operator-role.js';
import type { ShopScope } from '../../domain/shop-scope.js';
import type { HmacSha1 } from '../../domain/totp.js';

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
  /** The second factor: sealed TOTP secrets (see TotpSecrets), absent for an operator without one. */
  readonly totp?: StoredTotp;
}

export interface StoredTotp {
  /** The secret codes are checked against, once its enrolment was confirmed with a first code. */
  readonly secret?: string;
  /** A secret shown to the operator and waiting for its first code; the active one (if any) holds until then. */
  readonly pending?: string;
  /** The last time step whose code was accepted: its code, and every earlier one, is spent. */
  readonly lastStep?: number;
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
   * Applies a change of role or of the disabled flag only when at least one other enabled platform admin (one holding
   * every shop: only they manage operators) remains, in one atomic
   * step across instances (two admins demoting each other at once cannot both succeed); 'lastAdmin' when it would
   * leave none, undefined when no operator has that id.
   */
  updateKeepingAnAdmin(id: number, change: OperatorChange): Promise<Operator | 'lastAdmin' | undefined>;
  /** Stores a sealed secret awaiting its first code, replacing an earlier pending one; false when no such operator. */
  setPendingTotp(id: number, sealed: string, at: Date): Promise<boolean>;
  /**
   * Makes the pending secret the active one, with `step` (the confirming code's) spent — only while `sealed` is still
   * the pending secret, so two confirmations of different enrolments cannot cross. False otherwise.
   */
  activateTotp(id: number, sealed: string, step: number, at: Date): Promise<boolean>;
  /** Removes the second factor, active and pending; false when no such operator. */
  removeTotp(id: number, at: Date): Promise<boolean>;
  /**
   * One atomic step across instances: records `step` as spent when the operator has an active secret and `step` is
   * later than the last spent one. False otherwise: the code was used already (on this instance or another).
   */
  spendTotpStep(id: number, step: number): Promise<boolean>;
  /** The shops the operator answers for: every one (platform, what operators added without a scope are) or those granted. */
  shopsOf(id: number): Promise<ShopScope>;
  /**
   * Replaces the operator's scope in one step (its grants and the platform flag together). Taking every shop from the
   * last enabled platform admin is refused ('lastAdmin'), checked and done in one step as updateKeepingAnAdmin does:
   * only a platform admin manages operators. 'missing' when no operator has that id.
   */
  setShops(id: number, scope: ShopScope, at: Date): Promise<'updated' | 'lastAdmin' | 'missing'>;
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
  /** Revokes every live session of an operator but the one `keep` names (a token digest); returns how many. */
  revokeAll(operatorId: number, at: Date, keep?: string): Promise<number>;
  /** Deletes sessions that ended (expired or revoked) before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

/**
 * `pending`: reserved before the password (or code) is checked, and counted as a failure until its outcome is settled.
 * `codeRequired`: the password was right and the second factor is asked for; `badCode`: a wrong or spent code (a
 * failure, as `badCredentials`); `totpMissing`: the password was right, but an admin has no second factor where one
 * is required.
 */
export const LOGIN_OUTCOMES = [
  'pending',
  'succeeded',
  'badCredentials',
  'disabled',
  'rateLimited',
  'codeRequired',
  'badCode',
  'totpMissing',
] as const;
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
  /**
   * For a name with a second factor: past `maxPerName` failures the name is not refused outright; an attempt is let
   * through once `baseMs · 2^(failures − maxPerName)` (at most `capMs`) have passed since that name's last failure.
   */
  readonly nameDelay?: NameDelay;
}

export interface NameDelay {
  readonly baseMs: number;
  readonly capMs: number;
}

/** The wait a name's `failures` call for under a delay, 0 while they are within `free`. */
export function nameDelayMs(delay: NameDelay, free: number, failures: number): number {
  if (failures < free) return 0;
  return Math.min(delay.capMs, delay.baseMs * 2 ** Math.min(failures - free, 40));
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
  /** Attempts that failed on their credentials or code (badCredentials, badCode) or are pending, since `since`, by name or by client address. */
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

/** The second factor's secrets, sealed for the operators table so that a dump of the database alone reveals none. */
export interface TotpSecrets {
  /** False while a sealed secret would not outlive this process (SESSION_SECRET not set): enrolling is then refused. */
  readonly durable: boolean;
  /** A fresh random secret (TOTP_SECRET_BYTES). */
  newSecret(): Uint8Array;
  seal(operatorId: number, secret: Uint8Array): string;
  /** undefined when it cannot be opened: SESSION_SECRET changed, or the value was sealed for another operator. */
  open(operatorId: number, sealed: string): Uint8Array | undefined;
  readonly hmacSha1: HmacSha1;
}

/** What the browser carries from the password form to the code form: who passed the password, and until when. */
export interface ChallengeClaim {
  readonly operatorId: number;
  /** The password the claim was earned with: a password reset voids it. */
  readonly passwordChangedAt: Date;
  readonly expiresAt: Date;
}

/** Signed, tamper-evident challenges: the password is never sent twice, and no server state is needed in between. */
export interface SignInChallenges {
  issue(claim: ChallengeClaim): string;
  /** undefined for anything this service did not issue (or altered); expiry is the caller's to check. */
  read(challenge: string): ChallengeClaim | undefined;
}
