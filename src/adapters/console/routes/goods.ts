import type { Request } from 'express';
import { Money } from '../../../domain/money.js';
import type { GoodsDraft } from '../../../application/ports/goods-catalog.js';
import { errorResponse } from '../../http/error-status.js';
import { idOf, LIMITS, textOf, wholeNumber } from '../../http/input.js';
import { err, ok, type Result } from '../../../domain/result.js';
import type { ConsoleRoutes } from '../guarded-routes.js';
import { sendError } from '../guarded-routes.js';
import { merchantOfApp } from '../../../application/ports/mini-programs.js';
import type { Goods } from '../../../domain/goods.js';
import { coversMerchantOf } from '../../../domain/shop-scope.js';
import { actorOf, operatorOf, scopeOf, type ConsoleContext, type ConsoleResponse } from '../context.js';
import type { ConsoleDeps } from '../deps.js';
import { parseYuan } from '../format.js';
import { href } from '../html.js';
import { errorFlash, flashOf, refusalFlash, send } from '../layout.js';
import { EMPTY_GOODS_FORM, formOf, goodsEditPage, goodsListPage, goodsOfflineConfirmPage, type GoodsForm } from '../pages/goods.js';

const text = (req: Request, name: string): string => {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim() : '';
};

const formFrom = (req: Request): GoodsForm => ({
  name: text(req, 'name'),
  market_price: text(req, 'market_price'),
  sale_price: text(req, 'sale_price'),
  integral: text(req, 'integral') || '0',
  online: text(req, 'online') === '1',
});

/** Prices typed in yuan, to the fen, read exactly (parseYuan works on the digits, never a float); never rounded. */
function draftOf(ctx: ConsoleContext, form: GoodsForm): Result<GoodsDraft, string> {
  const name = textOf(form.name, ctx.t('col.name'), { max: LIMITS.goodsName, threeByteUtf8: true });
  if (!name.ok) return name;
  const prices: Money[] = [];
  for (const [value, label] of [
    [form.market_price, ctx.t('col.marketPrice')],
    [form.sale_price, ctx.t('col.salePrice')],
  ] as const) {
    const fen = parseYuan(value);
    if (fen === undefined) return err(ctx.t('goods.yuan', { field: label }));
    prices.push(Money.ofFen(fen));
  }
  const integral = wholeNumber(form.integral, ctx.t('col.coins'), 0, LIMITS.goodsCoins);
  if (!integral.ok) return integral;
  const [marketPrice, salePrice] = prices as [Money, Money];
  return ok({ name: name.value, marketPrice, salePrice, integral: integral.value, online: form.online });
}

/** Goods that are online would go offline, and the operator has not confirmed it yet (the confirmation page asks). */
const stoppingSales = (req: Request, onlineNow: boolean, onlineAfter: boolean): boolean =>
  onlineNow && !onlineAfter && text(req, 'confirm') !== 'yes';

/** Goods are the shop's their mini-program sells through: an operator sees those of the shops they hold. */
const holds = (res: ConsoleResponse, deps: ConsoleDeps, goods: Goods): boolean =>
  coversMerchantOf(scopeOf(res), merchantOfApp(deps.miniPrograms, goods.appId));

async function catalogueOf(res: ConsoleResponse, deps: ConsoleDeps): Promise<Goods[]> {
  return (await deps.goods.listAll()).filter((goods) => holds(res, deps, goods));
}

/** Another shop's goods are not found, as goods nobody created. */
async function goodsOf(res: ConsoleResponse, deps: ConsoleDeps, id: number): Promise<Goods | undefined> {
  const goods = await deps.goods.findById(id);
  return goods && holds(res, deps, goods) ? goods : undefined;
}

/** The catalogue: everyone reads it; admins create goods, change them and take them on- or offline. */
export function goodsRoutes(routes: ConsoleRoutes, deps: ConsoleDeps): void {
  routes.page('/console/goods', 'read', async (req, res) => {
    const ctx = res.locals.console;
    send(res, 200, goodsListPage(ctx, await catalogueOf(res, deps), EMPTY_GOODS_FORM, flashOf(req, ctx)));
  });

  routes.page('/console/goods/:id', 'manageGoods', async (req, res) => {
    const ctx = res.locals.console;
    const id = idOf(req.params.id, 'id');
    const goods = id.ok ? await goodsOf(res, deps, id.value) : undefined;
    if (!goods) return sendError(res, 404, 'goods.notFound');
    send(res, 200, goodsEditPage(ctx, goods.id, formOf(goods), flashOf(req, ctx)));
  });

  routes.action('/console/goods', 'manageGoods', async (req, res) => {
    const ctx = res.locals.console;
    const form = formFrom(req);
    const draft = draftOf(ctx, form);
    if (!draft.ok) return send(res, 400, goodsListPage(ctx, await catalogueOf(res, deps), form, errorFlash(ctx, draft.error)));
    const created = await deps.manageGoods.create(draft.value, actorOf(operatorOf(res).operator), scopeOf(res));
    if (!created.ok) {
      const refused = refusalFlash(ctx, created.error);
      return send(res, errorResponse(created.error).status, goodsListPage(ctx, await catalogueOf(res, deps), form, refused));
    }
    res.redirect(303, href(['goods'], { done: 'goods' }));
  });

  routes.action('/console/goods/:id', 'manageGoods', async (req, res) => {
    const ctx = res.locals.console;
    const id = idOf(req.params.id, 'id');
    if (!id.ok) return sendError(res, 404, 'goods.notFound');
    const form = formFrom(req);
    const draft = draftOf(ctx, form);
    if (!draft.ok) return send(res, 400, goodsEditPage(ctx, id.value, form, errorFlash(ctx, draft.error)));
    const stored = await goodsOf(res, deps, id.value);
    if (stored && stoppingSales(req, stored.online, form.online)) {
      const { name, market_price, sale_price, integral } = form;
      return send(res, 200, goodsOfflineConfirmPage(ctx, stored, href(['goods', id.value]), { name, market_price, sale_price, integral }));
    }
    const result = await deps.manageGoods.update({ ...draft.value, id: id.value }, actorOf(operatorOf(res).operator), scopeOf(res));
    if (!result.ok)
      return send(res, errorResponse(result.error).status, goodsEditPage(ctx, id.value, form, refusalFlash(ctx, result.error)));
    res.redirect(303, href(['goods'], { done: 'goods' }));
  });

  // Online/offline alone, through the same use case as a full edit: the rest of the goods stays as stored.
  routes.action('/console/goods/:id/online', 'manageGoods', async (req, res) => {
    const id = idOf(req.params.id, 'id');
    const goods = id.ok ? await goodsOf(res, deps, id.value) : undefined;
    if (!goods) return sendError(res, 404, 'goods.notFound');
    const online = text(req, 'online') === '1';
    if (stoppingSales(req, goods.online, online)) {
      return send(res, 200, goodsOfflineConfirmPage(res.locals.console, goods, href(['goods', goods.id, 'online']), { online: '0' }));
    }
    const result = await deps.manageGoods.update({ ...goods, online }, actorOf(operatorOf(res).operator), scopeOf(res));
    if (!result.ok) {
      const ctx = res.locals.console;
      return send(
        res,
        errorResponse(result.error).status,
        goodsListPage(ctx, await catalogueOf(res, deps), EMPTY_GOODS_FORM, refusalFlash(ctx, result.error)),
      );
    }
    res.redirect(303, href(['goods'], { done: 'goods' }));
  });
}
