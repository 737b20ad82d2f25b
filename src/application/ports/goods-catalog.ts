import type { Goods } from '../../domain/goods.js';

export interface GoodsCatalog {
  findById(id: number): Promise<Goods | undefined>;
  listOnline(): Promise<Goods[]>;
}

export type GoodsDraft = Omit<Goods, 'id'>;

/** Catalogue maintenance for operators. */
export interface GoodsAdmin extends GoodsCatalog {
  /** Every goods item, offline ones too, by id. */
  listAll(): Promise<Goods[]>;
  /** Adds goods under a new id the storage chooses. */
  create(draft: GoodsDraft): Promise<Goods>;
  /** Changes existing goods; never creates (a caller-chosen id could exhaust the id counter). */
  update(goods: Goods): Promise<'updated' | 'notFound'>;
}
