import type { OrderStatusError } from '../../application/payments/get-order-status.js';
import type { GrantError } from '../../application/coins/grant-coins.js';
import type { LoginError } from '../../application/users/login.js';
import type { GoodsError } from '../../application/goods/manage-goods.js';
import type { ResolveReviewError } from '../../application/orders/resolve-review.js';
import type { PrepayError } from '../../application/payments/request-prepay.js';
import type { RefundError } from '../../application/refunds/refund-order.js';
import type { RefusalCategory } from '../../application/ports/payment-gateway.js';

/** Every expected failure a use case returns; the HTTP adapter is the only place that knows their statuses. */
export type ApplicationError = PrepayError | RefundError | OrderStatusError | LoginError | GrantError | GoodsError | ResolveReviewError;

export interface ErrorResponse {
  readonly status: number;
  /** Safe to show: says what to do, never how the service works inside. */
  readonly reason: string;
  /** Fields a client can act on (a coin balance, what is still refundable). */
  readonly extra?: Readonly<Record<string, unknown>>;
  /** For 409, 429 and 503: when to try again (the Retry-After header). */
  readonly retryAfterSeconds?: number;
}

/** The one table from application errors to HTTP statuses. */
export function errorResponse(error: ApplicationError): ErrorResponse {
  switch (error.kind) {
    case 'InvalidCommand':
      return { status: 400, reason: error.reason };
    case 'InvalidCode':
      return { status: 401, reason: 'invalid, used or expired login code' };
    case 'UnknownMiniProgram':
      return { status: 404, reason: 'no such mini-program here' };
    case 'UserBlocked':
      return { status: 403, reason: 'WeChat has blocked this user (risk control, 40226)' };
    case 'LoginRateLimited':
      return { status: 429, reason: 'too many logins for this user; retry in a minute', retryAfterSeconds: 60 };
    case 'LoginMisconfigured':
      return { status: 500, reason: 'login is misconfigured on the server (WeChat refuses its appid or AppSecret)' };
    case 'UnknownUser':
      return { status: 401, reason: 'unknown user: sign in again' };
    case 'NotOwner':
      return { status: 403, reason: 'not your order' };
    case 'GoodsNotFound':
      return { status: 404, reason: 'goods not found' };
    case 'SalePriceAboveMarketPrice':
      return {
        status: 400,
        reason: 'sale_price must not be above market_price: WXPAY pays market_price, INTEGRAL and MIXED pay sale_price plus coins',
      };
    case 'OrderNotFound':
      return { status: 404, reason: 'order not found' };
    case 'UserNotFound':
      return { status: 404, reason: 'no user has that uid' };
    case 'InvalidCoins':
      return { status: 400, reason: 'amount must be a whole number of coins from 1 to 1,000,000,000' };
    case 'BalanceLimit':
      return {
        status: 400,
        reason: `the grant would take the balance (${error.balance}) past what a balance can hold`,
        extra: { balance: error.balance },
      };
    case 'NoOpenReview':
      return { status: 409, reason: 'the order is not waiting for a review' };
    case 'GoodsOffline':
      return { status: 409, reason: 'goods is offline' };
    case 'InsufficientIntegral':
      return {
        status: 409,
        reason: `not enough health coins: ${error.required} needed, balance ${error.balance}`,
        extra: { balance: error.balance, required: error.required },
      };
    case 'Busy':
      return { status: 409, reason: 'another payment request for this goods is in progress; retry shortly' };
    case 'AlreadyPaid':
      return { status: 409, reason: `order ${error.outTradeNo} is already paid` };
    case 'GatewayRejected':
      return refusalResponse(error);
    case 'RefundBusy':
      return {
        status: 409,
        reason: 'other refunds of this order are in progress; nothing was sent: retry shortly',
        retryAfterSeconds: error.retryAfterSeconds,
      };
    case 'AnswerMismatch':
      return {
        status: 502,
        reason: `WeChat Pay's answer does not match the refund (${error.error.kind}); the order is flagged for review`,
      };
    case 'Rejected':
      return refundRejection(error.error);
  }
}

function refundRejection(error: Extract<RefundError, { kind: 'Rejected' }>['error']): ErrorResponse {
  switch (error.kind) {
    case 'NotRefundable':
      return { status: 409, reason: `only a paid (SUCC) order can be refunded; this one is ${error.status}` };
    case 'RefundExceedsPayment':
      return {
        status: 400,
        reason:
          error.refundableFen > 0
            ? `a refund must be between 1 and ${error.refundableFen} fen (what remains refundable)`
            : 'nothing remains refundable',
        extra: { refundableFen: error.refundableFen },
      };
    case 'TooManyRefunds':
      return { status: 409, reason: `WeChat refunds an order at most ${error.limit} times` };
    case 'RequestKeyReused':
      return { status: 409, reason: `this Idempotency-Key already names refund ${error.outRefundNo} of ${error.amountFen} fen` };
    case 'CashPaymentRequired':
      return { status: 409, reason: 'this order was paid in cash: refund it through WeChat' };
  }
}

function refusalResponse(refusal: { readonly code: string; readonly message: string; readonly category: RefusalCategory }): ErrorResponse {
  switch (refusal.category) {
    case 'configuration':
      // Our side is wrong (keys, appid, permissions): a server error the merchant's operators must fix.
      return { status: 500, reason: `WeChat Pay refused the merchant's configuration (${refusal.code}); the server log has the details` };
    case 'rateLimited':
      return { status: 503, reason: `WeChat Pay is rate-limiting this merchant (${refusal.code}); retry shortly`, retryAfterSeconds: 60 };
    case 'request':
      return { status: 502, reason: `WeChat Pay refused the request (${refusal.code}: ${refusal.message})` };
  }
}
