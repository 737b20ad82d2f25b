import { ORDER_STATUSES } from '../../domain/order-status.js';
import { PAID_TYPES } from '../../domain/paid-type.js';
import { LIMITS } from './input.js';
import {
  ANY_TEXT,
  BEIJING_DAY,
  BILL_DATE,
  BOOLEAN,
  FEN,
  ID,
  MERCHANT_ID,
  nonEmptyString,
  oneOf,
  OUT_TRADE_NO,
  QUERY_BOOLEAN,
  text,
  token,
  wholeNumberRule,
  PRICE_IN_FEN,
} from './input-parsers.js';
import { field, inputs } from './schema.js';

/**
 * What each endpoint accepts. The routes validate with these and the OpenAPI document is generated from them, so the
 * two cannot disagree. Fields are checked in the order written; the first problem is the 400's message.
 */

export const LoginInput = inputs('body', {
  code: field.required(nonEmptyString('code is required'), { description: 'the code from wx.login', example: '0a3Xkl000abc' }),
});

/** The seed's prepay fields: a query string (GET), or a JSON or form body, or `param` holding them as JSON text. */
export const PrepayInput = inputs('query', {
  goods_id: field.required(ID, { missing: 'goods_id is required', description: 'the goods to pay for', example: 1 }),
  paid_type: field.withDefault(oneOf(PAID_TYPES, 'paid_type must be WXPAY, INTEGRAL or MIXED'), 'WXPAY', {
    blankIsAbsent: false,
    description: 'WXPAY pays market_price in cash; INTEGRAL and MIXED pay sale_price in cash plus the goods’ health coins',
  }),
  uid: field.optional(ID, { description: 'the seed sent the uid; accepted only when it equals the token’s' }),
});

export const PrepayParamInput = inputs('query', {
  param: field.optional(ANY_TEXT, {
    description: 'the seed’s form: goods_id, paid_type and uid as one JSON object in a string; when given, the other fields are ignored',
    example: '{"goods_id":1,"paid_type":"WXPAY"}',
  }),
});

export const OrderNumberPath = inputs('path', {
  outTradeNo: field.required(OUT_TRADE_NO, {
    description: 'the merchant order number (out_trade_no)',
    example: '2026112723160200021095267930',
  }),
});

/** A merchant's own callback path names the merchant whose keys alone verify what arrives there. */
export const MerchantPath = inputs('path', {
  merchant: field.required(MERCHANT_ID, {
    description: 'our id of the merchant (its entry in MERCHANTS_FILE; `default` without one)',
    example: 'north',
  }),
});

export const GoodsIdPath = inputs('path', { id: field.required(ID, { label: 'goods id', example: 1 }) });

const page = {
  limit: field.optional(wholeNumberRule(1, LIMITS.pageSize), { description: 'page size, default 50' }),
  offset: field.optional(wholeNumberRule(0, LIMITS.int32), { description: 'rows to skip, default 0' }),
};

export const OrderSearchInput = inputs('query', {
  status: field.optional(oneOf(ORDER_STATUSES, 'status must be CHECKED, SUCC, FAILED or REFUND'), { blankIsAbsent: false }),
  ...page,
  uid: field.optional(ID),
  out_trade_no: field.optional(token(32)),
  transaction_id: field.optional(token(32), { description: 'WeChat’s transaction_id (billNo)' }),
  from: field.optional(BEIJING_DAY, { description: 'created on or after this Beijing day' }),
  to: field.optional(BEIJING_DAY, { description: 'created on or before this Beijing day (inclusive)' }),
  needs_review: field.optional(QUERY_BOOLEAN),
});

export const RefundInput = inputs('body', {
  amount: field.optional(FEN, { description: 'fen to refund; default: everything still refundable', example: 100 }),
  requestKey: field.optional(token(), {
    in: 'header',
    name: 'Idempotency-Key',
    description: 'the same key is the same refund, however often it is sent',
    example: 'refund-7f3a',
  }),
  reason: field.optional(text({ max: 80 }), { description: 'refund_desc, shown to the user' }),
});

export const ResolveReviewInput = inputs('body', {
  note: field.required(text({ max: 500 }), { description: 'what was checked and decided', example: 'refunded the second payment by hand' }),
});

/** Prices in fen (the goods table keeps yuan to the fen); the sale price may not be above the market price. */
export const GoodsDraftInput = inputs('body', {
  name: field.required(text({ max: LIMITS.goodsName, threeByteUtf8: true }), { example: '瑜伽入门课 Yoga basics' }),
  market_price: field.required(PRICE_IN_FEN, { description: 'fen; what a WXPAY buyer pays', example: 9900 }),
  sale_price: field.required(PRICE_IN_FEN, {
    description: 'fen; the cash an INTEGRAL or MIXED buyer pays besides the coins (0: coins only); not above market_price',
    example: 6900,
  }),
  integral: field.withDefault(wholeNumberRule(0, LIMITS.goodsCoins), 0, { description: 'health coins INTEGRAL and MIXED also pay' }),
  online: field.withDefault(BOOLEAN, true),
});

export const GrantInput = inputs('body', {
  uid: field.required(ID, { example: 1 }),
  amount: field.required(wholeNumberRule(1, LIMITS.coins), { description: 'health coins', example: 50 }),
  grant_id: field.required(token(), { description: 'makes a retried grant harmless: one id grants once', example: 'welcome-2026' }),
  reason: field.optional(text({ max: 200, threeByteUtf8: true }), {
    description: "why: kept with the coins and shown in the user's coin history (the console requires one)",
    example: '课程取消补偿',
  }),
});

export const AuditSearchInput = inputs('query', {
  ...page,
  subject: field.optional(ANY_TEXT, { blankIsAbsent: false, description: 'an out_trade_no, `goods:<id>` or `user:<uid>`' }),
});

export const BillDateInput = inputs('body', {
  date: field.optional(BILL_DATE, { blankIsAbsent: false, description: 'yyyyMMdd (Beijing); default yesterday', example: '20261129' }),
});
