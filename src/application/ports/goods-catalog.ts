import type { Goods } from '../../domain/paid-type.js';

export interface GoodsCatalog {
  findById(id: number): Promise<Goods | undefined>;
  listOnline(): Promise<Goods[]>;
}

export type GoodsDraft = Omit<Goods, 'id'>;

/** Catalogue maintenance for the admin API. */
export interface GoodsAdmin extends GoodsCatalog {
  create(draft: GoodsDraft): Promise<Goods>;
  /** Updates the goods with this id (or stores it under that id when missing). */
  save(goods: Goods): Promise<void>;
}
