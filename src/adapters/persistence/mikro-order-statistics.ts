import type { DailyPaid, OrderStatistics, RefundTotals } from '../../application/ports/order-statistics.js';
import type { SqlOrm } from './orm.js';
import { sqlSession, type SqlSession } from './sql-session.js';

const BEIJING_OFFSET_S = 8 * 3600;
const DAY_S = 86_400;

/** Aggregates over the seed's order table (unix-second times) and the refunds (unix ms), for the dashboard. */
export class MikroOrderStatistics implements OrderStatistics {
  private readonly sql: SqlSession;

  constructor(orm: SqlOrm) {
    this.sql = sqlSession(orm);
  }

  async paidByDay(from: Date, before: Date): Promise<DailyPaid[]> {
    // Beijing day number of paid_time: integer division, spelled per dialect (no floats cross the boundary).
    const day =
      this.sql.dialect === 'sqlite' ? `((paid_time + ${BEIJING_OFFSET_S}) / ${DAY_S})` : `((paid_time + ${BEIJING_OFFSET_S}) DIV ${DAY_S})`;
    const rows = await this.sql.all(
      `SELECT ${day} AS day, COUNT(*) AS n, COALESCE(SUM(paid_money), 0) AS fen FROM shop_goods_order
        WHERE paid_status IN ('SUCC', 'REFUND') AND paid_time >= ? AND paid_time < ? GROUP BY ${day} ORDER BY day`,
      [seconds(from), seconds(before)],
    );
    return rows.map((r) => ({ day: Number(r.day), count: Number(r.n), cashFen: Number(r.fen) }));
  }

  async refundsSettled(from: Date, before: Date): Promise<RefundTotals> {
    const [row] = await this.sql.all(
      "SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS fen FROM wx_order_refund WHERE status = 'SUCCESS' AND settled_at >= ? AND settled_at < ?",
      [from.getTime(), before.getTime()],
    );
    return { count: Number(row?.n ?? 0), fen: Number(row?.fen ?? 0) };
  }

  async countAwaitingPayment(): Promise<number> {
    const [row] = await this.sql.all("SELECT COUNT(*) AS n FROM shop_goods_order WHERE paid_status = 'CHECKED'");
    return Number(row?.n ?? 0);
  }

  async countNeedingReview(): Promise<number> {
    const [row] = await this.sql.all('SELECT COUNT(*) AS n FROM shop_goods_order WHERE needs_review = 1');
    return Number(row?.n ?? 0);
  }
}

const seconds = (at: Date): number => Math.floor(at.getTime() / 1000);
