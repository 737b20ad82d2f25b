import type { NotifyHistory, NotifyLog, NotifyLogEntry, NotifyVerdictCount } from '../../application/ports/notify-log.js';
import type { SqlOrm } from './orm.js';
import { NotifyLogRecord } from './service-records.js';

/** Bodies are capped by the HTTP adapter already (16 KB); this only keeps a broken caller from filling the disk. */
const MAX_BODY_CHARS = 256 * 1024;
const MAX_DETAIL_CHARS = 255;

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** wx_notify_log: insert-only; nothing in the service updates or deletes it. */
export class MikroNotifyLog implements NotifyLog, NotifyHistory {
  constructor(private readonly orm: SqlOrm) {}

  async append(entry: NotifyLogEntry): Promise<void> {
    await this.orm.em.fork().insert(NotifyLogRecord, {
      receivedAt: entry.receivedAt.getTime(),
      kind: entry.kind,
      outTradeNo: entry.outTradeNo === undefined ? null : clip(entry.outTradeNo, 32),
      rawBody: clip(entry.rawBody, MAX_BODY_CHARS),
      verdict: entry.verdict,
      detail: clip(entry.detail, MAX_DETAIL_CHARS),
    });
  }

  /** The notices received for one order, oldest first: for the admin view and for tests. */
  async forOrder(outTradeNo: string, limit = 100): Promise<NotifyLogEntry[]> {
    const rows = await this.orm.em
      .fork()
      .find(NotifyLogRecord, { outTradeNo }, { orderBy: { id: 'asc' }, limit, disableIdentityMap: true });
    return rows
      .filter((r) => r.outTradeNo === outTradeNo)
      .map((r) => ({
        receivedAt: new Date(r.receivedAt),
        kind: r.kind === 'refund' ? 'refund' : 'pay',
        outTradeNo,
        rawBody: r.rawBody,
        verdict: r.verdict === 'SUCCESS' ? 'SUCCESS' : 'FAIL',
        detail: r.detail,
      }));
  }

  async verdictsSince(since: Date): Promise<NotifyVerdictCount[]> {
    const rows = await this.orm.em
      .fork()
      .getConnection()
      .execute<Record<string, unknown>[]>(
        `SELECT kind, verdict, detail, COUNT(*) AS n FROM wx_notify_log WHERE received_at >= ?
          GROUP BY kind, verdict, detail ORDER BY n DESC, kind, verdict, detail LIMIT 50`,
        [since.getTime()],
      );
    return rows.map((r) => ({
      kind: r.kind === 'refund' ? 'refund' : 'pay',
      verdict: r.verdict === 'SUCCESS' ? 'SUCCESS' : 'FAIL',
      detail: String(r.detail),
      count: Number(r.n),
    }));
  }
}
