import { normaliseOperatorName, passwordProblem, type OperatorRole } from '../../domain/operator-role.js';
import { err, ok, type Result } from '../../domain/result.js';
import { isMerchantId, shopsScope, type ShopScope } from '../../domain/shop-scope.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { Clock } from '../ports/clock.js';
import type { Operator, Operators, OperatorSessions, PasswordHasher } from '../ports/operators.js';

export type OperatorError =
  | { readonly kind: 'InvalidName' }
  | { readonly kind: 'WeakPassword'; readonly problem: 'tooShort' | 'tooLong' }
  | { readonly kind: 'NameTaken' }
  | { readonly kind: 'OperatorNotFound' }
  /**
   * The change would leave no enabled platform admin (an admin holding every shop), and nobody could manage operators
   * from the console any more.
   */
  | { readonly kind: 'LastAdmin' }
  /** A shop is named by a merchant id: a-z 0-9 and -, at most 32 characters. */
  | { readonly kind: 'InvalidShop' };

/** An operator with the shops they answer for. */
export interface OperatorWithShops {
  readonly operator: Operator;
  readonly shops: ShopScope;
}

export interface NewOperatorCommand {
  readonly name: string;
  readonly role: OperatorRole;
  readonly password: string;
}

/**
 * Operator accounts, from the console (admins) or `npm run operator` on the server. Every change is audited, never
 * with a password; disabling an operator or resetting their password revokes all their sessions at once.
 */
export class ManageOperators {
  constructor(
    private readonly operators: Operators,
    private readonly sessions: OperatorSessions,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  list(): Promise<Operator[]> {
    return this.operators.list();
  }

  async listWithShops(): Promise<OperatorWithShops[]> {
    const operators = await this.operators.list();
    return Promise.all(operators.map(async (operator) => ({ operator, shops: await this.operators.shopsOf(operator.id) })));
  }

  /**
   * Makes the operator a platform operator (every shop) or a shop operator of exactly these merchants (none: they see
   * nothing until granted one). Audited with the scope before and after; the operator's next request already sees the
   * new scope (sessions read it afresh), so no session needs revoking.
   */
  async setShops(name: string, asked: ShopScope, actor: string): Promise<Result<OperatorWithShops, OperatorError>> {
    if (asked.kind === 'shops' && !asked.merchantIds.every(isMerchantId)) return err({ kind: 'InvalidShop' });
    const shops = asked.kind === 'platform' ? asked : shopsScope(asked.merchantIds);
    const found = await this.find(name);
    if (!found.ok) return found;
    const operator = found.value;
    const before = await this.operators.shopsOf(operator.id);
    if (sameScope(before, shops)) return ok({ operator, shops: before });
    const at = this.clock.now();
    const outcome = await this.operators.setShops(operator.id, shops, at);
    if (outcome === 'lastAdmin') return err({ kind: 'LastAdmin' });
    if (outcome === 'missing') return err({ kind: 'OperatorNotFound' });
    const after = await this.operators.shopsOf(operator.id);
    await this.audit.record({
      at,
      actor,
      action: 'operator.shops-changed',
      subject: `operator:${operator.name}`,
      before: scopeRecord(before),
      after: scopeRecord(after),
    });
    return ok({ operator, shops: after });
  }

  async add(command: NewOperatorCommand, actor: string): Promise<Result<Operator, OperatorError>> {
    const name = normaliseOperatorName(command.name);
    if (name === undefined) return err({ kind: 'InvalidName' });
    const weak = passwordProblem(command.password);
    if (weak) return err({ kind: 'WeakPassword', problem: weak });
    const at = this.clock.now();
    const added = await this.operators.add({ name, role: command.role, passwordHash: await this.hasher.hash(command.password), at });
    if (added === 'nameTaken') return err({ kind: 'NameTaken' });
    await this.audit.record({ at, actor, action: 'operator.created', subject: `operator:${name}`, after: { role: added.role } });
    return ok(added);
  }

  async setRole(name: string, role: OperatorRole, actor: string): Promise<Result<Operator, OperatorError>> {
    const found = await this.find(name);
    if (!found.ok) return found;
    const before = found.value;
    if (before.role === role) return ok(before);
    return this.change(before, { role }, actor, 'operator.role-changed', { role: before.role }, { role });
  }

  async setDisabled(name: string, disabled: boolean, actor: string): Promise<Result<Operator, OperatorError>> {
    const found = await this.find(name);
    if (!found.ok) return found;
    const before = found.value;
    if (before.disabled === disabled) return ok(before);
    const action = disabled ? 'operator.disabled' : 'operator.enabled';
    return this.change(before, { disabled }, actor, action, { disabled: before.disabled }, { disabled }, disabled);
  }

  async resetPassword(name: string, password: string, actor: string): Promise<Result<Operator, OperatorError>> {
    const weak = passwordProblem(password);
    if (weak) return err({ kind: 'WeakPassword', problem: weak });
    const found = await this.find(name);
    if (!found.ok) return found;
    const passwordHash = await this.hasher.hash(password);
    return this.change(found.value, { passwordHash }, actor, 'operator.password-reset', undefined, undefined, true);
  }

  private async find(name: string): Promise<Result<Operator, OperatorError>> {
    const normalised = normaliseOperatorName(name);
    const stored = normalised === undefined ? undefined : await this.operators.findByName(normalised);
    return stored ? ok(stored.operator) : err({ kind: 'OperatorNotFound' });
  }

  private async change(
    operator: Operator,
    change: { role?: OperatorRole; disabled?: boolean; passwordHash?: string },
    actor: string,
    action: 'operator.role-changed' | 'operator.disabled' | 'operator.enabled' | 'operator.password-reset',
    before: unknown,
    after: unknown,
    revokeSessions = false,
  ): Promise<Result<Operator, OperatorError>> {
    const at = this.clock.now();
    // A change that could take away an admin is checked and made in one step, so two admins demoting or disabling
    // each other at once (on two instances) cannot leave the console without one.
    const removesAnAdmin = (change.role !== undefined && change.role !== 'admin') || change.disabled === true;
    const updated = removesAnAdmin
      ? await this.operators.updateKeepingAnAdmin(operator.id, { ...change, at })
      : await this.operators.update(operator.id, { ...change, at });
    if (updated === 'lastAdmin') return err({ kind: 'LastAdmin' });
    if (!updated) return err({ kind: 'OperatorNotFound' });
    const revoked = revokeSessions ? await this.sessions.revokeAll(operator.id, at) : 0;
    await this.audit.record({
      at,
      actor,
      action,
      subject: `operator:${operator.name}`,
      ...(before === undefined ? {} : { before }),
      after: { ...(after as object | undefined), ...(revokeSessions ? { sessionsRevoked: revoked } : {}) },
    });
    return ok(updated);
  }
}

/** How the audit log writes a scope, as one text the audit page shows: `all`, `none` or `north,east`. */
const scopeRecord = (scope: ShopScope) => ({
  shops: scope.kind === 'platform' ? 'all' : scope.merchantIds.length ? scope.merchantIds.join(',') : 'none',
});

const sameScope = (a: ShopScope, b: ShopScope): boolean => JSON.stringify(scopeRecord(a)) === JSON.stringify(scopeRecord(b));
