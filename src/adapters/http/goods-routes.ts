import { Router, type Request, type Response } from 'express';
import type { GoodsCatalog } from '../../application/ports/goods-catalog.js';
import type { MiniPrograms } from '../../application/ports/mini-programs.js';
import type { MiniProgramLocals } from './auth.js';
import { perMiniProgram } from './mini-program-paths.js';
import type { Goods } from '../../domain/goods.js';
import { sendError, sendOk } from './envelope.js';
import { GoodsIdPath } from './request-schemas.js';
import type { GoodsView } from './response-schemas.js';

/**
 * Public catalogue: online goods only, prices in fen, as the prepay endpoint will charge them; each mini-program's
 * own (perMiniProgram), another's goods are not found.
 */
export function goodsRoutes(goods: GoodsCatalog, miniPrograms: MiniPrograms): Router {
  const router = Router();

  router.get('/goods', async (_req: Request, res: Response<unknown, MiniProgramLocals>) => {
    sendOk(res, (await goods.listOnline(res.locals.appId)).map(goodsView));
  });

  router.get('/goods/:id', async (req: Request<{ id: string }>, res: Response<unknown, MiniProgramLocals>) => {
    const input = GoodsIdPath.parse({ path: req.params });
    if (!input.ok) return sendError(res, 400, input.error);
    const found = await goods.findById(input.value.id);
    if (!found || !found.online || found.appId !== res.locals.appId) return sendError(res, 404, 'goods not found');
    sendOk(res, goodsView(found));
  });

  return perMiniProgram(miniPrograms, router);
}

export const goodsView = (g: Goods): GoodsView => ({
  id: g.id,
  name: g.name,
  marketPrice: g.marketPrice.fen,
  salePrice: g.salePrice.fen,
  integral: g.integral,
  online: g.online,
});
