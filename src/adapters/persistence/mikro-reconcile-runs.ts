import {
  RECONCILE_RUN_KINDS,
  type ReconcileRun,
  type ReconcileRunQuery,
  type ReconcileRuns,
} from '../../application/ports/reconcile-runs.js';
import type { SqlOrm } from './orm.js';
import { sqlSession, type SqlRow as Row, type SqlSession, type SqlValue } from './sql-session.js';

/** A report is bounded before it is stored: a bill run over a big day lists many order numbers. */
const MAX_SUMMARY_CHARS = 1_000_000;

/** wx_reconcile_run: one row per reconciliation run, pruned after a while by the job runner. */
export class MikroReconcileRuns implements ReconcileRuns {
  private readonly sql: SqlSession;

  constructor(orm: SqlOrm) {
    this.sql = sqlSession(orm);
  }

  async record(run: ReconcileRun): Promise<void> {
    const json = JSON.stringify(run.summary ?? null);
    await this.sql.run(
      'INSERT INTO wx_reconcile_run (kind, started_at, finished_at, succeeded, bill_date, problems, summary_json) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [
        run.kind,
        run.startedAt.getTime(),
        run.finishedAt.getTime(),
        run.succeeded ? 1 : 0,
        run.billDate ?? null,
        run.problems,
        json.length <= MAX_SUMMARY_CHARS ? json : JSON.stringify({ truncated: true, chars: json.length }),
      ],
    );
  }

  async latest(q: ReconcileRunQuery): Promise<ReconcileRun[]> {
    const conditions: [string, SqlValue][] = [];
    if (q.kind !== undefined) conditions.push(['kind = ?', q.kind]);
    if (q.startedFrom !== undefined) conditions.push(['started_at >= ?', q.startedFrom.getTime()]);
    if (q.startedBefore !== undefined) conditions.push(['started_at < ?', q.startedBefore.getTime()]);
    const where = conditions.length === 0 ? '' : `WHERE ${conditions.map(([c]) => c).join(' AND ')}`;
    const rows = await this.sql.all(
      `SELECT kind, started_at, finished_at, succeeded, bill_date, problems, summary_json FROM wx_reconcile_run ${where}
        ORDER BY id ${q.oldestFirst ? 'ASC' : 'DESC'} LIMIT ? OFFSET ?`,
      [...conditions.map(([, v]) => v), Math.min(q.limit, 200), q.offset ?? 0],
    );
    return rows.flatMap(toRun);
  }

  async prune(before: Date): Promise<number> {
    return (await this.sql.run('DELETE FROM wx_reconcile_run WHERE started_at < ?', [before.getTime()])).affectedRows;
  }
}

function toRun(row: Row): ReconcileRun[] {
  const kind = RECONCILE_RUN_KINDS.find((k) => k === row.kind);
  if (!kind) return [];
  let summary: unknown;
  try {
    summary = JSON.parse(String(row.summary_json));
  } catch {
    summary = { unreadable: true };
  }
  return [
    {
      kind,
      startedAt: new Date(Number(row.started_at)),
      finishedAt: new Date(Number(row.finished_at)),
      succeeded: Number(row.succeeded) !== 0,
      ...(row.bill_date === null || row.bill_date === undefined ? {} : { billDate: String(row.bill_date) }),
      problems: Number(row.problems),
      summary,
    },
  ];
}
