import type { GoodsAdmin, GoodsDraft } from '../../../src/application/ports/goods-catalog.js';
import type { Goods } from '../../../src/domain/goods.js';

export class InMemoryGoodsCatalog implements GoodsAdmin {
  private readonly goods = new Map<number, Goods>();

  constructor(initial: readonly Goods[] = []) {
    for (const g of initial) this.goods.set(g.id, g);
  }

  async findById(id: number): Promise<Goods | undefined> {
    await Promise.resolve();
    return this.goods.get(id);
  }

  async listOnline(): Promise<Goods[]> {
    await Promise.resolve();
    return [...this.goods.values()].filter((g) => g.online).sort((a, b) => a.id - b.id);
  }

  async create(draft: GoodsDraft): Promise<Goods> {
    await Promise.resolve();
    const goods = { ...draft, id: Math.max(0, ...this.goods.keys()) + 1 };
    this.goods.set(goods.id, goods);
    return goods;
  }

  async listAll(): Promise<Goods[]> {
    await Promise.resolve();
    return [...this.goods.values()].sort((a, b) => a.id - b.id);
  }

  async update(goods: Goods): Promise<'updated' | 'notFound'> {
    await Promise.resolve();
    if (!this.goods.has(goods.id)) return 'notFound';
    this.goods.set(goods.id, goods);
    return 'updated';
  }

  /** Seeding and tests: stores the goods under its id. */
  async save(goods: Goods): Promise<void> {
    await Promise.resolve();
    this.goods.set(goods.id, goods);
  }
}
