import { CALLBACK_PATHS } from '../callback-paths.js';
import { GoodsIdPath, LoginInput, MerchantPath, OrderNumberPath, PrepayInput, PrepayParamInput } from '../request-schemas.js';
import {
  GoodsViewSchema,
  HealthSchema,
  IntegralViewSchema,
  NotReadySchema,
  ok,
  OrderViewSchema,
  PaymentFailureSchema,
  PaymentSuccessSchema,
  PrepayErrorSchema,
  ReadinessSchema,
  SessionSchema,
} from '../response-schemas.js';
import { ADMIN_OPERATIONS } from './admin-operations.js';
import { EXAMPLES } from './examples.js';
import { BAD_BODY, CHARSET, error, NOT_FOUND, USER, type Operation, type ResponseSpec } from './operation-types.js';

export type { Audience, Operation, ResponseSpec } from './operation-types.js';

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
    responses: { 200: { description: 'the catalogue', schema: ok(GoodsViewSchema.array()), example: EXAMPLES.goodsList }, ...CHARSET },
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
    CALLBACK_PATHS.pay,
    'Payment notify (called by WeChat Pay)',
    'WeChat Pay v2’s payment result, XML signed with the API key. It is verified (signature, appid, mch_id, total_fee), confirmed with orderquery, and only then recorded. Publish this path through the reverse proxy and set its public URL as WECHAT_NOTIFY_URL.',
  ),
  callback(
    'get',
    CALLBACK_PATHS.pay,
    'Payment notify by GET (the seed answered it)',
    'Carries no body, so it is always refused with FAIL.',
  ),
  callback(
    'post',
    CALLBACK_PATHS.refund,
    'Refund notify (called by WeChat Pay)',
    'WeChat Pay v2’s refund result with req_info encrypted (AES-256-ECB). It carries no signature, so it is only a reason to ask WeChat (refundquery). Publish this path and set WECHAT_REFUND_NOTIFY_URL.',
  ),
  {
    ...callback(
      'post',
      `${CALLBACK_PATHS.pay}/:merchant`,
      'One merchant’s payment notify (called by WeChat Pay)',
      'As the payment notify, verified with that merchant’s keys only; a notice naming another merchant’s order is refused (FAIL) and alerted. Each merchant’s notify URL defaults to {publicBaseUrl}/wechat/pay-notify/{merchant}.',
    ),
    inputs: [MerchantPath],
  },
  {
    ...callback(
      'get',
      `${CALLBACK_PATHS.pay}/:merchant`,
      'One merchant’s payment notify by GET',
      'Carries no body, so it is always refused with FAIL.',
    ),
    inputs: [MerchantPath],
  },
  {
    ...callback(
      'post',
      `${CALLBACK_PATHS.refund}/:merchant`,
      'One merchant’s refund notify (called by WeChat Pay)',
      'As the refund notify, decrypted with that merchant’s key only; a notice naming another merchant’s order is refused (FAIL) and alerted.',
    ),
    inputs: [MerchantPath],
  },
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
      ...CHARSET,
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
      ...CHARSET,
    },
  },
  {
    method: 'get',
    path: '/metrics',
    audience: 'metrics',
    tag: 'Operations',
    summary: 'Prometheus metrics',
    auth: 'metrics',
    responses: {
      200: { description: 'Prometheus text format', text: true },
      401: error('METRICS_TOKEN is set and was not given'),
      ...CHARSET,
    },
  },
];

/** Every endpoint of the service except the sandbox simulator (see README, "OpenAPI"), in the document's order. */
export const OPERATIONS: readonly Operation[] = [...mini, ...callbacks, ...ADMIN_OPERATIONS, ...ops];
