import type { AuditEntry, AuditLog, AuditQuery } from '../../application/ports/audit-log.js';
import { AUDIT_ACTIONS } from '../../application/ports/audit-log.js';
import { UnreadableRowError } from './order-mapper.js';
import type { SqlOrm } from './orm.js';
import { sqlSession, type SqlRow as Row, type SqlSession } from './sql-session.js';

const MAX_NOTE_CHARS = 500;
const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

/** wx_audit_log: insert-only; the service never updates or deletes a row. No entity: SQL on the SQL session. */
export class MikroAuditLog implements AuditLog {
  private readonly sql: SqlSession;

  constructor(orm: SqlOrm) {
    this.sql = sqlSession(orm);
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.sql.run(
      'INSERT INTO wx_audit_log (at, actor, action, subject, before_json, after_json, note, merchant_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [
        entry.at.getTime(),
        entry.actor.slice(0, 80),
        entry.action,
        entry.subject.slice(0, 64),
        json(entry.before),
        json(entry.after),
        entry.note?.slice(0, MAX_NOTE_CHARS) ?? null,
        entry.merchantId ?? null,
      ],
    );
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const shops = query.merchantIds;
    if (shops?.length === 0) return [];
    const conditions = [
      ...(query.subject === undefined ? [] : ['subject = ?']),
      ...(shops === undefined ? [] : [`merchant_id IN (${shops.map(() => '?').join(', ')})`]),
    ];
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await this.sql.all(
      `SELECT at, actor, action, subject, before_json, after_json, note, merchant_id FROM wx_audit_log ${where} ORDER BY id DESC LIMIT ? OFFSET ?`,
      [...(query.subject === undefined ? [] : [query.subject]), ...(shops ?? []), Math.min(query.limit, 100), query.offset],
    );
    return rows.filter((r) => query.subject === undefined || r.subject === query.subject).map(toEntry);
  }
}

function toEntry(r: Row): AuditEntry {
  const action = AUDIT_ACTIONS.find((a) => a === r.action);
  if (!action) throw new UnreadableRowError('wx_audit_log', `wx_audit_log: unknown action '${String(r.action)}'`);
  return {
    at: new Date(Number(r.at)),
    actor: String(r.actor),
    action,
    subject: String(r.subject),
    ...(r.before_json === null ? {} : { before: JSON.parse(String(r.before_json)) as unknown }),
    ...(r.after_json === null ? {} : { after: JSON.parse(String(r.after_json)) as unknown }),
    ...(r.note === null ? {} : { note: String(r.note) }),
    ...(r.merchant_id === null || r.merchant_id === undefined ? {} : { merchantId: String(r.merchant_id) }),
  };
}
