import { Money } from '../../domain/money.js';
import type { Goods } from '../../domain/goods.js';
import type { GoodsRecord } from './goods-record.js';
import { appIdOf } from './app-id-column.js';

/**
 * The seed's prices are yuan (decimal(12,2) since prices go to the fen); the domain counts fen. Both ways go through
 * the digits, never through a float: "19.90" → 1990 and back. SQLite hands a decimal back as a number (19.9), whose
 * shortest text is exactly the decimal stored, since a price has far fewer than the 15 digits a double keeps.
 */
export function yuanToMoney(yuan: string | number): Money {
  const m = /^(\d{1,10})(?:\.(\d{1,2})0*)?$/.exec(String(yuan));
  if (!m) throw new RangeError(`shop_goods_info holds a price that is not yuan to the fen: ${String(yuan)}`);
  return Money.ofFen(Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')));
}

/** Fen as the decimal column takes yuan: 1990 → "19.90". */
export const moneyToYuan = (money: Money): string => `${Math.floor(money.fen / 100)}.${String(money.fen % 100).padStart(2, '0')}`;

/** The columns a Goods is read from. */
export type GoodsColumns = Pick<GoodsRecord, 'id' | 'appId' | 'name' | 'marketPrice' | 'salePrice' | 'integral' | 'isOnline'>;

export function toGoods(row: GoodsColumns, defaultAppId: string): Goods {
  return {
    id: row.id,
    appId: appIdOf(row.appId, defaultAppId),
    name: row.name ?? '',
    marketPrice: yuanToMoney(row.marketPrice ?? 0),
    salePrice: yuanToMoney(row.salePrice ?? 0),
    integral: row.integral ?? 0,
    // NULL is_online is read as offline: nothing is sold unless the row clearly says so.
    online: row.isOnline !== null && Number(row.isOnline) !== 0,
  };
}

/** The columns the domain owns; descriptions, pictures and sort stay as the admin left them. */
export function toGoodsColumns(
  goods: Omit<Goods, 'appId'>,
): Pick<GoodsRecord, 'name' | 'marketPrice' | 'salePrice' | 'integral' | 'isOnline'> {
  return {
    name: goods.name,
    marketPrice: moneyToYuan(goods.marketPrice),
    salePrice: moneyToYuan(goods.salePrice),
    integral: goods.integral,
    isOnline: goods.online ? 1 : 0,
  };
}
