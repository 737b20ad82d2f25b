import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { GatewayUnavailableError } from '../../../application/ports/payment-gateway.js';
import type { RefundCommand } from '../../../application/refunds/refund-order.js';
import { Money } from '../../../domain/money.js';
import type { Order } from '../../../domain/order.js';
import { OutTradeNo } from '../../../domain/out-trade-no.js';
import { errorResponse } from '../../http/error-status.js';
import { textOf, tokenOf, wholeNumber } from '../../http/input.js';
import type { ConsoleRoutes } from '../guarded-routes.js';
import { sendError } from '../guarded-routes.js';
import { coversMerchant, merchantFilterOf } from '../../../domain/shop-scope.js';
import { actorOf, operatorOf, scopeOf, type ConsoleResponse } from '../context.js';
import type { ConsoleDeps } from '../deps.js';
import { parseYuan, yuan } from '../format.js';
import { goodsNames } from '../goods-names.js';
import { href } from '../html.js';
import { errorFlash, flashOf, refusalFlash, send, type Flash } from '../layout.js';
import { coinsRefundConfirmPage, orderPage, refundConfirmPage } from '../pages/order.js';
import { ofRetiredShop, ordersPage } from '../pages/orders.js';
import { shopLabel } from '../shops.js';
import { RETIRED_REFUSAL } from '../labels.js';
import { parseOrderSearch, withOpenid } from '../order-filter.js';

const field = (req: Request, name: string): string => {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim() : '';
};

/**
 * The amount to refund, in fen: on the confirmation step the exact fen shown; on the first step what was typed in
 * yuan, or everything refundable when nothing was. Undefined when it is not within 0.01 yuan and what is refundable.
 */
function refundAmount(req: Request, refundable: number, paid: number): number | undefined {
  if (field(req, 'confirm') === 'yes') {
    // Not capped by what is refundable now: a repeated confirmation must reach the use case, which knows its key.
    const fen = wholeNumber(field(req, 'amount_fen'), 'amount', 1, Math.max(1, paid));
    return fen.ok ? fen.value : undefined;
  }
  const typed = field(req, 'amount');
  const fen = typed === '' ? refundable : parseYuan(typed);
  return fen !== undefined && fen >= 1 && fen <= refundable ? fen : undefined;
}

/** Orders: the searchable list, an order's history, its refunds and the resolution of its review. */
export function orderRoutes(routes: ConsoleRoutes, deps: ConsoleDeps, now: () => Date): void {
  const names = () => goodsNames(deps.goods);
  const showOrder = async (res: ConsoleResponse, no: string, status: number, flash?: Flash): Promise<void> => {
    const ctx = res.locals.console;
    // Another shop's order is not found, exactly as a number nobody used (ReadOrderHistory checks the scope).
    const history = OutTradeNo.parse(no) ? await deps.orderHistory.execute(no, scopeOf(res)) : undefined;
    if (!history) return sendError(res, 404, 'order.notFound');
    send(res, status, orderPage(ctx, history, await names(), flash));
  };

  /**
   * An order of a merchant a reload retired is read-only in the console: every action on it is refused here, before
   * anything is asked or recorded (409, saying so). The admin API and reconciliation still refund and settle it.
   */
  const refuseIfRetired = async (res: ConsoleResponse, no: string, attempt?: { order: Order; req: Request }): Promise<boolean> => {
    const ctx = res.locals.console;
    const found = attempt?.order ?? (OutTradeNo.parse(no) ? await deps.orders.findByOutTradeNo(no) : undefined);
    // Another shop's order is left to the action's own scope check: not found, exactly as a number nobody used.
    if (!found || !coversMerchant(scopeOf(res), found.state.merchantId) || !ofRetiredShop(ctx, found)) return false;
    const merchant = shopLabel(ctx.merchants ?? new Map(), found.state.merchantId);
    // A confirmed refund is an attempt, and every refund attempt is audited, refused ones included (as RefundOrder does).
    if (attempt && field(attempt.req, 'confirm') === 'yes') {
      const fen = Number(field(attempt.req, 'amount_fen'));
      await deps.audit.record({
        at: now(),
        actor: actorOf(operatorOf(res).operator),
        action: 'refund.requested',
        subject: no,
        before: { amountFen: Number.isSafeInteger(fen) && fen > 0 ? fen : null, requestKey: field(attempt.req, 'request_key') || null },
        after: { refused: { kind: RETIRED_REFUSAL, merchant: found.state.merchantId } },
        merchantId: found.state.merchantId,
      });
    }
    await showOrder(res, no, 409, errorFlash(ctx, ctx.t('shops.retiredRefused', { merchant })));
    return true;
  };

  routes.page('/console/orders', 'read', async (req, res) => {
    const search = parseOrderSearch(req.query as Record<string, unknown>);
    const filter = search.problems.length ? undefined : await withOpenid(search, (openid) => deps.users.findByOpenid(openid));
    const found = filter ? await deps.orders.list({ ...filter, merchantIds: merchantFilterOf(scopeOf(res)) }) : [];
    send(res, search.problems.length ? 400 : 200, ordersPage(res.locals.console, search, found, await names()));
  });

  routes.page('/console/orders/:outTradeNo', 'read', async (req, res) => {
    const ctx = res.locals.console;
    await showOrder(res, req.params.outTradeNo ?? '', 200, flashOf(req, ctx));
  });

  // Step one shows what would be refunded and asks for confirmation; step two (confirm=yes) refunds, under a request
  // key minted in step one, so a double submit or a retried POST is the same refund.
  routes.action('/console/orders/:outTradeNo/refund', 'refund', async (req, res) => {
    const ctx = res.locals.console;
    const no = req.params.outTradeNo ?? '';
    const found = OutTradeNo.parse(no) ? await deps.orders.findByOutTradeNo(no) : undefined;
    const order = found && coversMerchant(scopeOf(res), found.state.merchantId) ? found : undefined;
    if (!order) return sendError(res, 404, 'order.notFound');
    if (await refuseIfRetired(res, no, { order, req })) return;
    const refundable = order.refundableFen;
    const confirming = field(req, 'confirm') === 'yes';
    if (order.refundable.kind === 'coinsOnly') return refundCoins(req, res, no, order.state.integral, confirming);
    if (!confirming && order.refundable.kind === 'nothing') return showOrder(res, no, 409, errorFlash(ctx, ctx.t('refund.none')));
    const reason = textOf(field(req, 'reason') || '-', 'reason', { max: 80 });
    const amount = refundAmount(req, refundable, order.state.cash.fen);
    if (amount === undefined || !reason.ok) {
      return showOrder(res, no, 400, errorFlash(ctx, ctx.t('refund.badAmount', { max: yuan(refundable).slice(1) })));
    }
    const note = reason.value === '-' ? undefined : reason.value;
    if (!confirming) {
      const requestKey = randomBytes(18).toString('base64url');
      const confirmation = { outTradeNo: no, amountFen: amount, paidFen: order.state.cash.fen, refundableFen: refundable };
      return send(res, 200, refundConfirmPage(ctx, { ...confirmation, reason: note ?? '', requestKey }));
    }
    const key = tokenOf(field(req, 'request_key'), 'request_key');
    if (!key.ok) return showOrder(res, no, 400, errorFlash(ctx, key.error));
    const command = { outTradeNo: no, amount: Money.ofFen(amount), requestKey: key.value, ...(note ? { reason: note } : {}) };
    await refund(res, command);
  });

  /** Through RefundOrder, as the admin API refunds; WeChat unreachable leaves the request on record, retried. */
  const refund = async (res: ConsoleResponse, command: Omit<RefundCommand, 'actor'>): Promise<void> => {
    const ctx = res.locals.console;
    const no = command.outTradeNo;
    try {
      const result = await deps.refundOrder.execute({ ...command, actor: actorOf(operatorOf(res).operator), scope: scopeOf(res) });
      if (!result.ok) {
        const failure = errorResponse(result.error);
        if (failure.retryAfterSeconds !== undefined) res.set('Retry-After', String(failure.retryAfterSeconds));
        return showOrder(res, no, failure.status, refusalFlash(ctx, result.error));
      }
    } catch (error) {
      if (!(error instanceof GatewayUnavailableError)) throw error;
      return showOrder(res, no, 502, { kind: 'error', text: ctx.t('error.gateway') });
    }
    res.redirect(303, href(['orders', no], { done: 'refund' }));
  };

  /** An order paid only in coins: nothing goes through WeChat, its coins go back; confirmed like any refund. */
  const refundCoins = async (req: Request, res: ConsoleResponse, no: string, coins: number, confirming: boolean): Promise<void> => {
    if (!confirming) return send(res, 200, coinsRefundConfirmPage(res.locals.console, no, coins));
    await refund(res, { outTradeNo: no });
  };

  routes.action('/console/orders/:outTradeNo/review', 'resolveReview', async (req, res) => {
    const ctx = res.locals.console;
    const no = req.params.outTradeNo ?? '';
    if (await refuseIfRetired(res, no)) return;
    const note = textOf(field(req, 'note'), 'note', { max: 500 });
    if (!note.ok) return showOrder(res, no, 400, errorFlash(ctx, note.error));
    const result = await deps.resolveReview.execute(no, note.value, actorOf(operatorOf(res).operator), scopeOf(res));
    if (!result.ok) return showOrder(res, no, errorResponse(result.error).status, refusalFlash(ctx, result.error));
    res.redirect(303, field(req, 'back') === 'reviews' ? href(['reviews'], { done: 'review' }) : href(['orders', no], { done: 'review' }));
  });
}
