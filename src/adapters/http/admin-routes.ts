import express, { Router, type Request, type Response } from 'express';
import type { GrantCoins } from '../../application/coins/grant-coins.js';
import type { ManageGoods } from '../../application/goods/manage-goods.js';
import type { DayReports } from '../../application/reconciliation/day-reports.js';
import type { ReconcileReport } from '../../application/reconciliation/reconcile-pending.js';
import type { AuditLog } from '../../application/ports/audit-log.js';
import type { GoodsAdmin } from '../../application/ports/goods-catalog.js';
import type { OrderRepository } from '../../application/ports/order-repository.js';
import type { RefundOrder } from '../../application/refunds/refund-order.js';
import type { ResolveReview } from '../../application/orders/resolve-review.js';
import { Money } from '../../domain/money.js';
import { ok } from '../../domain/result.js';
import type { Logger } from 'pino';
import { requireAdmin, type AdminLocals } from './auth.js';
import { sendError, sendFailure, sendOk } from './envelope.js';
import { errorResponse } from './error-status.js';
import { goodsView } from './goods-routes.js';
import {
  AuditSearchInput,
  BillDateInput,
  GoodsDraftInput,
  GoodsIdPath,
  GrantInput,
  OrderSearchInput,
  RefundInput,
  ResolveReviewInput,
} from './request-schemas.js';
import type {
  BillReportView,
  GrantedView,
  MerchantHealthView,
  MerchantsReloadView,
  ReconcileResultView,
  RefundAcceptedView,
} from './response-schemas.js';
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
  /** Runs reconciliation once now and returns its report (undefined: another instance is running it). */
  readonly reconcileNow: () => Promise<ReconcileReport | undefined>;
  /** Reconciles one day's WeChat trade bill (yyyyMMdd; default yesterday, Beijing). */
  readonly reconcileBill: (date?: string) => Promise<DayReports>;
  /** The merchants' health, and reading MERCHANTS_FILE again. */
  readonly merchants: MerchantsAdmin;
  readonly logger: Logger;
}

export interface MerchantsAdmin {
  health(): MerchantHealthView[];
  /** `actor`: who asked, for the log. */
  reload(actor: string): Promise<MerchantsReloadView>;
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
    const input = RefundInput.parse({ body: req.body, header: (name) => req.get(name) });
    if (!input.ok) return sendError(res, 400, input.error);
    const { amount, requestKey, reason } = input.value;
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
    sendOk(res, result.value satisfies RefundAcceptedView);
  });

  router.post('/admin/orders/:outTradeNo/review/resolve', async (req: Request<{ outTradeNo: string }>, res: AdminResponse) => {
    const input = ResolveReviewInput.parse({ body: req.body });
    if (!input.ok) return sendError(res, 400, input.error);
    const result = await deps.resolveReview.execute(req.params.outTradeNo, input.value.note, res.locals.actor);
    if (!result.ok) return sendFailure(res, errorResponse(result.error));
    sendOk(res, adminOrderView(result.value));
  });

  router.get('/admin/goods', async (_req: Request, res: AdminResponse) => {
    sendOk(res, (await deps.goods.listAll()).map(goodsView));
  });

  router.post('/admin/goods', async (req: Request, res: AdminResponse) => {
    const draft = goodsDraft(req.body);
    if (!draft.ok) return sendError(res, 400, draft.error);
    const created = await deps.manageGoods.create(draft.value, res.locals.actor);
    if (!created.ok) return sendFailure(res, errorResponse(created.error));
    sendOk(res, goodsView(created.value));
  });

  router.put('/admin/goods/:id', async (req: Request<{ id: string }>, res: AdminResponse) => {
    const id = GoodsIdPath.parse({ path: req.params });
    if (!id.ok) return sendError(res, 400, id.error);
    const draft = goodsDraft(req.body);
    if (!draft.ok) return sendError(res, 400, draft.error);
    const result = await deps.manageGoods.update({ ...draft.value, id: id.value.id }, res.locals.actor);
    if (!result.ok) return sendFailure(res, errorResponse(result.error));
    sendOk(res, goodsView(result.value));
  });

  router.post('/admin/integral/grant', async (req: Request, res: AdminResponse) => {
    const input = GrantInput.parse({ body: req.body });
    if (!input.ok) return sendError(res, 400, `${input.error} (grant_id makes a retried grant harmless)`);
    const { uid, amount, grant_id: grantId, reason } = input.value;
    const result = await deps.grantCoins.execute({
      uid,
      amount,
      grantId,
      actor: res.locals.actor,
      ...(reason === undefined ? {} : { reason }),
    });
    if (!result.ok) return sendFailure(res, errorResponse(result.error));
    sendOk(res, result.value satisfies GrantedView);
  });

  router.get('/admin/audit', async (req: Request, res: AdminResponse) => {
    const input = AuditSearchInput.parse({ query: req.query as Record<string, unknown> });
    if (!input.ok) return sendError(res, 400, input.error);
    const { limit = 50, offset = 0, subject } = input.value;
    sendOk(res, (await deps.audit.list({ limit, offset, ...(subject === undefined ? {} : { subject }) })).map(auditView));
  });

  router.post('/admin/reconcile-bill', async (req: Request, res: AdminResponse) => {
    const input = BillDateInput.parse({ body: req.body });
    if (!input.ok) return sendError(res, 400, input.error);
    sendOk(res, (await deps.reconcileBill(input.value.date)) satisfies BillReportView);
  });

  router.get('/admin/merchants', (_req: Request, res: AdminResponse) => sendOk(res, deps.merchants.health()));

  router.post('/admin/merchants/reload', async (_req: Request, res: AdminResponse) => {
    sendOk(res, await deps.merchants.reload(res.locals.actor));
  });

  router.post('/admin/reconcile', async (_req: Request, res: AdminResponse) => {
    const report: ReconcileResultView = (await deps.reconcileNow()) ?? { ran: false, reason: 'another instance is reconciling' };
    sendOk(res, report);
  });

  return router;
}

function orderFilter(q: Record<string, unknown>) {
  const input = OrderSearchInput.parse({ query: q });
  if (!input.ok) return input;
  const { status, limit = 50, offset = 0, uid, out_trade_no: outTradeNo, transaction_id: transactionId, from, to } = input.value;
  const needsReview = input.value.needs_review;
  return ok({
    limit,
    offset,
    ...(status !== undefined && { status }),
    ...(uid !== undefined && { uid }),
    ...(outTradeNo !== undefined && { outTradeNo }),
    ...(transactionId !== undefined && { transactionId }),
    ...(from !== undefined && { createdFrom: from }),
    // `to` is inclusive: orders created before the next Beijing midnight.
    ...(to !== undefined && { createdBefore: new Date(to.getTime() + 86_400_000) }),
    ...(needsReview !== undefined && { needsReview }),
  });
}

function goodsDraft(body: unknown) {
  const input = GoodsDraftInput.parse({ body });
  if (!input.ok) return input;
  const { name, market_price: marketPrice, sale_price: salePrice, integral, online } = input.value;
  return ok({ name, marketPrice, salePrice, integral, online });
}
