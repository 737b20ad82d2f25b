import type { GoodsAdmin, GoodsChange, GoodsDraft } from '../../../src/application/ports/goods-catalog.js';
import type { Goods } from '../../../src/domain/goods.js';
import { SAMPLE_MERCHANT } from '../../../src/adapters/wechatpay/shared/sample-merchant.js';

export class InMemoryGoodsCatalog implements GoodsAdmin {
  private readonly goods = new Map<number, Goods>();

  constructor(
    initial: readonly Goods[] = [],
    /** The mini-program a draft without an appid, or a listing without one, is for. */
    private readonly defaultAppId: string = SAMPLE_MERCHANT.appId,
  ) {
    for (const g of initial) this.goods.set(g.id, g);
  }

  async findById(id: number): Promise<Goods | undefined> {
    await Promise.resolve();
    return this.goods.get(id);
  }

  async listOnline(appId = this.defaultAppId): Promise<Goods[]> {
    await Promise.resolve();
    return [...this.goods.values()].filter((g) => g.online && g.appId === appId).sort((a, b) => a.id - b.id);
  }

  async create(draft: GoodsDraft): Promise<Goods> {
    await Promise.resolve();
    const goods = { ...draft, appId: draft.appId ?? this.defaultAppId, id: Math.max(0, ...this.goods.keys()) + 1 };
    this.goods.set(goods.id, goods);
    return goods;
  }

  async listAll(): Promise<Goods[]> {
    await Promise.resolve();
    return [...this.goods.values()].sort((a, b) => a.id - b.id);
  }

  async update(goods: GoodsChange): Promise<'updated' | 'notFound'> {
    await Promise.resolve();
    const stored = this.goods.get(goods.id);
    if (!stored) return 'notFound';
    this.goods.set(goods.id, { ...goods, appId: stored.appId });
    return 'updated';
  }

  /** Seeding and tests: stores the goods under its id. */
  async save(goods: Goods): Promise<void> {
    await Promise.resolve();
    this.goods.set(goods.id, goods);
  }
}
