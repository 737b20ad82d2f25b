import type { z } from 'zod/v4';
import {
  AuditSearchInput,
  BillDateInput,
  GoodsDraftInput,
  GoodsIdPath,
  GrantInput,
  LoginInput,
  OrderNumberPath,
  OrderSearchInput,
  PrepayInput,
  PrepayParamInput,
  RefundInput,
  ResolveReviewInput,
} from '../request-schemas.js';
import {
  AdminOrderDetailSchema,
  AdminOrderViewSchema,
  AuditViewSchema,
  BillReportSchema,
  ErrorSchema,
  GoodsViewSchema,
  GrantedSchema,
  HealthSchema,
  IntegralViewSchema,
  NotReadySchema,
  ok,
  OrderViewSchema,
  PaymentFailureSchema,
  PrepayErrorSchema,
  PaymentSuccessSchema,
  ReadinessSchema,
  ReconcileResultSchema,
  RefundAcceptedSchema,
  SessionSchema,
} from '../response-schemas.js';
import type { InputSchema } from '../schema.js';
import { EXAMPLES } from './examples.js';

/** Who reaches an endpoint: the public listener, the admin listener (ADMIN_PORT) or both (probes). */
export type Audience = 'public' | 'admin' | 'metrics' | 'probe';

export interface ResponseSpec {
  readonly description: string;
  /** A JSON answer's schema; absent for XML or text answers. */
  readonly schema?: z.ZodType;
  readonly xml?: boolean;
  readonly text?: boolean;
  readonly example?: unknown;
  readonly retryAfter?: boolean;
}

export interface Operation {
  readonly method: 'get' | 'post' | 'put';
  /** Express's form (`:outTradeNo`), so the route table and the document can be compared mechanically. */
  readonly path: string;
  readonly audience: Audience;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly auth?: 'user' | 'admin' | 'metrics';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any field set
  readonly inputs?: readonly InputSchema<any>[];
  /** Media types of the request body. */
  readonly body?: readonly ('application/json' | 'application/x-www-form-urlencoded' | 'application/xml')[];
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

const error = (description: string, extra: Partial<ResponseSpec> = {}): ResponseSpec => ({ description, schema: ErrorSchema, ...extra });
const BAD_BODY = {
  400: error('bad input: `msg` names the field and the rule (or the body is not valid JSON)', { example: EXAMPLES.badInput }),
  413: error('body over 16 KB'),
  415: error('a charset other than UTF-8, or a compressed body'),
};
const USER = { 401: error('missing, invalid or expired bearer token') };
const ADMIN = { 401: error('wrong admin token') };
const NOT_FOUND = (what: string) => ({ 404: error(`${what} not found`) });
const PREPAY_FAILURE = (description: string, extra: Partial<ResponseSpec> = {}): ResponseSpec => ({
  description,
  schema: PaymentFailureSchema,
  ...extra,
});
const PREPAY_OR_PLAIN = (description: string): ResponseSpec => ({ description, schema: PrepayErrorSchema });

const mini: Operation[] = [
  {
    method: 'post',
    path: '/wechat/login',
    audience: 'public',
    tag: 'Mini-program',
    summary: 'Log in with a wx.login code',
    description:
      'Exchanges the code with WeChat (jscode2session), creates the user on first login, and returns a signed, expiring bearer token. WeChat’s session_key never leaves the server.',
    inputs: [LoginInput],
    body: ['application/json'],
    responses: {
      200: { description: 'a session', schema: ok(SessionSchema), example: EXAMPLES.login },
      ...BAD_BODY,
      401: error('invalid, used or expired login code'),
      403: error('WeChat has blocked this user'),
      429: error('too many logins for this user', { retryAfter: true }),
      500: error('the server’s appid or AppSecret is refused by WeChat'),
      502: error('WeChat is unreachable'),
    },
  },
  ...(['get', 'post'] as const).map((method): Operation => ({
    method,
    path: '/wechat/prepay',
    audience: 'public',
    tag: 'Mini-program',
    summary: method === 'get' ? 'Request payment (query string)' : 'Request payment (JSON or form body)',
    description:
      'Creates or reuses the user’s open order for the goods and paid type and returns the wx.requestPayment parameters, or says the order is already paid with health coins. Answers keep the seed’s shape: `data.status` 1 or -1.',
    auth: 'user',
    inputs: method === 'get' ? [PrepayInput, PrepayParamInput] : [PrepayInput.at('body'), PrepayParamInput.at('body')],
    ...(method === 'post' ? { body: ['application/json', 'application/x-www-form-urlencoded'] as const } : {}),
    responses: {
      200: {
        description: 'pay with wx.requestPayment, or already paid with coins',
        schema: PaymentSuccessSchema,
        example: EXAMPLES.prepay,
      },
      400: PREPAY_OR_PLAIN('bad parameters (`data.data` says which), or a body that is not valid JSON'),
      ...USER,
      403: PREPAY_FAILURE('uid is not the signed-in user'),
      404: PREPAY_FAILURE('unknown goods'),
      409: PREPAY_FAILURE('goods offline, not enough health coins (with balance and required), or a concurrent request'),
      413: error('body over 16 KB'),
      415: error('a charset other than UTF-8'),
      500: PREPAY_OR_PLAIN('WeChat Pay refused the merchant’s configuration'),
      502: PREPAY_OR_PLAIN('WeChat Pay unreachable, or it refused the request'),
      503: PREPAY_FAILURE('WeChat Pay is rate-limiting the merchant', { retryAfter: true }),
    },
  })),
  {
    method: 'get',
    path: '/wechat/orders/:outTradeNo',
    audience: 'public',
    tag: 'Mini-program',
    summary: 'An order’s status (poll after wx.requestPayment)',
    description:
      'An unpaid order with a prepay is checked with WeChat first (at most every 3 s), so the answer is right even if the notify is late.',
    auth: 'user',
    inputs: [OrderNumberPath],
    responses: {
      200: { description: 'the order', schema: ok(OrderViewSchema), example: EXAMPLES.order },
      400: error('malformed out_trade_no'),
      ...USER,
      403: error('not your order'),
      ...NOT_FOUND('order'),
    },
  },
  {
    method: 'get',
    path: '/wechat/integral',
    audience: 'public',
    tag: 'Mini-program',
    summary: 'Health-coin balance and the 20 latest journal lines',
    auth: 'user',
    responses: { 200: { description: 'balance and journal', schema: ok(IntegralViewSchema) }, ...USER },
  },
  {
    method: 'get',
    path: '/goods',
    audience: 'public',
    tag: 'Goods',
    summary: 'Online goods, prices in fen',
    responses: { 200: { description: 'the catalogue', schema: ok(GoodsViewSchema.array()), example: EXAMPLES.goodsList } },
  },
  {
    method: 'get',
    path: '/goods/:id',
    audience: 'public',
    tag: 'Goods',
    summary: 'One online goods',
    inputs: [GoodsIdPath],
    responses: { 200: { description: 'the goods', schema: ok(GoodsViewSchema) }, 400: error('malformed id'), ...NOT_FOUND('goods') },
  },
];

const callback = (method: 'get' | 'post', path: string, summary: string, description: string): Operation => ({
  method,
  path,
  audience: 'public',
  tag: 'WeChat callbacks',
  summary,
  description,
  ...(method === 'post' ? { body: ['application/xml'] as const } : {}),
  responses: {
    200: {
      description: 'SUCCESS only once the outcome is committed; FAIL (without a reason) makes WeChat retry',
      xml: true,
      example: EXAMPLES.callbackSuccess,
    },
    413: { description: 'body over 16 KB: FAIL', xml: true, example: EXAMPLES.callbackFail },
  },
});

const callbacks: Operation[] = [
  callback(
    'post',
    '/wechat/pay-notify',
    'Payment notify (called by WeChat Pay)',
    'WeChat Pay v2’s payment result, XML signed with the API key. It is verified (signature, appid, mch_id, total_fee), confirmed with orderquery, and only then recorded. Publish this path through the reverse proxy and set its public URL as WECHAT_NOTIFY_URL.',
  ),
  callback(
    'get',
    '/wechat/pay-notify',
    'Payment notify by GET (the seed answered it)',
    'Carries no body, so it is always refused with FAIL.',
  ),
  callback(
    'post',
    '/wechat/refund-notify',
    'Refund notify (called by WeChat Pay)',
    'WeChat Pay v2’s refund result with req_info encrypted (AES-256-ECB). It carries no signature, so it is only a reason to ask WeChat (refundquery). Publish this path and set WECHAT_REFUND_NOTIFY_URL.',
  ),
];

const admin = (op: Omit<Operation, 'audience' | 'tag' | 'auth'>): Operation => ({
  ...op,
  audience: 'admin',
  tag: 'Admin',
  auth: 'admin',
  responses: { ...ADMIN, ...op.responses },
});

const admins: Operation[] = [
  admin({
    method: 'get',
    path: '/admin/orders',
    summary: 'Search orders, newest first',
    inputs: [OrderSearchInput],
    responses: { 200: { description: 'a page of orders', schema: ok(AdminOrderViewSchema.array()) }, 400: BAD_BODY[400] },
  }),
  admin({
    method: 'get',
    path: '/admin/orders/:outTradeNo',
    summary: 'One order with its audit trail',
    inputs: [OrderNumberPath],
    responses: {
      200: { description: 'the order', schema: ok(AdminOrderDetailSchema) },
      400: error('malformed out_trade_no'),
      ...NOT_FOUND('order'),
    },
  }),
  admin({
    method: 'post',
    path: '/admin/orders/:outTradeNo/refund',
    summary: 'Refund a paid order, in full or in part',
    description: 'The request is recorded before WeChat hears of it; a retry sends the same out_refund_no, so nothing is refunded twice.',
    inputs: [OrderNumberPath, RefundInput],
    body: ['application/json'],
    responses: {
      200: { description: 'WeChat accepted the refund', schema: ok(RefundAcceptedSchema) },
      ...BAD_BODY,
      ...NOT_FOUND('order'),
      409: error('not refundable (not paid, too many refunds, or the Idempotency-Key names another refund)'),
      500: error('WeChat Pay refused the merchant’s configuration'),
      502: error('WeChat Pay unreachable, refused, or answered for another refund'),
      503: error('WeChat Pay is rate-limiting the merchant', { retryAfter: true }),
    },
  }),
  admin({
    method: 'post',
    path: '/admin/orders/:outTradeNo/review/resolve',
    summary: 'Resolve an order’s review with a note',
    inputs: [OrderNumberPath, ResolveReviewInput],
    body: ['application/json'],
    responses: {
      200: { description: 'the order', schema: ok(AdminOrderViewSchema) },
      ...BAD_BODY,
      ...NOT_FOUND('order'),
      409: error('the order is not waiting for a review'),
    },
  }),
  admin({
    method: 'get',
    path: '/admin/goods',
    summary: 'All goods, offline ones too',
    responses: { 200: { description: 'every goods', schema: ok(GoodsViewSchema.array()) } },
  }),
  admin({
    method: 'post',
    path: '/admin/goods',
    summary: 'Create goods',
    inputs: [GoodsDraftInput],
    body: ['application/json'],
    responses: { 200: { description: 'the goods created', schema: ok(GoodsViewSchema) }, ...BAD_BODY },
  }),
  admin({
    method: 'put',
    path: '/admin/goods/:id',
    summary: 'Update goods (never creates)',
    inputs: [GoodsIdPath, GoodsDraftInput],
    body: ['application/json'],
    responses: { 200: { description: 'the goods updated', schema: ok(GoodsViewSchema) }, ...BAD_BODY, ...NOT_FOUND('goods') },
  }),
  admin({
    method: 'post',
    path: '/admin/integral/grant',
    summary: 'Give a user health coins',
    inputs: [GrantInput],
    body: ['application/json'],
    responses: {
      200: { description: 'granted, or granted before under this grant_id', schema: ok(GrantedSchema) },
      ...BAD_BODY,
      ...NOT_FOUND('user'),
    },
  }),
  admin({
    method: 'get',
    path: '/admin/audit',
    summary: 'The audit log, newest first',
    inputs: [AuditSearchInput],
    responses: { 200: { description: 'a page of entries', schema: ok(AuditViewSchema.array()) }, 400: BAD_BODY[400] },
  }),
  admin({
    method: 'post',
    path: '/admin/reconcile',
    summary: 'Run reconciliation now',
    responses: { 200: { description: 'its report, or why it did not run', schema: ok(ReconcileResultSchema) } },
  }),
  admin({
    method: 'post',
    path: '/admin/reconcile-bill',
    summary: 'Reconcile one day’s WeChat trade bill',
    inputs: [BillDateInput],
    body: ['application/json'],
    responses: { 200: { description: 'the report', schema: ok(BillReportSchema) }, ...BAD_BODY, 502: error('WeChat Pay is unreachable') },
  }),
];

const ops: Operation[] = [
  {
    method: 'get',
    path: '/healthz',
    audience: 'probe',
    tag: 'Operations',
    summary: 'Liveness',
    responses: {
      200: { description: 'the process answers', schema: ok(HealthSchema) },
      503: { description: 'starting up', schema: NotReadySchema },
    },
  },
  {
    method: 'get',
    path: '/readyz',
    audience: 'probe',
    tag: 'Operations',
    summary: 'Readiness: the database and Redis answer',
    responses: {
      200: { description: 'ready', schema: ok(ReadinessSchema) },
      503: { description: 'a dependency does not answer (or starting up)', schema: NotReadySchema },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    audience: 'metrics',
    tag: 'Operations',
    summary: 'Prometheus metrics',
    auth: 'metrics',
    responses: { 200: { description: 'Prometheus text format', text: true }, 401: error('METRICS_TOKEN is set and was not given') },
  },
];

/** Every endpoint of the service except the sandbox simulator (see README, "OpenAPI"), in the document's order. */
export const OPERATIONS: readonly Operation[] = [...mini, ...callbacks, ...admins, ...ops];
