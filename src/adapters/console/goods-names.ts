import type { GoodsAdmin } from '../../application/ports/goods-catalog.js';
import type { GoodsNames } from './pages/orders.js';

/** Every goods id with its name, for the order tables (the catalogue is small: read whole, per page). */
export async function goodsNames(goods: GoodsAdmin): Promise<GoodsNames> {
  return new Map((await goods.listAll()).map((g) => [g.id, g.name]));
}
