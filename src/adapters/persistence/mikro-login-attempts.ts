import {
  LOGIN_OUTCOMES,
  nameDelayMs,
  type AttemptLimits,
  type LoginAttempt,
  type LoginAttempts,
  type LoginOutcome,
} from '../../application/ports/operators.js';
import { UnreadableRowError } from './order-mapper.js';
import type { SqlOrm } from './orm.js';
import { sqlSession, type SqlRow as Row, type SqlSession } from './sql-session.js';

const NAME_LENGTH = 64;
const IP_LENGTH = 45;
const COUNTED = `outcome IN ('badCredentials', 'badCode', 'pending')`;

/** wx_operator_login: one row per console login attempt; wx_operator_login_gate serialises the reservations. */
export class MikroLoginAttempts implements LoginAttempts {
  private readonly sql: SqlSession;

  constructor(orm: SqlOrm) {
    this.sql = sqlSession(orm);
  }

  async reserve(a: Omit<LoginAttempt, 'outcome'>, limits: AttemptLimits): Promise<number | undefined> {
    const name = a.name.slice(0, NAME_LENGTH);
    const ip = a.ip.slice(0, IP_LENGTH);
    const sql = this.sql;
    const sqlite = sql.dialect === 'sqlite';
    // Sorted, and locked by one statement walking the primary key in that order: two sign-ins never wait on each other crosswise.
    const gates = [`n:${name}`, `i:${ip}`].sort();
    if (!sqlite) await sql.run('INSERT IGNORE INTO wx_operator_login_gate (gate) VALUES (?), (?)', gates);
    return sql.transaction(async (tx) => {
      // SQLite has one writer at a time and the embedded service one connection; MariaDB needs the gate rows locked.
      if (!sqlite) await tx.all('SELECT gate FROM wx_operator_login_gate WHERE gate IN (?, ?) ORDER BY gate FOR UPDATE', gates);
      // Read after the lock: InnoDB takes a transaction's snapshot at its first plain read, so this one sees every
      // reservation committed by the sign-ins that held the gates before.
      const [counts] = await tx.all<Row>(
        `SELECT COALESCE(SUM(CASE WHEN name = ? THEN 1 ELSE 0 END), 0) AS by_name,
                COALESCE(SUM(CASE WHEN ip = ? THEN 1 ELSE 0 END), 0) AS by_ip,
                MAX(CASE WHEN name = ? THEN at END) AS last_by_name
           FROM wx_operator_login WHERE (name = ? OR ip = ?) AND at >= ? AND ${COUNTED}`,
        [name, ip, name, name, ip, limits.since.getTime()],
      );
      const byName = Number(counts?.by_name ?? 0);
      if (Number(counts?.by_ip ?? 0) >= limits.maxPerIp) return undefined;
      if (byName >= limits.maxPerName) {
        if (!limits.nameDelay) return undefined;
        const wait = nameDelayMs(limits.nameDelay, limits.maxPerName, byName);
        if (a.at.getTime() < Number(counts?.last_by_name ?? 0) + wait) return undefined;
      }
      await tx.run(`INSERT INTO wx_operator_login (at, name, ip, outcome) VALUES (?, ?, ?, 'pending')`, [a.at.getTime(), name, ip]);
      const [row] = await tx.all<Row>(sqlite ? 'SELECT last_insert_rowid() AS id' : 'SELECT LAST_INSERT_ID() AS id');
      return Number(row?.id);
    });
  }

  async settle(id: number, outcome: Exclude<LoginOutcome, 'pending'>): Promise<void> {
    await this.sql.run(`UPDATE wx_operator_login SET outcome = ? WHERE id = ? AND outcome = 'pending'`, [outcome, id]);
  }

  async record(a: LoginAttempt): Promise<void> {
    await this.sql.run('INSERT INTO wx_operator_login (at, name, ip, outcome) VALUES (?, ?, ?, ?)', [
      a.at.getTime(),
      a.name.slice(0, NAME_LENGTH),
      a.ip.slice(0, IP_LENGTH),
      a.outcome,
    ]);
  }

  async failuresSince(by: { readonly name: string } | { readonly ip: string }, since: Date): Promise<number> {
    const [column, value] = 'name' in by ? ['name', by.name.slice(0, NAME_LENGTH)] : ['ip', by.ip.slice(0, IP_LENGTH)];
    const [row] = await this.sql.all(`SELECT COUNT(*) AS n FROM wx_operator_login WHERE ${column} = ? AND at >= ? AND ${COUNTED}`, [
      value,
      since.getTime(),
    ]);
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
