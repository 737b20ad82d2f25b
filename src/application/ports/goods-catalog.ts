import type { Goods } from '../../domain/paid-type.js';

export interface GoodsCatalog {
  findById(id: number): Promise<Goods | undefined>;
  listOnline(): Promise<Goods[]>;
}
