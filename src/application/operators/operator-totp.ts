import { normaliseOperatorName } from '../../domain/operator-role.js';
import { err, ok, type Result } from '../../domain/result.js';
import { base32Encode } from '../../domain/base32.js';
import { matchTotp, otpauthUri } from '../../domain/totp.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { Clock } from '../ports/clock.js';
import type { Operator, OperatorSessions, Operators, TotpSecrets } from '../ports/operators.js';

export type TotpError =
  | { readonly kind: 'OperatorNotFound' }
  /** SESSION_SECRET is not set: a secret sealed now could not be opened after the next start. */
  | { readonly kind: 'NotDurable' }
  /** No enrolment is waiting for a code (never begun, or another one replaced it). */
  | { readonly kind: 'NothingPending' }
  | { readonly kind: 'BadCode' };

/** What the operator puts in an authenticator app: the otpauth:// URI (a QR code of it) or the secret typed in. */
export interface TotpEnrolment {
  readonly operator: Operator;
  readonly uri: string;
  /** Base32, as apps ask for it when typed in. */
  readonly secret: string;
}

/**
 * A second factor for an operator: a new secret is shown once and waits (sealed, in the operators table) for a first
 * code from the operator's app; only that code makes it active, so a secret mistyped into the app never locks anyone
 * out. From the console (operators themselves) and `npm run operator` (on the server, audited as `cli`).
 * Turning it on or removing it ends the operator's other sessions: one opened with the password alone (or by whoever
 * held the old authenticator) must not outlive the change. The console asks for the password again before either.
 */
export class ManageOperatorTotp {
  constructor(
    private readonly operators: Operators,
    private readonly sessions: OperatorSessions,
    private readonly secrets: TotpSecrets,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly issuer: string,
  ) {}

  async begin(name: string): Promise<Result<TotpEnrolment, TotpError>> {
    if (!this.secrets.durable) return err({ kind: 'NotDurable' });
    const operator = await this.find(name);
    if (!operator) return err({ kind: 'OperatorNotFound' });
    const secret = this.secrets.newSecret();
    if (!(await this.operators.setPendingTotp(operator.id, this.secrets.seal(operator.id, secret), this.clock.now()))) {
      return err({ kind: 'OperatorNotFound' });
    }
    return ok({ operator, uri: otpauthUri(this.issuer, operator.name, secret), secret: base32Encode(secret) });
  }

  /** The first code from the app: the pending secret becomes the one sign-in asks codes for, and this code is spent. */
  async confirm(name: string, code: string, actor: string, keepSession?: string): Promise<Result<Operator, TotpError>> {
    const normalised = normaliseOperatorName(name);
    const stored = normalised === undefined ? undefined : await this.operators.findByName(normalised);
    if (!stored) return err({ kind: 'OperatorNotFound' });
    const sealed = stored.totp?.pending;
    const secret = sealed === undefined ? undefined : this.secrets.open(stored.operator.id, sealed);
    if (sealed === undefined || !secret) return err({ kind: 'NothingPending' });
    const at = this.clock.now();
    const step = matchTotp(this.secrets.hmacSha1, secret, code, at);
    if (step === undefined) return err({ kind: 'BadCode' });
    if (!(await this.operators.activateTotp(stored.operator.id, sealed, step, at))) return err({ kind: 'NothingPending' });
    await this.sessions.revokeAll(stored.operator.id, at, keepSession);
    await this.audit.record({ at, actor, action: 'operator.totp-enabled', subject: `operator:${stored.operator.name}` });
    return ok(stored.operator);
  }

  /**
   * For a lost phone: the operator signs in with the password alone (an admin outside the sandbox must enrol again).
   * Every session of theirs ends but `keepSession` (the operator's own, removing it from the console).
   */
  async remove(name: string, actor: string, keepSession?: string): Promise<Result<Operator, TotpError>> {
    const operator = await this.find(name);
    if (!operator) return err({ kind: 'OperatorNotFound' });
    const at = this.clock.now();
    await this.operators.removeTotp(operator.id, at);
    await this.sessions.revokeAll(operator.id, at, keepSession);
    await this.audit.record({ at, actor, action: 'operator.totp-removed', subject: `operator:${operator.name}` });
    return ok(operator);
  }

  /** Whether the operator has an active second factor, and whether one is waiting for its first code. */
  async status(name: string): Promise<{ readonly active: boolean; readonly pending: boolean } | undefined> {
    const normalised = normaliseOperatorName(name);
    const stored = normalised === undefined ? undefined : await this.operators.findByName(normalised);
    return stored ? { active: stored.totp?.secret !== undefined, pending: stored.totp?.pending !== undefined } : undefined;
  }

  private async find(name: string): Promise<Operator | undefined> {
    const normalised = normaliseOperatorName(name);
    return normalised === undefined ? undefined : (await this.operators.findByName(normalised))?.operator;
  }
}
