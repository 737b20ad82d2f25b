import { EntitySchema } from '@mikro-orm/core';

/** The seed's `shop_goods_info`, column for column. Prices are yuan to the fen (decimal); times are int unix seconds. */
export class GoodsRecord {
  id!: number;
  name!: string | null;
  note!: string | null;
  /** Yuan as the driver gives a decimal back: "19.90" (MySQL), or the number 19.9 (SQLite, read as its text). */
  marketPrice!: string | null;
  salePrice!: string | null;
  integral!: number | null;
  mainThumbnail!: string | null;
  thumbnail1!: string | null;
  thumbnail2!: string | null;
  thumbnail3!: string | null;
  thumbnail4!: string | null;
  thumbnail5!: string | null;
  content!: string | null;
  addTime!: number | null;
  updateTime!: number | null;
  isOnline!: number | null;
  /** Larger first (the seed's "越大越靠前"). */
  sort!: number | null;
  // Added by Migration20261207000014MiniPrograms.
  /** The mini-program's appid; '' for the seed's goods: the default one's. */
  appId!: string;
}

export const GOODS_TABLE = 'shop_goods_info';

const int = (fieldName: string) => ({ type: 'integer', fieldName, nullable: true }) as const;
const yuan = (fieldName: string) => ({ type: 'decimal', precision: 12, scale: 2, fieldName, nullable: true }) as const;
const str = (fieldName: string, length: number) => ({ type: 'string', fieldName, length, nullable: true }) as const;

export const GoodsRecordSchema = new EntitySchema<GoodsRecord>({
  class: GoodsRecord,
  tableName: GOODS_TABLE,
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    name: str('name', 100),
    note: str('note', 300),
    marketPrice: yuan('market_price'),
    salePrice: yuan('sale_price'),
    integral: int('integral'),
    mainThumbnail: str('main_thumbnail', 40),
    thumbnail1: str('thumbnail1', 40),
    thumbnail2: str('thumbnail2', 40),
    thumbnail3: str('thumbnail3', 40),
    thumbnail4: str('thumbnail4', 40),
    thumbnail5: str('thumbnail5', 40),
    content: { type: 'text', fieldName: 'content', nullable: true },
    addTime: int('add_time'),
    updateTime: int('update_time'),
    isOnline: { type: 'tinyint', fieldName: 'is_online', nullable: true },
    sort: int('sort'),
    appId: { type: 'string', fieldName: 'app_id', length: 32, default: '' },
  },
});
