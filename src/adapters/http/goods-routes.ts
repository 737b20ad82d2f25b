import { Router, type Request, type Response } from 'express';
import type { GoodsCatalog } from '../../application/ports/goods-catalog.js';
import type { Goods } from '../../domain/paid-type.js';
import { sendError, sendOk } from './envelope.js';

/** Public catalogue: online goods only, prices in fen, as the prepay endpoint will charge them. */
export function goodsRoutes(goods: GoodsCatalog): Router {
  const router = Router();

  router.get('/goods', async (_req: Request, res: Response) => {
    sendOk(res, (await goods.listOnline()).map(goodsView));
  });

  router.get('/goods/:id', async (req: Request<{ id: string }>, res: Response) => {
    if (!/^[1-9]\d{0,9}$/.test(req.params.id)) return sendError(res, 400, 'goods id must be a positive integer');
    const found = await goods.findById(Number(req.params.id));
    if (!found || !found.online) return sendError(res, 404, 'goods not found');
    sendOk(res, goodsView(found));
  });

  return router;
}

export const goodsView = (g: Goods) => ({
  id: g.id,
  name: g.name,
  marketPrice: g.marketPrice.fen,
  salePrice: g.salePrice.fen,
  integral: g.integral,
  online: g.online,
});
