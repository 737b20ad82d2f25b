import { salePriceAboveMarketPrice, type Goods } from '../../domain/goods.js';
import { err, ok, type Result } from '../../domain/result.js';
import { coversMerchantOf, PLATFORM, type ShopScope } from '../../domain/shop-scope.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { Clock } from '../ports/clock.js';
import type { GoodsAdmin, GoodsChange, GoodsDraft } from '../ports/goods-catalog.js';
import { merchantOfApp, type MiniPrograms } from '../ports/mini-programs.js';

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
    private readonly miniPrograms: MiniPrograms,
  ) {}

  /**
   * `scope`: the shops the actor answers for. Goods belong to the merchant their mini-program sells through: an actor
   * who does not hold it can neither create them nor find them.
   */
  async create(draft: GoodsDraft, actor: string, scope: ShopScope = PLATFORM): Promise<Result<Goods, GoodsError>> {
    const merchantId = merchantOfApp(this.miniPrograms, draft.appId ?? this.miniPrograms.defaultAppId);
    if (!coversMerchantOf(scope, merchantId)) return err({ kind: 'GoodsNotFound' });
    if (salePriceAboveMarketPrice(draft)) return err(PRICE_ABOVE);
    const created = await this.goods.create(draft);
    await this.audit.record({
      at: this.clock.now(),
      actor,
      action: 'goods.created',
      subject: `goods:${created.id}`,
      after: snapshot(created),
      ...(merchantId === undefined ? {} : { merchantId }),
    });
    return ok(created);
  }

  async update(goods: GoodsChange, actor: string, scope: ShopScope = PLATFORM): Promise<Result<Goods, GoodsError>> {
    if (salePriceAboveMarketPrice(goods)) return err(PRICE_ABOVE);
    const before = await this.goods.findById(goods.id);
    const merchantId = before && merchantOfApp(this.miniPrograms, before.appId);
    // Another shop's goods are answered as no goods, before anything is written.
    if (!before || !coversMerchantOf(scope, merchantId)) return err({ kind: 'GoodsNotFound' });
    if ((await this.goods.update(goods)) === 'notFound') return err({ kind: 'GoodsNotFound' });
    await this.audit.record({
      at: this.clock.now(),
      actor,
      action: 'goods.updated',
      subject: `goods:${goods.id}`,
      before: snapshot(before),
      after: snapshot(goods),
      ...(merchantId === undefined ? {} : { merchantId }),
    });
    return ok({ ...goods, appId: before.appId });
  }
}
