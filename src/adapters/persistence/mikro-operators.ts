import type {
  NewOperator,
  Operator,
  OperatorChange,
  Operators,
  OperatorSession,
  OperatorSessions,
  StoredOperator,
  StoredTotp,
} from '../../application/ports/operators.js';
import { isOperatorRole } from '../../domain/operator-role.js';
import { PLATFORM, shopsScope, type ShopScope } from '../../domain/shop-scope.js';
import { UnreadableRowError } from './order-mapper.js';
import type { SqlOrm } from './orm.js';
import { violatedUniques } from './sql-failure.js';
import { sqlSession, type SqlRow as Row, type SqlSession, type SqlStatements, type SqlValue } from './sql-session.js';

const dateOrUndefined = (value: unknown): Date | undefined => (value === null || value === undefined ? undefined : new Date(Number(value)));

const COLUMNS = 'id, name, role, password_hash, disabled, created_at, password_changed_at, totp_secret, totp_pending, totp_last_step';

/**
 * wx_operator: accounts are disabled, never deleted, so the audit log's names always point somewhere. The console's
 * tables have no entity: hand-written SQL on the SQL session.
 */
export class MikroOperators implements Operators {
  private readonly sql: SqlSession;

  constructor(orm: SqlOrm) {
    this.sql = sqlSession(orm);
  }

  async add(operator: NewOperator): Promise<Operator | 'nameTaken'> {
    const at = operator.at.getTime();
    try {
      await this.sql.run(
        'INSERT INTO wx_operator (name, role, password_hash, disabled, created_at, updated_at, password_changed_at) VALUES (?, ?, ?, 0, ?, ?, ?)',
        [operator.name, operator.role, operator.passwordHash, at, at, at],
      );
    } catch (error) {
      if (violatedUniques(error)) return 'nameTaken';
      throw error;
    }
    const stored = await this.findByName(operator.name);
    if (!stored) throw new Error('wx_operator: an operator vanished right after it was stored');
    return stored.operator;
  }

  async findByName(name: string): Promise<StoredOperator | undefined> {
    const [row] = await this.sql.all(`SELECT ${COLUMNS} FROM wx_operator WHERE name = ?`, [name]);
    if (!row || row.name !== name) return undefined;
    const totp = toTotp(row);
    return { operator: toOperator(row), passwordHash: String(row.password_hash), ...(totp ? { totp } : {}) };
  }

  async findById(id: number): Promise<Operator | undefined> {
    if (!Number.isSafeInteger(id)) return undefined;
    const [row] = await this.sql.all(`SELECT ${COLUMNS} FROM wx_operator WHERE id = ?`, [id]);
    return row ? toOperator(row) : undefined;
  }

  async list(): Promise<Operator[]> {
    return (await this.sql.all(`SELECT ${COLUMNS} FROM wx_operator ORDER BY name`)).map(toOperator);
  }

  async update(id: number, change: OperatorChange): Promise<Operator | undefined> {
    const result = await this.sql.run(...updateStatement(id, change));
    return result.affectedRows === 1 ? this.findById(id) : undefined;
  }

  async updateKeepingAnAdmin(id: number, change: OperatorChange): Promise<Operator | 'lastAdmin' | undefined> {
    const outcome = await this.sql.transaction(async (tx) => {
      if (await isLastPlatformAdmin(tx, this.sql.dialect, id)) return 'lastAdmin' as const;
      return (await tx.run(...updateStatement(id, change))).affectedRows === 1 ? ('updated' as const) : ('missing' as const);
    });
    if (outcome === 'lastAdmin') return outcome;
    return outcome === 'updated' ? this.findById(id) : undefined;
  }

  async setPendingTotp(id: number, sealed: string, at: Date): Promise<boolean> {
    const result = await this.sql.run('UPDATE wx_operator SET totp_pending = ?, updated_at = ? WHERE id = ?', [sealed, at.getTime(), id]);
    return result.affectedRows === 1;
  }

  async activateTotp(id: number, sealed: string, step: number, at: Date): Promise<boolean> {
    const result = await this.sql.run(
      'UPDATE wx_operator SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = ?, updated_at = ? WHERE id = ? AND totp_pending = ?',
      [step, at.getTime(), id, sealed],
    );
    return result.affectedRows === 1;
  }

  async removeTotp(id: number, at: Date): Promise<boolean> {
    const result = await this.sql.run(
      'UPDATE wx_operator SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL, updated_at = ? WHERE id = ?',
      [at.getTime(), id],
    );
    return result.affectedRows === 1;
  }

  async spendTotpStep(id: number, step: number): Promise<boolean> {
    // Compared and set in one statement: of two sign-ins with one code, on any instances, one row update wins.
    const result = await this.sql.run(
      'UPDATE wx_operator SET totp_last_step = ? WHERE id = ? AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < ?)',
      [step, id, step],
    );
    return result.affectedRows === 1;
  }

  async shopsOf(id: number): Promise<ShopScope> {
    const [row] = await this.sql.all('SELECT all_shops FROM wx_operator WHERE id = ?', [id]);
    // No such operator: nothing to answer for (a session of a vanished operator is refused before this anyway).
    if (!row) return shopsScope([]);
    if (Number(row.all_shops) !== 0) return PLATFORM;
    const grants = await this.sql.all('SELECT merchant_id FROM wx_operator_shop WHERE operator_id = ? ORDER BY merchant_id', [id]);
    return shopsScope(grants.map((g) => String(g.merchant_id)));
  }

  async setShops(id: number, scope: ShopScope, at: Date): Promise<'updated' | 'lastAdmin' | 'missing'> {
    // One transaction: a request between the two statements never sees a shop operator with the old grants and the
    // new flag (or the reverse).
    return this.sql.transaction(async (tx) => {
      if (scope.kind === 'shops' && (await isLastPlatformAdmin(tx, this.sql.dialect, id))) return 'lastAdmin' as const;
      const allShops = scope.kind === 'platform' ? 1 : 0;
      const updated = await tx.run('UPDATE wx_operator SET all_shops = ?, updated_at = ? WHERE id = ?', [allShops, at.getTime(), id]);
      if (updated.affectedRows !== 1) return 'missing' as const;
      await tx.run('DELETE FROM wx_operator_shop WHERE operator_id = ?', [id]);
      for (const merchantId of scope.kind === 'shops' ? scope.merchantIds : []) {
        await tx.run('INSERT INTO wx_operator_shop (operator_id, merchant_id, granted_at) VALUES (?, ?, ?)', [
          id,
          merchantId,
          at.getTime(),
        ]);
      }
      return 'updated' as const;
    });
  }
}

/**
 * Whether `id` is the one enabled platform admin (the only kind that manages operators). Locks every enabled platform
 * admin's row (SQLite: one writer at a time anyway), so a concurrent demotion, disabling or narrowing waits here and
 * then counts what this one left.
 */
async function isLastPlatformAdmin(tx: SqlStatements, dialect: SqlSession['dialect'], id: number): Promise<boolean> {
  const lock = dialect === 'mysql' ? ' FOR UPDATE' : '';
  const admins = await tx.all(`SELECT id FROM wx_operator WHERE role = 'admin' AND disabled = 0 AND all_shops = 1 ORDER BY id${lock}`);
  const ids = admins.map((row) => Number(row.id));
  return ids.includes(id) && ids.length === 1;
}

function toTotp(row: Row): StoredTotp | undefined {
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  const secret = text(row.totp_secret);
  const pending = text(row.totp_pending);
  const lastStep = row.totp_last_step === null || row.totp_last_step === undefined ? undefined : Number(row.totp_last_step);
  if (secret === undefined && pending === undefined) return undefined;
  return { ...(secret ? { secret } : {}), ...(pending ? { pending } : {}), ...(lastStep === undefined ? {} : { lastStep }) };
}

function updateStatement(id: number, change: OperatorChange): [string, SqlValue[]] {
  const sets: string[] = ['updated_at = ?'];
  const params: SqlValue[] = [change.at.getTime()];
  if (change.role !== undefined) {
    sets.push('role = ?');
    params.push(change.role);
  }
  if (change.disabled !== undefined) {
    sets.push('disabled = ?');
    params.push(change.disabled ? 1 : 0);
  }
  if (change.passwordHash !== undefined) {
    sets.push('password_hash = ?', 'password_changed_at = ?');
    params.push(change.passwordHash, change.at.getTime());
  }
  return [`UPDATE wx_operator SET ${sets.join(', ')} WHERE id = ?`, [...params, id]];
}

function toOperator(row: Row): Operator {
  const role = row.role;
  if (!isOperatorRole(role)) throw new UnreadableRowError('wx_operator', `wx_operator: unknown role '${String(role)}'`);
  return {
    id: Number(row.id),
    name: String(row.name),
    role,
    disabled: Number(row.disabled) !== 0,
    createdAt: new Date(Number(row.created_at)),
    passwordChangedAt: new Date(Number(row.password_changed_at)),
  };
}

/** wx_operator_session, keyed by the digest of the cookie's token. */
export class MikroOperatorSessions implements OperatorSessions {
  private readonly sql: SqlSession;

  constructor(orm: SqlOrm) {
    this.sql = sqlSession(orm);
  }

  async create(s: OperatorSession): Promise<void> {
    await this.sql.run(
      'INSERT INTO wx_operator_session (token_digest, operator_id, csrf_token, created_at, last_seen_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [s.tokenDigest, s.operatorId, s.csrfToken, s.createdAt.getTime(), s.lastSeenAt.getTime(), s.expiresAt.getTime(), null],
    );
  }

  async find(tokenDigest: string): Promise<OperatorSession | undefined> {
    const [row] = await this.sql.all(
      'SELECT token_digest, operator_id, csrf_token, created_at, last_seen_at, expires_at, revoked_at FROM wx_operator_session WHERE token_digest = ?',
      [tokenDigest],
    );
    if (!row || row.token_digest !== tokenDigest) return undefined;
    const revokedAt = dateOrUndefined(row.revoked_at);
    return {
      tokenDigest,
      operatorId: Number(row.operator_id),
      csrfToken: String(row.csrf_token),
      createdAt: new Date(Number(row.created_at)),
      lastSeenAt: new Date(Number(row.last_seen_at)),
      expiresAt: new Date(Number(row.expires_at)),
      ...(revokedAt ? { revokedAt } : {}),
    };
  }

  async touch(tokenDigest: string, at: Date): Promise<void> {
    // Never backwards: two instances touching at once keep the later time.
    await this.sql.run('UPDATE wx_operator_session SET last_seen_at = ? WHERE token_digest = ? AND last_seen_at < ?', [
      at.getTime(),
      tokenDigest,
      at.getTime(),
    ]);
  }

  async revoke(tokenDigest: string, at: Date): Promise<void> {
    await this.sql.run('UPDATE wx_operator_session SET revoked_at = ? WHERE token_digest = ? AND revoked_at IS NULL', [
      at.getTime(),
      tokenDigest,
    ]);
  }

  async revokeAll(operatorId: number, at: Date, keep = ''): Promise<number> {
    const result = await this.sql.run(
      'UPDATE wx_operator_session SET revoked_at = ? WHERE operator_id = ? AND revoked_at IS NULL AND expires_at > ? AND token_digest <> ?',
      [at.getTime(), operatorId, at.getTime(), keep],
    );
    return result.affectedRows;
  }

  async prune(before: Date): Promise<number> {
    const result = await this.sql.run('DELETE FROM wx_operator_session WHERE expires_at < ? OR revoked_at < ?', [
      before.getTime(),
      before.getTime(),
    ]);
    return result.affectedRows;
  }
}
