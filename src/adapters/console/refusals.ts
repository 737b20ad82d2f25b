import type { ApplicationError } from '../http/error-status.js';
import type { ConsoleContext } from './context.js';
import { yuan } from './format.js';
import { inputError } from './input-errors.js';

type Rejection = Extract<ApplicationError, { kind: 'Rejected' }>['error'];
type GatewayRefusal = Extract<ApplicationError, { kind: 'GatewayRejected' }>;

/**
 * A use case's refusal in the operator's language. The HTTP API words the same refusals in English
 * (src/adapters/http/error-status.ts, which also owns their statuses); the switch is exhaustive, so a new kind of
 * refusal does not compile until the console can say it too. WeChat's own codes and messages stay as WeChat sent them.
 */
export function refusalText(ctx: ConsoleContext, error: ApplicationError): string {
  const t = ctx.t;
  switch (error.kind) {
    case 'InvalidCommand':
      return inputError(ctx, error.reason);
    case 'InvalidCode':
      return t('refusal.InvalidCode');
    case 'UserBlocked':
      return t('refusal.UserBlocked');
    case 'LoginRateLimited':
      return t('refusal.LoginRateLimited');
    case 'LoginMisconfigured':
      return t('refusal.LoginMisconfigured');
    case 'UnknownMiniProgram':
      return t('refusal.UnknownMiniProgram');
    case 'UnknownUser':
    case 'UserNotFound':
      return t('users.notFound');
    case 'NotOwner':
      return t('refusal.NotOwner');
    case 'GoodsNotFound':
      return t('goods.notFound');
    case 'SalePriceAboveMarketPrice':
      return t('goods.saleAboveMarket');
    case 'OrderNotFound':
      return t('order.notFound');
    case 'InvalidCoins':
      return t('refusal.InvalidCoins');
    case 'BalanceLimit':
      return t('refusal.BalanceLimit', { balance: error.balance });
    case 'NoOpenReview':
      return t('refusal.NoOpenReview');
    case 'GoodsOffline':
      return t('refusal.GoodsOffline');
    case 'InsufficientIntegral':
      return t('refusal.InsufficientIntegral', { required: error.required, balance: error.balance });
    case 'Busy':
      return t('refusal.Busy');
    case 'AlreadyPaid':
      return t('refusal.AlreadyPaid', { no: error.outTradeNo });
    case 'GatewayRejected':
      return gatewayRefusal(ctx, error);
    case 'RefundBusy':
      return t('refusal.RefundBusy');
    case 'AnswerMismatch':
      return t('refusal.AnswerMismatch', { code: error.error.kind });
    case 'Rejected':
      return rejection(ctx, error.error);
  }
}

function rejection(ctx: ConsoleContext, error: Rejection): string {
  switch (error.kind) {
    case 'NotRefundable':
      return ctx.t('refusal.NotRefundable', { status: ctx.t(`status.${error.status}`) });
    case 'RefundExceedsPayment':
      return error.refundableFen > 0 ? ctx.t('refusal.RefundExceedsPayment', { max: yuan(error.refundableFen) }) : ctx.t('refund.none');
    case 'TooManyRefunds':
      return ctx.t('refusal.TooManyRefunds', { limit: error.limit });
    case 'RequestKeyReused':
      return ctx.t('refusal.RequestKeyReused', { no: error.outRefundNo, amount: yuan(error.amountFen) });
    case 'CashPaymentRequired':
      return ctx.t('refusal.CashPaymentRequired');
  }
}

function gatewayRefusal(ctx: ConsoleContext, refusal: GatewayRefusal): string {
  switch (refusal.category) {
    case 'configuration':
      return ctx.t('refusal.gatewayConfiguration', { code: refusal.code });
    case 'rateLimited':
      return ctx.t('refusal.gatewayRateLimited', { code: refusal.code });
    case 'request':
      return ctx.t('refusal.gatewayRequest', { code: refusal.code, message: refusal.message });
  }
}
