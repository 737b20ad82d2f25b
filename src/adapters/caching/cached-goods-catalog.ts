import type { GoodsAdmin, GoodsChange, GoodsDraft } from '../../application/ports/goods-catalog.js';
import type { Goods } from '../../domain/goods.js';
import { TtlCache } from './ttl-cache.js';

/** A change made through another instance (or by hand in the database) is seen within this long. */
export const GOODS_CACHE_MS = 1_000;

/**
 * Every prepay reads its goods; the catalogue changes a few times a day. Lookups by id are kept for a second, and a
 * change through this instance drops them at once. A price change made elsewhere reaches prepays here within that
 * second: an order prices itself once, when it opens, so no order is ever charged two prices.
 */
export class CachedGoodsCatalog implements GoodsAdmin {
  private readonly byId: TtlCache<number, Goods | undefined>;

  constructor(
    private readonly catalog: GoodsAdmin,
    ttlMs = GOODS_CACHE_MS,
    nowMs?: () => number,
  ) {
    this.byId = new TtlCache(ttlMs, 1_000, nowMs);
  }

  findById(id: number): Promise<Goods | undefined> {
    return this.byId.get(id, () => this.catalog.findById(id));
  }

  listOnline(appId?: string): Promise<Goods[]> {
    return this.catalog.listOnline(appId);
  }

  listAll(): Promise<Goods[]> {
    return this.catalog.listAll();
  }

  async create(draft: GoodsDraft): Promise<Goods> {
    const goods = await this.catalog.create(draft);
    this.byId.delete(goods.id);
    return goods;
  }

  async update(goods: GoodsChange): Promise<'updated' | 'notFound'> {
    try {
      return await this.catalog.update(goods);
    } finally {
      this.byId.delete(goods.id);
    }
  }
}
