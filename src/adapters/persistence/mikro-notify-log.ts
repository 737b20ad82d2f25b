import type { NotifyLog, NotifyLogEntry, NotifyVerdictCount } from '../../application/ports/notify-log.js';
import type { NotifyLogStore } from './batching-notify-log.js';
import type { SqlOrm } from './orm.js';
import type { MerchantId } from '../../domain/merchant.js';
import { ofMerchantsOrders } from './mikro-order-statistics.js';
import { sqlSession, type SqlValue } from './sql-session.js';
import { NOTIFY_LOG_TABLE, NotifyLogRecord } from './service-records.js';

/** Bodies are capped by the HTTP adapter already (16 KB); this only keeps a broken caller from filling the disk. */
const MAX_BODY_CHARS = 256 * 1024;
const MAX_DETAIL_CHARS = 255;

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

const INSERT = `INSERT INTO ${NOTIFY_LOG_TABLE} (received_at, kind, out_trade_no, raw_body, verdict, detail) VALUES `;
const ROW = '(?, ?, ?, ?, ?, ?)';
/** One statement stays well inside max_allowed_packet (16 MB by default) whatever the bodies. */
const MAX_STATEMENT_CHARS = 1024 * 1024;

const rowOf = (entry: NotifyLogEntry): SqlValue[] => [
  entry.receivedAt.getTime(),
  entry.kind,
  entry.outTradeNo === undefined ? null : clip(entry.outTradeNo, 32),
  clip(entry.rawBody, MAX_BODY_CHARS),
  entry.verdict,
  clip(entry.detail, MAX_DETAIL_CHARS),
];

/**
 * wx_notify_log: insert-only; nothing in the service updates or deletes it. Batches and the verdict counts are
 * hand-written SQL on the SQL session; one order's notices are read through the ORM.
 */
export class MikroNotifyLog implements NotifyLog, NotifyLogStore {
  constructor(private readonly orm: SqlOrm) {}

  append(entry: NotifyLogEntry): Promise<void> {
    return this.appendAll([entry]);
  }

  /** Multi-row INSERTs, in order; a batch of large bodies is split so no statement grows past 1 MB. */
  async appendAll(entries: readonly NotifyLogEntry[]): Promise<void> {
    const sql = sqlSession(this.orm);
    let rows: SqlValue[][] = [];
    let chars = 0;
    const write = async (): Promise<void> => {
      if (rows.length === 0) return;
      await sql.run(INSERT + rows.map(() => ROW).join(', '), rows.flat());
      rows = [];
      chars = 0;
    };
    for (const entry of entries) {
      const row = rowOf(entry);
      const size = String(row[3]).length + 128;
      if (chars + size > MAX_STATEMENT_CHARS) await write();
      rows.push(row);
      chars += size;
    }
    await write();
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

  async verdictsSince(since: Date, merchantIds?: readonly MerchantId[]): Promise<NotifyVerdictCount[]> {
    if (merchantIds?.length === 0) return [];
    const shops = ofMerchantsOrders(merchantIds);
    const rows = await sqlSession(this.orm).all(
      `SELECT kind, verdict, detail, COUNT(*) AS n FROM wx_notify_log WHERE received_at >= ?${shops.sql}
          GROUP BY kind, verdict, detail ORDER BY n DESC, kind, verdict, detail LIMIT 50`,
      [since.getTime(), ...shops.params],
    );
    return rows.map((r) => ({
      kind: r.kind === 'refund' ? 'refund' : 'pay',
      verdict: r.verdict === 'SUCCESS' ? 'SUCCESS' : 'FAIL',
      detail: String(r.detail),
      count: Number(r.n),
    }));
  }
}
