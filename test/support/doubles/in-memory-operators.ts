import {
  nameDelayMs,
  type AttemptLimits,
  type LoginAttempt,
  type LoginAttempts,
  type LoginOutcome,
  type NewOperator,
  type Operator,
  type OperatorChange,
  type Operators,
  type OperatorSession,
  type OperatorSessions,
  type StoredOperator,
  type StoredTotp,
} from '../../../src/application/ports/operators.js';
import { PLATFORM, shopsScope, type ShopScope } from '../../../src/domain/shop-scope.js';

/** Operator accounts in memory; names unique as the SQL table's index makes them. */
export class InMemoryOperators implements Operators {
  private readonly rows = new Map<number, StoredOperator>();
  /** Operators with a scope set; the others are platform operators, as the table's column default makes them. */
  private readonly scopes = new Map<number, ShopScope>();
  private nextId = 1;

  async add(o: NewOperator): Promise<Operator | 'nameTaken'> {
    await Promise.resolve();
    if ([...this.rows.values()].some((r) => r.operator.name === o.name)) return 'nameTaken';
    const operator: Operator = {
      id: this.nextId++,
      name: o.name,
      role: o.role,
      disabled: false,
      createdAt: o.at,
      passwordChangedAt: o.at,
    };
    this.rows.set(operator.id, { operator, passwordHash: o.passwordHash });
    return operator;
  }

  async findByName(name: string): Promise<StoredOperator | undefined> {
    await Promise.resolve();
    return [...this.rows.values()].find((r) => r.operator.name === name);
  }

  async findById(id: number): Promise<Operator | undefined> {
    await Promise.resolve();
    return this.rows.get(id)?.operator;
  }

  async list(): Promise<Operator[]> {
    await Promise.resolve();
    return [...this.rows.values()].map((r) => r.operator).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async updateKeepingAnAdmin(id: number, change: OperatorChange): Promise<Operator | 'lastAdmin' | undefined> {
    await Promise.resolve();
    // Checked and applied in one synchronous step, as the database does under its lock.
    if (this.isLastPlatformAdmin(id)) return 'lastAdmin';
    return this.apply(id, change);
  }

  async update(id: number, change: OperatorChange): Promise<Operator | undefined> {
    await Promise.resolve();
    return this.apply(id, change);
  }

  private apply(id: number, change: OperatorChange): Operator | undefined {
    const row = this.rows.get(id);
    if (!row) return undefined;
    const operator: Operator = {
      ...row.operator,
      ...(change.role === undefined ? {} : { role: change.role }),
      ...(change.disabled === undefined ? {} : { disabled: change.disabled }),
      ...(change.passwordHash === undefined ? {} : { passwordChangedAt: change.at }),
    };
    this.rows.set(id, { ...row, operator, passwordHash: change.passwordHash ?? row.passwordHash });
    return operator;
  }

  async setPendingTotp(id: number, sealed: string): Promise<boolean> {
    await Promise.resolve();
    return this.setTotp(id, (t) => ({ ...t, pending: sealed }));
  }

  async activateTotp(id: number, sealed: string, step: number): Promise<boolean> {
    await Promise.resolve();
    if (this.rows.get(id)?.totp?.pending !== sealed) return false;
    return this.setTotp(id, () => ({ secret: sealed, lastStep: step }));
  }

  async removeTotp(id: number): Promise<boolean> {
    await Promise.resolve();
    return this.setTotp(id, () => undefined);
  }

  async spendTotpStep(id: number, step: number): Promise<boolean> {
    await Promise.resolve();
    // Compared and set in one synchronous step, as the database's single UPDATE does.
    const totp = this.rows.get(id)?.totp;
    if (totp?.secret === undefined || (totp.lastStep !== undefined && totp.lastStep >= step)) return false;
    return this.setTotp(id, (t) => ({ ...t, lastStep: step }));
  }

  async shopsOf(id: number): Promise<ShopScope> {
    await Promise.resolve();
    if (!this.rows.has(id)) return shopsScope([]);
    return this.scopes.get(id) ?? PLATFORM;
  }

  async setShops(id: number, scope: ShopScope, _at: Date): Promise<'updated' | 'lastAdmin' | 'missing'> {
    await Promise.resolve();
    if (!this.rows.has(id)) return 'missing';
    if (scope.kind === 'shops' && this.isLastPlatformAdmin(id)) return 'lastAdmin';
    this.scopes.set(id, scope.kind === 'platform' ? PLATFORM : shopsScope(scope.merchantIds));
    return 'updated';
  }

  /** The one enabled admin holding every shop (only they manage operators); checked and changed in one synchronous step. */
  private isLastPlatformAdmin(id: number): boolean {
    const admins = [...this.rows.values()]
      .filter(
        (r) => r.operator.role === 'admin' && !r.operator.disabled && (this.scopes.get(r.operator.id) ?? PLATFORM).kind === 'platform',
      )
      .map((r) => r.operator.id);
    return admins.includes(id) && admins.length === 1;
  }

  private setTotp(id: number, change: (totp: StoredTotp) => StoredTotp | undefined): boolean {
    const row = this.rows.get(id);
    if (!row) return false;
    const { totp: _old, ...rest } = row;
    const totp = change(row.totp ?? {});
    this.rows.set(id, totp ? { ...rest, totp } : rest);
    return true;
  }
}

export class InMemoryOperatorSessions implements OperatorSessions {
  readonly rows = new Map<string, OperatorSession>();

  async create(session: OperatorSession): Promise<void> {
    await Promise.resolve();
    this.rows.set(session.tokenDigest, { ...session });
  }

  async find(tokenDigest: string): Promise<OperatorSession | undefined> {
    await Promise.resolve();
    return this.rows.get(tokenDigest);
  }

  async touch(tokenDigest: string, at: Date): Promise<void> {
    await Promise.resolve();
    const s = this.rows.get(tokenDigest);
    if (s && s.lastSeenAt < at) this.rows.set(tokenDigest, { ...s, lastSeenAt: at });
  }

  async revoke(tokenDigest: string, at: Date): Promise<void> {
    await Promise.resolve();
    const s = this.rows.get(tokenDigest);
    if (s && !s.revokedAt) this.rows.set(tokenDigest, { ...s, revokedAt: at });
  }

  async revokeAll(operatorId: number, at: Date, keep?: string): Promise<number> {
    await Promise.resolve();
    let n = 0;
    for (const s of this.rows.values()) {
      if (s.operatorId !== operatorId || s.revokedAt || s.expiresAt <= at || s.tokenDigest === keep) continue;
      this.rows.set(s.tokenDigest, { ...s, revokedAt: at });
      n++;
    }
    return n;
  }

  async prune(before: Date): Promise<number> {
    await Promise.resolve();
    let n = 0;
    for (const s of [...this.rows.values()]) {
      if (s.expiresAt < before || (s.revokedAt && s.revokedAt < before)) {
        this.rows.delete(s.tokenDigest);
        n++;
      }
    }
    return n;
  }
}

const COUNTED: ReadonlySet<LoginOutcome> = new Set(['badCredentials', 'badCode', 'pending']);

export class InMemoryLoginAttempts implements LoginAttempts {
  readonly attempts: LoginAttempt[] = [];

  async reserve(attempt: Omit<LoginAttempt, 'outcome'>, limits: AttemptLimits): Promise<number | undefined> {
    await Promise.resolve();
    // Count and insert in one synchronous step, as the database does under its lock.
    const counted = (a: LoginAttempt) => COUNTED.has(a.outcome) && a.at >= limits.since;
    const name = attempt.name.slice(0, 64);
    const ip = attempt.ip.slice(0, 45);
    const byName = this.attempts.filter((a) => counted(a) && a.name === name);
    const byIp = this.attempts.filter((a) => counted(a) && a.ip === ip).length;
    if (byIp >= limits.maxPerIp) return undefined;
    if (byName.length >= limits.maxPerName) {
      if (!limits.nameDelay) return undefined;
      const last = Math.max(...byName.map((a) => a.at.getTime()));
      if (attempt.at.getTime() < last + nameDelayMs(limits.nameDelay, limits.maxPerName, byName.length)) return undefined;
    }
    this.attempts.push({ at: attempt.at, name, ip, outcome: 'pending' });
    return this.attempts.length - 1;
  }

  async settle(id: number, outcome: Exclude<LoginOutcome, 'pending'>): Promise<void> {
    await Promise.resolve();
    const attempt = this.attempts[id];
    if (attempt?.outcome === 'pending') this.attempts[id] = { ...attempt, outcome };
  }

  async record(attempt: LoginAttempt): Promise<void> {
    await Promise.resolve();
    this.attempts.push({ ...attempt, name: attempt.name.slice(0, 64), ip: attempt.ip.slice(0, 45) });
  }

  async failuresSince(by: { readonly name: string } | { readonly ip: string }, since: Date): Promise<number> {
    await Promise.resolve();
    return this.attempts.filter(
      (a) => COUNTED.has(a.outcome) && a.at >= since && ('name' in by ? a.name === by.name.slice(0, 64) : a.ip === by.ip.slice(0, 45)),
    ).length;
  }

  async recent(limit: number): Promise<LoginAttempt[]> {
    await Promise.resolve();
    return [...this.attempts].reverse().slice(0, limit);
  }
}
