import type { Money } from './money.js';

/** A product of the shop as the catalogue holds it; what an order pays for it depends on the paid type (paid-type.ts). */
export interface Goods {
  readonly id: number;
  /** The mini-program (appid) selling it: only its users see it and can order it. */
  readonly appId: string;
  readonly name: string;
  readonly marketPrice: Money;
  readonly salePrice: Money;
  /** Health coins (健康币) due on top of the sale price. */
  readonly integral: number;
  readonly online: boolean;
}

/**
 * The seed's pricing (paid-type.ts): a WeChat Pay buyer pays the market price (原价) in cash; a buyer paying with
 * coins (INTEGRAL, MIXED) pays the sale price (售价) in cash plus the goods' coins. A sale price above the market price
 * would charge the buyer who also spends coins more cash than the one who spends none: never a price anyone means.
 */
export const salePriceAboveMarketPrice = (goods: Pick<Goods, 'marketPrice' | 'salePrice'>): boolean =>
  goods.salePrice.fen > goods.marketPrice.fen;
