import { normaliseOperatorName, type OperatorRole } from '../../domain/operator-role.js';
import { err, ok, type Result } from '../../domain/result.js';
import { matchTotp } from '../../domain/totp.js';
import type { Clock } from '../ports/clock.js';
import {
  type AttemptLimits,
  type LoginAttempts,
  type LoginOutcome,
  type NameDelay,
  type Operator,
  type Operators,
  type OperatorSessions,
  type PasswordHasher,
  type SessionSecrets,
  type SignInChallenges,
  type StoredOperator,
  type TotpSecrets,
} from '../ports/operators.js';

/**
 * How many failed logins a window allows, per name (guessing one account) and per client address (spraying many).
 * For an operator with a second factor the per-name limit is a growing delay (`totpNameDelay`), not a lock-out: a
 * password alone opens nothing there, so a stranger's wrong guesses must not keep its owner out for the window.
 */
export interface LoginLimits {
  readonly windowMs: number;
  readonly maxFailuresPerName: number;
  readonly maxFailuresPerIp: number;
  readonly totpNameDelay: NameDelay;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  windowMs: 15 * 60_000,
  maxFailuresPerName: 5,
  maxFailuresPerIp: 20,
  totpNameDelay: { baseMs: 1_000, capMs: 5 * 60_000 },
};

/** The second factor: TOTP codes checked with these secrets, challenges between the forms, and who must have one. */
export interface SecondFactor {
  readonly secrets: TotpSecrets;
  readonly challenges: SignInChallenges;
  /** Outside the sandbox an admin without TOTP is refused (with how to enrol); inside, it stays optional. */
  readonly requiredForAdmins: boolean;
  /** How long the code form stays valid after the password. */
  readonly challengeTtlMs: number;
}

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

export interface CodeCommand {
  /** What the password step handed out (SignInError CodeRequired). */
  readonly challenge: string;
  readonly code: string;
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
  | { readonly kind: 'Disabled' }
  /** The password was right; the second factor's code is next, with this challenge. */
  | { readonly kind: 'CodeRequired'; readonly challenge: string }
  /** A wrong code, or one used already. */
  | { readonly kind: 'BadCode' }
  /** The code form is too old, or its password was changed since: sign in again. */
  | { readonly kind: 'ChallengeExpired' }
  /** An admin without a second factor where one is required: enrol by `npm run operator -- totp <name>`. */
  | { readonly kind: 'TotpRequired' }
  /** The stored secret cannot be opened (SESSION_SECRET changed since enrolment): enrol again by the CLI. */
  | { readonly kind: 'TotpUnreadable' };

export interface SignInOutcome {
  readonly result: Result<SignedIn, SignInError>;
  /** What was recorded, for the adapter's log line (a challenge refused before any attempt: badCode, unrecorded). */
  readonly outcome: LoginOutcome;
  readonly name: string;
  readonly role?: OperatorRole;
}

/**
 * A console operator signs in with name and password, then — if they have a second factor — with a TOTP code.
 * Failed attempts are counted per name and per client address in the database, so the limits hold across instances;
 * each attempt (password or code) reserves its place atomically before it is checked, and over the limit nothing is
 * checked. Every attempt is recorded with its outcome; one whose check never finished stays counted as a failure. An
 * unknown name costs the same hashing work as a known one. A code is taken once: its time step is spent in the
 * database before the session opens, so a replay fails on every instance.
 */
export class SignInOperator {
  constructor(
    private readonly operators: Operators,
    private readonly sessions: OperatorSessions,
    private readonly attempts: LoginAttempts,
    private readonly hasher: PasswordHasher,
    private readonly secrets: SessionSecrets,
    private readonly clock: Clock,
    private readonly secondFactor: SecondFactor,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
  ) {}

  async execute(command: SignInCommand): Promise<SignInOutcome> {
    const at = this.clock.now();
    const valid = normaliseOperatorName(command.name);
    const name = valid ?? command.name.trim().slice(0, 64);
    // Read first: whether the name has a second factor decides its limit (a growing delay rather than a lock-out).
    const stored = valid === undefined ? undefined : await this.operators.findByName(valid);
    const attempt = await this.reserve(at, name, command.ip, stored?.totp?.secret !== undefined);
    if (!attempt.ok) return attempt.error;
    const { finish } = attempt.value;

    const matches = await this.hasher.verify(command.password, stored?.passwordHash);
    if (!stored || !matches) return finish('badCredentials', err({ kind: 'BadCredentials' }));
    const operator = stored.operator;
    if (operator.disabled) return finish('disabled', err({ kind: 'Disabled' }), operator.role);
    if (stored.totp?.secret !== undefined) {
      const challenge = this.secondFactor.challenges.issue({
        operatorId: operator.id,
        passwordChangedAt: operator.passwordChangedAt,
        expiresAt: new Date(at.getTime() + this.secondFactor.challengeTtlMs),
      });
      return finish('codeRequired', err({ kind: 'CodeRequired', challenge }), operator.role);
    }
    if (operator.role === 'admin' && this.secondFactor.requiredForAdmins) {
      return finish('totpMissing', err({ kind: 'TotpRequired' }), operator.role);
    }
    return finish('succeeded', ok(await this.openSession(operator, at)), operator.role);
  }

  /**
   * The signed-in operator's password again, before they change their own second factor: a stolen session cookie
   * alone must not bind an attacker's authenticator, or take the owner's away. Reserved, limited and recorded exactly
   * as a sign-in's password step (a right one is recorded `succeeded`), so it is no side door for guessing.
   */
  async recheckPassword(operator: Operator, password: string, ip: string): Promise<Result<Operator, SignInError>> {
    const at = this.clock.now();
    const stored = await this.operators.findByName(operator.name);
    const attempt = await this.reserve(at, operator.name, ip, stored?.totp?.secret !== undefined);
    if (!attempt.ok) return err(attempt.error.result.ok ? { kind: 'BadCredentials' } : attempt.error.result.error);
    const matches = await this.hasher.verify(password, stored?.passwordHash);
    if (!stored || stored.operator.id !== operator.id || !matches) {
      await attempt.value.settle('badCredentials');
      return err({ kind: 'BadCredentials' });
    }
    await attempt.value.settle('succeeded');
    return ok(stored.operator);
  }

  /** The second step: the challenge the password earned, and a code not used before. */
  async confirmCode(command: CodeCommand): Promise<SignInOutcome> {
    const at = this.clock.now();
    const claim = this.secondFactor.challenges.read(command.challenge);
    const stored = claim && claim.expiresAt > at ? await this.findById(claim.operatorId) : undefined;
    const current = stored && claim && stored.operator.passwordChangedAt.getTime() === claim.passwordChangedAt.getTime();
    if (!stored || !current) return { result: err({ kind: 'ChallengeExpired' }), outcome: 'badCode', name: stored?.operator.name ?? '' };
    const operator = stored.operator;
    const attempt = await this.reserve(at, operator.name, command.ip, true);
    if (!attempt.ok) return attempt.error;
    const { finish } = attempt.value;
    if (operator.disabled) return finish('disabled', err({ kind: 'Disabled' }), operator.role);

    const sealed = stored.totp?.secret;
    const secret = sealed === undefined ? undefined : this.secondFactor.secrets.open(operator.id, sealed);
    if (sealed !== undefined && !secret) return finish('badCode', err({ kind: 'TotpUnreadable' }), operator.role);
    if (!secret) return finish('badCode', err({ kind: 'ChallengeExpired' }), operator.role);
    const step = matchTotp(this.secondFactor.secrets.hmacSha1, secret, command.code, at, stored.totp?.lastStep);
    // The step is spent atomically: of two requests with one code (here or on another instance), one gets in.
    if (step === undefined || !(await this.operators.spendTotpStep(operator.id, step))) {
      return finish('badCode', err({ kind: 'BadCode' }), operator.role);
    }
    return finish('succeeded', ok(await this.openSession(operator, at)), operator.role);
  }

  /**
   * The attempt's place, reserved (and counted as a failure) before anything is checked: concurrent guesses, on any
   * instance, each take one of the allowed places or are refused, instead of all passing one earlier count.
   */
  private async reserve(at: Date, name: string, ip: string, hasTotp: boolean) {
    type Finish = (
      outcome: Exclude<LoginOutcome, 'pending'>,
      result: Result<SignedIn, SignInError>,
      role?: OperatorRole,
    ) => Promise<SignInOutcome>;
    const since = new Date(at.getTime() - this.limits.windowMs);
    const limits: AttemptLimits = {
      since,
      maxPerName: this.limits.maxFailuresPerName,
      maxPerIp: this.limits.maxFailuresPerIp,
      ...(hasTotp ? { nameDelay: this.limits.totpNameDelay } : {}),
    };
    const id = await this.attempts.reserve({ at, name, ip }, limits);
    if (id === undefined) {
      await this.attempts.record({ at, name, ip, outcome: 'rateLimited' });
      return err<SignInOutcome>({
        result: err({ kind: 'RateLimited', retryAfterSeconds: this.retryAfterSeconds }),
        outcome: 'rateLimited',
        name,
      });
    }
    const settle = (outcome: Exclude<LoginOutcome, 'pending'>) => this.attempts.settle(id, outcome);
    const finish: Finish = async (outcome, result, role) => {
      await settle(outcome);
      return { result, outcome, name, ...(role ? { role } : {}) };
    };
    return ok({ finish, settle });
  }

  /**
   * Every refusal says the same: the window, the longest any refusal can last. A name with a second factor is often
   * let through sooner (its growing delay), but saying so — "1 s" there, "900 s" for a name without one or no
   * operator at all — would tell anyone who typed six wrong passwords which names are real accounts with TOTP (the
   * admins', outside the sandbox). The difference in behaviour itself cannot be hidden: a retry after a few seconds is
   * checked for such a name and refused for the others, and hiding that would mean either locking owners with a
   * second factor out for the window (what the delay spares them) or letting password-only names be guessed faster.
   * So the answer gives nothing away for free; learning it costs a further guess, counted against the name and the
   * address like any other.
   */
  private get retryAfterSeconds(): number {
    return Math.ceil(this.limits.windowMs / 1000);
  }

  private async findById(id: number): Promise<StoredOperator | undefined> {
    const operator = await this.operators.findById(id);
    return operator ? this.operators.findByName(operator.name) : undefined;
  }

  private async openSession(operator: Operator, at: Date): Promise<SignedIn> {
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
    return { token, csrfToken, expiresAt, operator };
  }
}
