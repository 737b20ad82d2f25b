import type { Clock } from '../../application/ports/clock.js';
import type { GoodsAdmin, GoodsChange, GoodsDraft } from '../../application/ports/goods-catalog.js';
import type { Goods } from '../../domain/goods.js';
import { systemClock } from '../system/system-clock.js';
import { GOODS_TABLE, GoodsRecord } from './goods-record.js';
import { toGoods, toGoodsColumns, type GoodsColumns } from './goods-mapper.js';
import { sqlSession, type SqlSession } from './sql-session.js';
import { toUnixSeconds } from './order-mapper.js';
import { storedAppIds } from './app-id-column.js';
import type { SqlOrm } from './orm.js';

export type { GoodsDraft };

/** findById's statement: the columns of a Goods, named as GoodsRecord's properties. */
const FIND_BY_ID = `SELECT id, app_id AS appId, name, market_price AS marketPrice, sale_price AS salePrice, integral, is_online AS isOnline
  FROM ${GOODS_TABLE} WHERE id = ?`;

/**
 * Goods in the seed's shop_goods_info. Prices there are yuan to the fen (goods-mapper.ts reads and writes them through
 * the digits, never rounding). The admin operations touch only the columns the domain owns, so descriptions and pictures survive.
 */
export class MikroGoodsCatalog implements GoodsAdmin {
  private readonly sql: SqlSession;

  constructor(
    private readonly orm: SqlOrm,
    private readonly clock: Clock = systemClock,
    /** The default mini-program's appid: what app_id '' (the seed's goods) reads as. */
    private readonly defaultAppId = '',
  ) {
    this.sql = sqlSession(orm);
  }

  /**
   * Every prepay reads its goods (cached a second per goods: with many mini-programs, each selling its own, that is a
   * read per goods per second), so by plain SQL on the ORM's pool and only the columns a Goods has: through the ORM
   * (entity metadata, hydration, the whole row with its `content` HTML) a read cost several times more.
   */
  async findById(id: number): Promise<Goods | undefined> {
    if (!Number.isSafeInteger(id)) return undefined;
    const [row] = await this.sql.all<GoodsColumns>(FIND_BY_ID, [id]);
    return row ? toGoods(row, this.defaultAppId) : undefined;
  }

  /** Online goods of one mini-program, the seed's `sort` descending (bigger first), then by id. */
  async listOnline(appId = this.defaultAppId): Promise<Goods[]> {
    const rows = await this.orm.em
      .fork()
      .find(
        GoodsRecord,
        { isOnline: { $ne: 0 }, appId: { $in: storedAppIds(appId, this.defaultAppId) } },
        { orderBy: { sort: 'desc', id: 'asc' }, disableIdentityMap: true },
      );
    return rows.map((row) => toGoods(row, this.defaultAppId));
  }

  /** Admin: adds goods under a new id (of the default mini-program unless the draft names one). */
  async create(draft: GoodsDraft): Promise<Goods> {
    const now = toUnixSeconds(this.clock.now());
    const appId = draft.appId ?? this.defaultAppId;
    const id = await this.orm.em
      .fork()
      .insert(GoodsRecord, { ...toGoodsColumns({ ...draft, id: 0 }), appId, addTime: now, updateTime: now });
    return { ...draft, appId, id: Number(id) };
  }

  /** Every goods item, offline ones too, by id. */
  async listAll(): Promise<Goods[]> {
    const rows = await this.orm.em.fork().find(GoodsRecord, {}, { orderBy: { id: 'asc' }, disableIdentityMap: true });
    return rows.map((row) => toGoods(row, this.defaultAppId));
  }

  /** Admin: changes existing goods only (the update time moves, so an existing row always counts as changed). */
  async update(goods: GoodsChange): Promise<'updated' | 'notFound'> {
    const changed = await this.orm.em
      .fork()
      .nativeUpdate(GoodsRecord, { id: goods.id }, { ...toGoodsColumns(goods), updateTime: toUnixSeconds(this.clock.now()) });
    return changed > 0 ? 'updated' : 'notFound';
  }

  /** Seeding and tests: stores the goods under this id, creating the row when absent. Not for callers' ids. */
  async save(goods: Goods): Promise<void> {
    const columns = { ...toGoodsColumns(goods), appId: goods.appId };
    const now = toUnixSeconds(this.clock.now());
    for (let attempt = 0; attempt < 2; attempt++) {
      const em = this.orm.em.fork();
      if ((await em.nativeUpdate(GoodsRecord, { id: goods.id }, { ...columns, updateTime: now })) > 0) return;
      try {
        await em.insert(GoodsRecord, { id: goods.id, ...columns, addTime: now, updateTime: now });
        return;
      } catch (error) {
        if (attempt > 0) throw error; // a concurrent save inserted it first: update that row instead
      }
    }
  }
}
