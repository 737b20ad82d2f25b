import { LOGIN_OUTCOMES, type LoginAttempt, type LoginAttempts } from '../../application/ports/operators.js';
import { UnreadableRowError } from './order-mapper.js';
import type { SqlOrm } from './orm.js';
import { sqlSession, type SqlRow as Row, type SqlSession } from './sql-session.js';

/** wx_operator_login: insert-only, one row per console login attempt. */
export class MikroLoginAttempts implements LoginAttempts {
  private readonly sql: SqlSession;

  constructor(orm: SqlOrm) {
    this.sql = sqlSession(orm);
  }

  async record(a: LoginAttempt): Promise<void> {
    await this.sql.run('INSERT INTO wx_operator_login (at, name, ip, outcome) VALUES (?, ?, ?, ?)', [
      a.at.getTime(),
      a.name.slice(0, 64),
      a.ip.slice(0, 45),
      a.outcome,
    ]);
  }

  async failuresSince(by: { readonly name: string } | { readonly ip: string }, since: Date): Promise<number> {
    const [column, value] = 'name' in by ? ['name', by.name.slice(0, 64)] : ['ip', by.ip.slice(0, 45)];
    const [row] = await this.sql.all(
      `SELECT COUNT(*) AS n FROM wx_operator_login WHERE ${column} = ? AND at >= ? AND outcome = 'badCredentials'`,
      [value, since.getTime()],
    );
    return Number(row?.n ?? 0);
  }

  async recent(limit: number): Promise<LoginAttempt[]> {
    const rows = await this.sql.all('SELECT at, name, ip, outcome FROM wx_operator_login ORDER BY id DESC LIMIT ?', [Math.min(limit, 200)]);
    return rows.map(toAttempt);
  }
}

function toAttempt(row: Row): LoginAttempt {
  const outcome = LOGIN_OUTCOMES.find((o) => o === row.outcome);
  if (!outcome) throw new UnreadableRowError('wx_operator_login', `wx_operator_login: unknown outcome '${String(row.outcome)}'`);
  return { at: new Date(Number(row.at)), name: String(row.name), ip: String(row.ip), outcome };
}
