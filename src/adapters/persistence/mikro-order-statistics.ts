import type { DailyPaid, OrderStatistics, RefundTotals } from '../../application/ports/order-statistics.js';
import type { MerchantId } from '../../domain/merchant.js';
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

  async paidByDay(from: Date, before: Date, merchantIds?: readonly MerchantId[]): Promise<DailyPaid[]> {
    if (merchantIds?.length === 0) return [];
    const shops = merchantClause('merchant_id', merchantIds);
    // Beijing day number of paid_time: integer division, spelled per dialect (no floats cross the boundary).
    const day =
      this.sql.dialect === 'sqlite' ? `((paid_time + ${BEIJING_OFFSET_S}) / ${DAY_S})` : `((paid_time + ${BEIJING_OFFSET_S}) DIV ${DAY_S})`;
    const rows = await this.sql.all(
      `SELECT ${day} AS day, COUNT(*) AS n, COALESCE(SUM(paid_money), 0) AS fen FROM shop_goods_order
        WHERE paid_status IN ('SUCC', 'REFUND') AND paid_time >= ? AND paid_time < ?${shops.sql} GROUP BY ${day} ORDER BY day`,
      [seconds(from), seconds(before), ...shops.params],
    );
    return rows.map((r) => ({ day: Number(r.day), count: Number(r.n), cashFen: Number(r.fen) }));
  }

  async refundsSettled(from: Date, before: Date, merchantIds?: readonly MerchantId[]): Promise<RefundTotals> {
    if (merchantIds?.length === 0) return { count: 0, fen: 0 };
    const shops = ofMerchantsOrders(merchantIds);
    const [row] = await this.sql.all(
      `SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS fen FROM wx_order_refund WHERE status = 'SUCCESS' AND settled_at >= ? AND settled_at < ?${shops.sql}`,
      [from.getTime(), before.getTime(), ...shops.params],
    );
    return { count: Number(row?.n ?? 0), fen: Number(row?.fen ?? 0) };
  }

  async countAwaitingPayment(merchantIds?: readonly MerchantId[]): Promise<number> {
    return this.countOrders("paid_status = 'CHECKED'", merchantIds);
  }

  async countNeedingReview(merchantIds?: readonly MerchantId[]): Promise<number> {
    return this.countOrders('needs_review = 1', merchantIds);
  }

  private async countOrders(condition: string, merchantIds?: readonly MerchantId[]): Promise<number> {
    if (merchantIds?.length === 0) return 0;
    const shops = merchantClause('merchant_id', merchantIds);
    const [row] = await this.sql.all(`SELECT COUNT(*) AS n FROM shop_goods_order WHERE ${condition}${shops.sql}`, shops.params);
    return Number(row?.n ?? 0);
  }
}

/** ` AND column IN (?, …)` for a non-empty list of merchants, nothing for every merchant (undefined). */
export function merchantClause(column: string, merchantIds: readonly MerchantId[] | undefined): { sql: string; params: string[] } {
  if (merchantIds === undefined) return { sql: '', params: [] };
  return { sql: ` AND ${column} IN (${merchantIds.map(() => '?').join(', ')})`, params: [...merchantIds] };
}

/** ` AND out_trade_no IN (the merchants' orders)`, for tables that name an order but hold no merchant of their own. */
export function ofMerchantsOrders(merchantIds: readonly MerchantId[] | undefined): { sql: string; params: string[] } {
  if (merchantIds === undefined) return { sql: '', params: [] };
  const inner = merchantClause('merchant_id', merchantIds);
  return { sql: ` AND out_trade_no IN (SELECT out_trade_no FROM shop_goods_order WHERE 1 = 1${inner.sql})`, params: inner.params };
}

const seconds = (at: Date): number => Math.floor(at.getTime() / 1000);
