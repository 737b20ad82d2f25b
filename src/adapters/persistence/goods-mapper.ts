import { Money } from '../../domain/money.js';
import type { Goods } from '../../domain/goods.js';
import type { GoodsRecord } from './goods-record.js';

const FEN_PER_YUAN = 100;

/** The seed's prices are whole yuan; the domain counts fen. */
export const yuanToMoney = (yuan: number): Money => Money.ofFen(yuan * FEN_PER_YUAN);

/** Refuses amounts the seed's int-yuan columns cannot hold rather than rounding a price. */
export function moneyToYuan(money: Money): number {
  if (money.fen % FEN_PER_YUAN !== 0) {
    throw new RangeError(`${money.fen} fen is not a whole number of yuan: shop_goods_info stores whole yuan`);
  }
  return money.fen / FEN_PER_YUAN;
}

export function toGoods(row: GoodsRecord): Goods {
  return {
    id: row.id,
    name: row.name ?? '',
    marketPrice: yuanToMoney(row.marketPrice ?? 0),
    salePrice: yuanToMoney(row.salePrice ?? 0),
    integral: row.integral ?? 0,
    // NULL is_online is read as offline: nothing is sold unless the row clearly says so.
    online: row.isOnline !== null && Number(row.isOnline) !== 0,
  };
}

/** The columns the domain owns; descriptions, pictures and sort stay as the admin left them. */
export function toGoodsColumns(goods: Goods): Pick<GoodsRecord, 'name' | 'marketPrice' | 'salePrice' | 'integral' | 'isOnline'> {
  return {
    name: goods.name,
    marketPrice: moneyToYuan(goods.marketPrice),
    salePrice: moneyToYuan(goods.salePrice),
    integral: goods.integral,
    isOnline: goods.online ? 1 : 0,
  };
}
