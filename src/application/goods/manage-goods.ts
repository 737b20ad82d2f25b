import { salePriceAboveMarketPrice, type Goods } from '../../domain/goods.js';
import { err, ok, type Result } from '../../domain/result.js';
import { catalogueMerchant, coversMerchant, PLATFORM, type ShopScope } from '../../domain/shop-scope.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { Clock } from '../ports/clock.js';
import type { GoodsAdmin, GoodsChange, GoodsDraft } from '../ports/goods-catalog.js';

export type GoodsError = { readonly kind: 'GoodsNotFound' } | { readonly kind: 'SalePriceAboveMarketPrice' };

const PRICE_ABOVE: GoodsError = { kind: 'SalePriceAboveMarketPrice' };

/** An audit entry's picture of goods: prices in fen, as the API shows them. */
const snapshot = (g: GoodsChange) => ({
  name: g.name,
  marketPrice: g.marketPrice.fen,
  salePrice: g.salePrice.fen,
  integral: g.integral,
  online: g.online,
});

/**
 * Operators create and change goods (prices, coins, online/offline); every change is audited with what the goods
 * looked like before. Changing a price never touches open orders: the reuse rule opens a new order at the new price.
 */
export class ManageGoods {
  constructor(
    private readonly goods: GoodsAdmin,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /**
   * `scope`: the shops the actor answers for. Goods belong to the catalogue's merchant (domain/shop-scope
   * catalogueMerchant): an actor who does not hold it can neither create nor find any.
   */
  async create(draft: GoodsDraft, actor: string, scope: ShopScope = PLATFORM): Promise<Result<Goods, GoodsError>> {
    if (!coversMerchant(scope, catalogueMerchant())) return err({ kind: 'GoodsNotFound' });
    if (salePriceAboveMarketPrice(draft)) return err(PRICE_ABOVE);
    const created = await this.goods.create(draft);
    await this.audit.record({
      at: this.clock.now(),
      actor,
      action: 'goods.created',
      subject: `goods:${created.id}`,
      after: snapshot(created),
      merchantId: catalogueMerchant(),
    });
    return ok(created);
  }

  async update(goods: GoodsChange, actor: string, scope: ShopScope = PLATFORM): Promise<Result<Goods, GoodsError>> {
    if (!coversMerchant(scope, catalogueMerchant())) return err({ kind: 'GoodsNotFound' });
    if (salePriceAboveMarketPrice(goods)) return err(PRICE_ABOVE);
    const before = await this.goods.findById(goods.id);
    if (!before || (await this.goods.update(goods)) === 'notFound') return err({ kind: 'GoodsNotFound' });
    await this.audit.record({
      at: this.clock.now(),
      actor,
      action: 'goods.updated',
      subject: `goods:${goods.id}`,
      before: snapshot(before),
      after: snapshot(goods),
      merchantId: catalogueMerchant(),
    });
    return ok({ ...goods, appId: before.appId });
  }
}
