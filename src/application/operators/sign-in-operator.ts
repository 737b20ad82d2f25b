import { normaliseOperatorName, type OperatorRole } from '../../domain/operator-role.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { Clock } from '../ports/clock.js';
import type {
  LoginAttempts,
  LoginOutcome,
  Operator,
  Operators,
  OperatorSessions,
  PasswordHasher,
  SessionSecrets,
} from '../ports/operators.js';

/** How many failed logins a window allows, per name (guessing one account) and per client address (spraying many). */
export interface LoginLimits {
  readonly windowMs: number;
  readonly maxFailuresPerName: number;
  readonly maxFailuresPerIp: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { windowMs: 15 * 60_000, maxFailuresPerName: 5, maxFailuresPerIp: 20 };

/** How long a console session lives: it ends after `idleMs` without a request, and `absoluteMs` after sign-in regardless. */
export interface SessionPolicy {
  readonly idleMs: number;
  readonly absoluteMs: number;
  /** Activity is written at most this often (the idle timeout is accurate to it). */
  readonly touchEveryMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000, touchEveryMs: 60_000 };

export interface SignInCommand {
  readonly name: string;
  readonly password: string;
  /** The client's address as the HTTP adapter resolved it (trusted proxies only). */
  readonly ip: string;
}

export interface SignedIn {
  /** The secret for the browser's cookie; only its digest is stored. */
  readonly token: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
  readonly operator: Operator;
}

export type SignInError =
  | { readonly kind: 'RateLimited'; readonly retryAfterSeconds: number }
  /** Unknown name or wrong password: deliberately the same answer. */
  | { readonly kind: 'BadCredentials' }
  /** The password was right, but the account is disabled. */
  | { readonly kind: 'Disabled' };

export interface SignInOutcome {
  readonly result: Result<SignedIn, SignInError>;
  /** What was recorded, for the adapter's log line. */
  readonly outcome: LoginOutcome;
  readonly name: string;
  readonly role?: OperatorRole;
}

/**
 * A console operator signs in with name and password. Failed attempts are counted per name and per client address
 * in the database, so the limit holds across instances; each attempt reserves its place atomically before the
 * password is checked, and over the limit the password is not even checked. Every attempt is recorded with its
 * outcome; one whose check never finished stays counted as a failure. An unknown name costs the same hashing work as
 * a known one.
 */
export class SignInOperator {
  constructor(
    private readonly operators: Operators,
    private readonly sessions: OperatorSessions,
    private readonly attempts: LoginAttempts,
    private readonly hasher: PasswordHasher,
    private readonly secrets: SessionSecrets,
    private readonly clock: Clock,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
  ) {}

  async execute(command: SignInCommand): Promise<SignInOutcome> {
    const at = this.clock.now();
    const valid = normaliseOperatorName(command.name);
    const name = valid ?? command.name.trim().slice(0, 64);
    const since = new Date(at.getTime() - this.limits.windowMs);
    const limited = { kind: 'RateLimited', retryAfterSeconds: Math.ceil(this.limits.windowMs / 1000) } as const;
    // The attempt is reserved (and counted as a failure) before the password is checked: concurrent guesses, on any
    // instance, each take one of the allowed places or are refused, instead of all passing one earlier count.
    const id = await this.attempts.reserve(
      { at, name, ip: command.ip },
      { since, maxPerName: this.limits.maxFailuresPerName, maxPerIp: this.limits.maxFailuresPerIp },
    );
    if (id === undefined) {
      await this.attempts.record({ at, name, ip: command.ip, outcome: 'rateLimited' });
      return { result: err(limited), outcome: 'rateLimited', name };
    }
    const finish = async (outcome: Exclude<LoginOutcome, 'pending'>, result: Result<SignedIn, SignInError>, role?: OperatorRole) => {
      await this.attempts.settle(id, outcome);
      return { result, outcome, name, ...(role ? { role } : {}) };
    };

    const stored = valid === undefined ? undefined : await this.operators.findByName(valid);
    const matches = await this.hasher.verify(command.password, stored?.passwordHash);
    if (!stored || !matches) return finish('badCredentials', err({ kind: 'BadCredentials' }));
    const operator = stored.operator;
    if (operator.disabled) return finish('disabled', err({ kind: 'Disabled' }), operator.role);

    const token = this.secrets.newToken();
    const csrfToken = this.secrets.newToken();
    const expiresAt = new Date(at.getTime() + this.policy.absoluteMs);
    await this.sessions.create({
      tokenDigest: this.secrets.digest(token),
      operatorId: operator.id,
      csrfToken,
      createdAt: at,
      lastSeenAt: at,
      expiresAt,
    });
    return finish('succeeded', ok({ token, csrfToken, expiresAt, operator }), operator.role);
  }
}
