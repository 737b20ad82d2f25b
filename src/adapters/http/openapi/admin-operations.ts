import {
  AuditSearchInput,
  BillDateInput,
  GoodsDraftInput,
  GoodsIdPath,
  GrantInput,
  OrderNumberPath,
  OrderSearchInput,
  RefundInput,
  ResolveReviewInput,
} from '../request-schemas.js';
import {
  AdminOrderDetailSchema,
  AdminOrderViewSchema,
  AuditViewSchema,
  BillReportSchema,
  GoodsViewSchema,
  GrantedSchema,
  ok,
  ReconcileResultSchema,
  RefundAcceptedSchema,
} from '../response-schemas.js';
import { ADMIN, BAD_BODY, error, NOT_FOUND, type Operation } from './operation-types.js';

const admin = (op: Omit<Operation, 'audience' | 'tag' | 'auth'>): Operation => ({
  ...op,
  audience: 'admin',
  tag: 'Admin',
  auth: 'admin',
  responses: { ...ADMIN, ...op.responses },
});

/** The admin API: ADMIN_TOKEN, on the admin listener when ADMIN_PORT is set. */
export const ADMIN_OPERATIONS: Operation[] = [
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
      409: error(
        'not refundable (not paid, too many refunds, or the Idempotency-Key names another refund), or other refunds of the order kept it busy (with Retry-After; nothing was sent)',
        { retryAfter: true },
      ),
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
    summary: 'Reconcile one day’s WeChat bills: trade, refund and fund flow',
    inputs: [BillDateInput],
    body: ['application/json'],
    responses: { 200: { description: 'the report', schema: ok(BillReportSchema) }, ...BAD_BODY, 502: error('WeChat Pay is unreachable') },
  }),
];
