import type { Money } from './money.js';

/** A product of the shop as the catalogue holds it; what an order pays for it depends on the paid type (paid-type.ts). */
export interface Goods {
  readonly id: number;
  readonly name: string;
  readonly marketPrice: Money;
  readonly salePrice: Money;
  /** Health coins (健康币) due on top of the sale price. */
  readonly integral: number;
  readonly online: boolean;
}
