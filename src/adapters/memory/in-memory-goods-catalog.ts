import type { GoodsCatalog } from '../../application/ports/goods-catalog.js';
import type { Goods } from '../../domain/paid-type.js';

export class InMemoryGoodsCatalog implements GoodsCatalog {
  private readonly goods = new Map<number, Goods>();

  constructor(initial: readonly Goods[] = []) {
    for (const g of initial) this.save(g);
  }

  save(goods: Goods): void {
    this.goods.set(goods.id, goods);
  }

  async findById(id: number): Promise<Goods | undefined> {
    await Promise.resolve();
    return this.goods.get(id);
  }

  async listOnline(): Promise<Goods[]> {
    await Promise.resolve();
    return [...this.goods.values()].filter((g) => g.online).sort((a, b) => a.id - b.id);
  }
}
