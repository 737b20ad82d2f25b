import express, { Router, type Request, type Response } from 'express';
import type { GrantCoins } from '../../application/grant-coins.js';
import type { ManageGoods } from '../../application/manage-goods.js';
import type { AuditLog } from '../../application/ports/audit-log.js';
import type { GoodsAdmin } from '../../application/ports/goods-catalog.js';
import type { OrderRepository } from '../../application/ports/order-repository.js';
import type { RefundOrder } from '../../application/refund-order.js';
import type { ResolveReview } from '../../application/resolve-review.js';
import { Money } from '../../domain/money.js';
import { ORDER_STATUSES, type OrderStatus } from '../../domain/order-status.js';
import { ok, type Result } from '../../domain/result.js';
import type { Logger } from 'pino';
import { requireAdmin, type AdminLocals } from './auth.js';
import { sendError, sendFailure, sendOk } from './envelope.js';
import { errorResponse } from './error-status.js';
import { goodsView } from './goods-routes.js';
import { all, bodyOf, booleanOf, fenOf, idOf, LIMITS, optional, textOf, tokenOf, wholeNumber } from './input.js';
import { adminOrderView, auditView } from './views.js';
import { outTradeNoParam } from './path-params.js';
import { logRefusal } from './refusals.js';

export interface AdminRoutesDeps {
  readonly adminToken?: string;
  readonly orders: OrderRepository;
  readonly goods: GoodsAdmin;
  readonly manageGoods: ManageGoods;
  readonly refundOrder: RefundOrder;
  readonly resolveReview: ResolveReview;
  readonly grantCoins: GrantCoins;
  readonly audit: AuditLog;
  /** Runs reconciliation once now and returns its report. */
  readonly reconcileNow: () => Promise<unknown>;
  /** Reconciles one day's WeChat trade bill (yyyyMMdd; default yesterday, Beijing). */
  readonly reconcileBill: (date?: string) => Promise<unknown>;
  readonly logger: Logger;
}

type AdminResponse = Response<unknown, AdminLocals>;

/** `/admin/...`: bearer ADMIN_TOKEN; absent token configuration turns the whole API off (404). Every change is audited. */
export function adminRoutes(deps: AdminRoutesDeps): Router {
  const router = Router();
  router.use('/admin', requireAdmin(deps.adminToken), express.json({ limit: '16kb' }));
  router.param('outTradeNo', outTradeNoParam);

  router.get('/admin/orders', async (req: Request, res: AdminResponse) => {
    const filter = orderFilter(req.query as Record<string, unknown>);
    if (!filter.ok) return sendError(res, 400, filter.error);
    sendOk(res, (await deps.orders.list(filter.value)).map(adminOrderView));
  });

  router.get('/admin/orders/:outTradeNo', async (req: Request<{ outTradeNo: string }>, res: AdminResponse) => {
    const order = await deps.orders.findByOutTradeNo(req.params.outTradeNo);
    if (!order) return sendError(res, 404, 'order not found');
    const audit = await deps.audit.list({ subject: req.params.outTradeNo, limit: 100, offset: 0 });
    sendOk(res, { ...adminOrderView(order), audit: audit.map(auditView) });
  });

  router.post('/admin/orders/:outTradeNo/refund', async (req: Request<{ outTradeNo: string }>, res: AdminResponse) => {
    const b = bodyOf(req.body);
    const input = all(
      optional(b.amount, (v) => fenOf(v, 'amount')),
      optional(req.get('idempotency-key'), (v) => tokenOf(v, 'Idempotency-Key')),
      optional(b.reason, (v) => textOf(v, 'reason', { max: 80 })),
    );
    if (!input.ok) return sendError(res, 400, input.error);
    const [amount, requestKey, reason] = input.value;
    const result = await deps.refundOrder.execute({
      outTradeNo: req.params.outTradeNo,
      actor: res.locals.actor,
      ...(amount === undefined ? {} : { amount: Money.ofFen(amount) }),
      ...(requestKey === undefined ? {} : { requestKey }),
      ...(reason === undefined ? {} : { reason }),
    });
    if (!result.ok) {
      if (result.error.kind === 'GatewayRejected') logRefusal(deps.logger, 'refund', result.error);
      return sendFailure(res, errorResponse(result.error));
    }
    sendOk(res, result.value);
  });

  router.post('/admin/orders/:outTradeNo/review/resolve', async (req: Request<{ outTradeNo: string }>, res: AdminResponse) => {
    const note = textOf(bodyOf(req.body).note, 'note', { max: 500 });
    if (!note.ok) return sendError(res, 400, note.error);
    const result = await deps.resolveReview.execute(req.params.outTradeNo, note.value, res.locals.actor);
    if (!result.ok) return sendFailure(res, errorResponse(result.error));
    sendOk(res, adminOrderView(result.value));
  });

  router.get('/admin/goods', async (_req: Request, res: AdminResponse) => {
    sendOk(res, (await deps.goods.listAll()).map(goodsView));
  });

  router.post('/admin/goods', async (req: Request, res: AdminResponse) => {
    const draft = goodsDraft(req.body);
    if (!draft.ok) return sendError(res, 400, draft.error);
    sendOk(res, goodsView(await deps.manageGoods.create(draft.value, res.locals.actor)));
  });

  router.put('/admin/goods/:id', async (req: Request<{ id: string }>, res: AdminResponse) => {
    const id = idOf(req.params.id, 'goods id');
    if (!id.ok) return sendError(res, 400, id.error);
    const draft = goodsDraft(req.body);
    if (!draft.ok) return sendError(res, 400, draft.error);
    const result = await deps.manageGoods.update({ ...draft.value, id: id.value }, res.locals.actor);
    if (!result.ok) return sendFailure(res, errorResponse(result.error));
    sendOk(res, goodsView(result.value));
  });

  router.post('/admin/integral/grant', async (req: Request, res: AdminResponse) => {
    const b = bodyOf(req.body);
    const input = all(idOf(b.uid, 'uid'), wholeNumber(b.amount, 'amount', 1, LIMITS.coins), tokenOf(b.grant_id, 'grant_id'));
    if (!input.ok) return sendError(res, 400, `${input.error} (grant_id makes a retried grant harmless)`);
    const [uid, amount, grantId] = input.value;
    const result = await deps.grantCoins.execute({ uid, amount, grantId, actor: res.locals.actor });
    if (!result.ok) return sendFailure(res, errorResponse(result.error));
    sendOk(res, result.value);
  });

  router.get('/admin/audit', async (req: Request, res: AdminResponse) => {
    const q = req.query as Record<string, unknown>;
    const page = pageOf(q);
    if (!page.ok) return sendError(res, 400, page.error);
    const subject = q.subject === undefined ? undefined : String(q.subject);
    sendOk(res, (await deps.audit.list({ ...page.value, ...(subject === undefined ? {} : { subject }) })).map(auditView));
  });

  router.post('/admin/reconcile-bill', async (req: Request, res: AdminResponse) => {
    const date = bodyOf(req.body).date;
    if (date !== undefined && (typeof date !== 'string' || !/^\d{8}$/.test(date))) return sendError(res, 400, 'date must be yyyyMMdd');
    sendOk(res, await deps.reconcileBill(date));
  });

  router.post('/admin/reconcile', async (_req: Request, res: AdminResponse) => {
    sendOk(res, (await deps.reconcileNow()) ?? { ran: false, reason: 'another instance is reconciling' });
  });

  return router;
}

function pageOf(q: Record<string, unknown>): Result<{ limit: number; offset: number }, string> {
  const page = all(
    optional(q.limit, (v) => wholeNumber(v, 'limit', 1, LIMITS.pageSize)),
    optional(q.offset, (v) => wholeNumber(v, 'offset', 0, LIMITS.int32)),
  );
  return page.ok ? ok({ limit: page.value[0] ?? 50, offset: page.value[1] ?? 0 }) : page;
}

/** `yyyy-MM-dd`, a Beijing calendar day: its first instant. */
function beijingDay(value: unknown, name: string): Result<Date, string> {
  const m = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  const at = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - 8 * 3_600_000) : undefined;
  if (!at || Number.isNaN(at.getTime()) || new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10) !== value) {
    return { ok: false, error: `${name} must be a date, yyyy-MM-dd (Beijing)` };
  }
  return ok(at);
}

function orderFilter(q: Record<string, unknown>) {
  const status = q.status;
  if (status !== undefined && !(ORDER_STATUSES as readonly unknown[]).includes(status)) {
    return { ok: false as const, error: 'status must be CHECKED, SUCC, FAILED or REFUND' };
  }
  const input = all(
    pageOf(q),
    optional(q.uid, (v) => idOf(v, 'uid')),
    optional(q.out_trade_no, (v) => tokenOf(v, 'out_trade_no', 32)),
    optional(q.transaction_id, (v) => tokenOf(v, 'transaction_id', 32)),
    optional(q.from, (v) => beijingDay(v, 'from')),
    optional(q.to, (v) => beijingDay(v, 'to')),
    optional(q.needs_review, (v) => (v === 'true' || v === 'false' ? ok(v === 'true') : booleanOf(v, 'needs_review'))),
  );
  if (!input.ok) return input;
  const [page, uid, outTradeNo, transactionId, from, to, needsReview] = input.value;
  return ok({
    ...page,
    ...(status !== undefined && { status: status as OrderStatus }),
    ...(uid !== undefined && { uid }),
    ...(outTradeNo !== undefined && { outTradeNo }),
    ...(transactionId !== undefined && { transactionId }),
    ...(from !== undefined && { createdFrom: from }),
    // `to` is inclusive: orders created before the next Beijing midnight.
    ...(to !== undefined && { createdBefore: new Date(to.getTime() + 86_400_000) }),
    ...(needsReview !== undefined && { needsReview }),
  });
}

/** The seed's goods table keeps whole yuan, so prices must be multiples of 100 fen. */
function goodsDraft(body: unknown) {
  const b = bodyOf(body);
  const yuan = (v: unknown, name: string): Result<Money, string> => {
    const fen = wholeNumber(v, name, 0, LIMITS.fen);
    if (!fen.ok) return fen;
    return fen.value % 100 === 0
      ? ok(Money.ofFen(fen.value))
      : { ok: false, error: `${name} is in fen and must be whole yuan (a multiple of 100)` };
  };
  const input = all(
    textOf(b.name, 'name', { max: LIMITS.goodsName, threeByteUtf8: true }),
    yuan(b.market_price, 'market_price'),
    yuan(b.sale_price, 'sale_price'),
    optional(b.integral, (v) => wholeNumber(v, 'integral', 0, LIMITS.goodsCoins)),
    optional(b.online, (v) => booleanOf(v, 'online')),
  );
  if (!input.ok) return input;
  const [name, marketPrice, salePrice, integral, online] = input.value;
  return ok({ name, marketPrice, salePrice, integral: integral ?? 0, online: online ?? true });
}
