import type { Goods } from '../../domain/goods.js';

export interface GoodsCatalog {
  findById(id: number): Promise<Goods | undefined>;
  /** Online goods of one mini-program (absent: the default one). */
  listOnline(appId?: string): Promise<Goods[]>;
}

/** New goods; without an appid, the default mini-program's. */
export type GoodsDraft = Omit<Goods, 'id' | 'appId'> & { readonly appId?: string };

/** What an operator changes of existing goods: everything but the mini-program selling them. */
export type GoodsChange = Omit<Goods, 'appId'>;

/** Catalogue maintenance for operators. */
export interface GoodsAdmin extends GoodsCatalog {
  /** Every goods item, offline ones too, by id. */
  listAll(): Promise<Goods[]>;
  /** Adds goods under a new id the storage chooses. */
  create(draft: GoodsDraft): Promise<Goods>;
  /** Changes existing goods; never creates (a caller-chosen id could exhaust the id counter), never moves them to another mini-program. */
  update(goods: GoodsChange): Promise<'updated' | 'notFound'>;
}
