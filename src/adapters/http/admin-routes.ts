import express, { Router, type Request, type Response } from 'express';
import type { Clock } from '../../application/ports/clock.js';
import type { GoodsAdmin } from '../../application/ports/goods-catalog.js';
import type { IntegralLedger } from '../../application/ports/integral-ledger.js';
import type { OrderRepository } from '../../application/ports/order-repository.js';
import type { RefundOrder } from '../../application/refund-order.js';
import { Money } from '../../domain/money.js';
import type { Order } from '../../domain/order.js';
import { ORDER_STATUSES, type OrderStatus } from '../../domain/order-status.js';
import { requireAdmin } from './auth.js';
import { sendError, sendOk } from './envelope.js';
import { errorResponse } from './error-status.js';
import { goodsView } from './goods-routes.js';
import { orderView } from './wechat-routes.js';

export interface AdminRoutesDeps {
  readonly adminToken?: string;
  readonly orders: OrderRepository;
  readonly goods: GoodsAdmin;
  readonly refundOrder: RefundOrder;
  readonly ledger: IntegralLedger;
  readonly clock: Clock;
  /** Runs reconciliation once now and returns its report. */
  readonly reconcileNow: () => Promise<unknown>;
  /** Reconciles one day's WeChat trade bill (yyyyMMdd; default yesterday, Beijing). */
  readonly reconcileBill: (date?: string) => Promise<unknown>;
}

/** `/admin/...`: bearer ADMIN_TOKEN; absent token configuration turns the whole API off (404). */
export function adminRoutes(deps: AdminRoutesDeps): Router {
  const router = Router();
  router.use('/admin', requireAdmin(deps.adminToken), express.json({ limit: '16kb' }));

  router.get('/admin/orders', async (req: Request, res: Response) => {
    const q = req.query as Record<string, unknown>;
    const status = q.status === undefined ? undefined : String(q.status);
    if (status !== undefined && !(ORDER_STATUSES as readonly string[]).includes(status)) {
      return sendError(res, 400, 'status must be CHECKED, SUCC, FAILED or REFUND');
    }
    const uid = optionalInt(q.uid, 1);
    const limit = optionalInt(q.limit, 1) ?? 50;
    const offset = optionalInt(q.offset, 0) ?? 0;
    if (uid === null || limit === null || offset === null || limit > 100)
      return sendError(res, 400, 'uid, limit (1-100) and offset must be integers');
    const orders = await deps.orders.list({
      ...(status !== undefined && { status: status as OrderStatus }),
      ...(uid !== undefined && { uid }),
      limit,
      offset,
    });
    sendOk(res, orders.map(adminOrderView));
  });

  router.get('/admin/orders/:outTradeNo', async (req: Request<{ outTradeNo: string }>, res: Response) => {
    const order = await deps.orders.findByOutTradeNo(req.params.outTradeNo);
    if (!order) return sendError(res, 404, 'order not found');
    sendOk(res, adminOrderView(order));
  });

  router.post('/admin/orders/:outTradeNo/refund', async (req: Request<{ outTradeNo: string }>, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    let amount: Money | undefined;
    if (body.amount !== undefined) {
      amount =
        typeof body.amount === 'number' && Number.isSafeInteger(body.amount) && body.amount > 0 ? Money.ofFen(body.amount) : undefined;
      if (!amount) return sendError(res, 400, 'amount must be a positive integer number of fen');
    }
    const requestKey = req.get('idempotency-key');
    if (requestKey !== undefined && !/^[\x21-\x7e]{1,64}$/.test(requestKey)) {
      return sendError(res, 400, 'Idempotency-Key must be 1 to 64 printable ASCII characters');
    }
    const result = await deps.refundOrder.execute({
      outTradeNo: req.params.outTradeNo,
      ...(amount ? { amount } : {}),
      ...(requestKey ? { requestKey } : {}),
    });
    if (!result.ok) {
      const { status, reason } = errorResponse(result.error);
      return sendError(res, status, reason);
    }
    sendOk(res, result.value);
  });

  router.post('/admin/goods', async (req: Request, res: Response) => {
    const draft = goodsDraft(req.body);
    if (typeof draft === 'string') return sendError(res, 400, draft);
    sendOk(res, goodsView(await deps.goods.create(draft)));
  });

  router.put('/admin/goods/:id', async (req: Request<{ id: string }>, res: Response) => {
    const id = optionalInt(req.params.id, 1);
    if (id === undefined || id === null) return sendError(res, 400, 'goods id must be a positive integer');
    const draft = goodsDraft(req.body);
    if (typeof draft === 'string') return sendError(res, 400, draft);
    await deps.goods.save({ ...draft, id });
    sendOk(res, goodsView({ ...draft, id }));
  });

  router.post('/admin/integral/grant', async (req: Request, res: Response) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const uid = optionalInt(b.uid, 1);
    const amount = optionalInt(b.amount, 1);
    const grantId = b.grant_id;
    if (uid === undefined || uid === null || amount === undefined || amount === null || amount > 1_000_000_000) {
      return sendError(res, 400, 'uid and amount (1 to 1,000,000,000 coins) must be positive integers');
    }
    if (typeof grantId !== 'string' || !/^[\w-]{1,64}$/.test(grantId)) {
      return sendError(res, 400, 'grant_id is required (up to 64 letters, digits, _ or -): it makes a retried grant harmless');
    }
    const result = await deps.ledger.grant(uid, amount, `${uid}:${grantId}`, deps.clock.now());
    sendOk(res, { result, balance: await deps.ledger.balanceOf(uid) });
  });

  router.post('/admin/reconcile-bill', async (req: Request, res: Response) => {
    const date = ((req.body ?? {}) as Record<string, unknown>).date;
    if (date !== undefined && (typeof date !== 'string' || !/^\d{8}$/.test(date))) return sendError(res, 400, 'date must be yyyyMMdd');
    sendOk(res, await deps.reconcileBill(date));
  });

  router.post('/admin/reconcile', async (_req: Request, res: Response) => {
    sendOk(res, (await deps.reconcileNow()) ?? { ran: false, reason: 'another instance is reconciling' });
  });

  return router;
}

const adminOrderView = (order: Order) => ({
  ...orderView(order),
  uid: order.state.uid,
  createdAt: Math.floor(order.state.createdAt.getTime() / 1000),
  needsReview: order.needsReview,
  reviewReason: order.state.review?.reason ?? null,
  refundableMoney: order.refundableFen,
  refunds: order.state.refunds.map((r) => ({
    outRefundNo: r.outRefundNo,
    amount: r.amount.fen,
    status: r.status,
    requestedAt: Math.floor(r.requestedAt.getTime() / 1000),
    settledAt: r.settledAt ? Math.floor(r.settledAt.getTime() / 1000) : null,
  })),
});

/** undefined when absent, null when present but not an integer ≥ min. */
function optionalInt(value: unknown, min: number): number | undefined | null {
  if (value === undefined || value === '') return undefined;
  const text = String(value);
  return /^\d{1,10}$/.test(text) && Number(text) >= min ? Number(text) : null;
}

/** The seed's goods table keeps whole yuan, so prices must be multiples of 100 fen. */
function goodsDraft(body: unknown) {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const yuanFen = (v: unknown): Money | undefined =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v % 100 === 0 && v <= 2_000_000_000 ? Money.ofFen(v) : undefined;
  const marketPrice = yuanFen(b.market_price);
  const salePrice = yuanFen(b.sale_price);
  if (typeof b.name !== 'string' || b.name.trim() === '' || b.name.length > 100) return 'name is required (at most 100 characters)';
  if (!marketPrice || !salePrice) return 'market_price and sale_price are required, in fen, whole yuan (multiples of 100)';
  const integral = b.integral ?? 0;
  if (typeof integral !== 'number' || !Number.isSafeInteger(integral) || integral < 0 || integral > 99_999_999)
    return 'integral must be a non-negative integer';
  if (b.online !== undefined && typeof b.online !== 'boolean') return 'online must be true or false';
  return { name: b.name.trim(), marketPrice, salePrice, integral, online: b.online !== false };
}
