import { err, ok, type Result } from '../../domain/result.js';
import type { ShopScope } from '../../domain/shop-scope.js';
import type { Clock } from '../ports/clock.js';
import type { Operator, Operators, OperatorSession, OperatorSessions, SessionSecrets } from '../ports/operators.js';
import { DEFAULT_SESSION_POLICY, type SessionPolicy } from './sign-in-operator.js';

export interface ActiveSession {
  readonly operator: Operator;
  readonly session: OperatorSession;
  /** The shops the operator answers for, read afresh as the role is: a grant taken away holds from the next request. */
  readonly shops: ShopScope;
}

/** Why a cookie no longer opens a session. */
export type SessionEnd = 'none' | 'expired' | 'revoked' | 'disabled';

/**
 * Every console request: the cookie's token must name a stored session that is neither revoked nor past its idle or
 * absolute end, of an operator who is still enabled. The operator is read afresh each time, so a role change or a
 * disabling takes effect on the next request.
 */
export class ResumeOperatorSession {
  constructor(
    private readonly operators: Operators,
    private readonly sessions: OperatorSessions,
    private readonly secrets: SessionSecrets,
    private readonly clock: Clock,
    private readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
  ) {}

  async execute(token: string | undefined): Promise<Result<ActiveSession, SessionEnd>> {
    if (!token) return err('none');
    const digest = this.secrets.digest(token);
    const session = await this.sessions.find(digest);
    if (!session) return err('none');
    if (session.revokedAt) return err('revoked');
    const now = this.clock.now().getTime();
    if (now >= session.expiresAt.getTime() || now - session.lastSeenAt.getTime() >= this.policy.idleMs) return err('expired');
    const operator = await this.operators.findById(session.operatorId);
    if (!operator) return err('revoked');
    if (operator.disabled) return err('disabled');
    if (now - session.lastSeenAt.getTime() >= this.policy.touchEveryMs) await this.sessions.touch(digest, new Date(now));
    return ok({ operator, session, shops: await this.operators.shopsOf(operator.id) });
  }
}

/** Signing out revokes the session in the database: the cookie is worthless afterwards, on every instance. */
export class SignOutOperator {
  constructor(
    private readonly sessions: OperatorSessions,
    private readonly secrets: SessionSecrets,
    private readonly clock: Clock,
  ) {}

  async execute(token: string | undefined): Promise<void> {
    if (token) await this.sessions.revoke(this.secrets.digest(token), this.clock.now());
  }
}
