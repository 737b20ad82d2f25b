import { z } from 'zod/v4';
import { AUDIT_ACTIONS } from '../../application/ports/audit-log.js';
import { INTEGRAL_OPERATIONS } from '../../application/ports/integral-ledger.js';
import { ORDER_STATUSES } from '../../domain/order-status.js';
import { PAID_TYPES } from '../../domain/paid-type.js';
import { REFUND_STATUSES } from '../../domain/refund.js';

/**
 * What each endpoint answers, defined once: views.ts and the routes build their answers as these types (`z.infer`),
 * and the OpenAPI document's response schemas are generated from them, so neither can drift from the other.
 * Every named schema is registered under its component name.
 */
export const responseRegistry = z.registry<{ id: string; description?: string }>();

const named = <T extends z.ZodType>(id: string, schema: T, description?: string): T => {
  responseRegistry.add(schema, { id, ...(description === undefined ? {} : { description }) });
  return schema;
};

const int = () => z.int();
const unixSeconds = () => z.int().min(0).describe('Unix time, seconds');
const fen = () => z.int().describe('fen (1/100 yuan)');
const outTradeNo = () => z.string().meta({ description: 'merchant order number', examples: ['2026112723160200021095267930'] });

export const OrderViewSchema = named(
  'OrderView',
  z.object({
    outTradeNo: outTradeNo(),
    status: z.enum(ORDER_STATUSES),
    paidMoney: fen().meta({ description: 'the cash part, fen' }),
    paidIntegral: int().meta({ description: 'health coins' }),
    paidType: z.enum(PAID_TYPES),
    goodsId: int(),
    billNo: z.string().meta({ description: 'WeChat’s transaction_id; empty until paid' }),
    paidTime: unixSeconds().meta({ description: 'Unix seconds; 0 until paid' }),
    refundedMoney: fen(),
  }),
  'An order as its owner sees it.',
);

const RefundViewSchema = named(
  'RefundView',
  z.object({
    outRefundNo: z.string(),
    amount: fen(),
    status: z.enum(REFUND_STATUSES),
    refundId: z.string().nullable(),
    requestedAt: unixSeconds(),
    settledAt: unixSeconds().nullable(),
  }),
);

export const AdminOrderViewSchema = named(
  'AdminOrderView',
  OrderViewSchema.extend({
    uid: int(),
    createdAt: unixSeconds(),
    cashPaid: fen().nullable().meta({ description: 'what WeChat reported as paid, fen' }),
    needsReview: z.boolean(),
    reviewReason: z.string().nullable(),
    refundableMoney: fen(),
    prepay: z.object({ prepayId: z.string(), issuedAt: unixSeconds(), expiresAt: unixSeconds() }).nullable(),
    refunds: z.array(RefundViewSchema),
  }),
  'An order as operators see it.',
);

const json = z.unknown().meta({ description: 'any JSON value' });

export const AuditViewSchema = named(
  'AuditEntry',
  z.object({
    at: unixSeconds(),
    actor: z.string().meta({ examples: ['admin-token'] }),
    action: z.enum(AUDIT_ACTIONS),
    subject: z.string().meta({ description: 'an out_trade_no, goods:<id> or user:<uid>' }),
    before: json,
    after: json,
    note: z.string().nullable(),
  }),
);

export const AdminOrderDetailSchema = named('AdminOrderDetail', AdminOrderViewSchema.extend({ audit: z.array(AuditViewSchema) }));

export const GoodsViewSchema = named(
  'Goods',
  z.object({
    id: int(),
    name: z.string(),
    marketPrice: fen().meta({ description: 'fen: what WXPAY pays' }),
    salePrice: fen().meta({ description: 'fen: the cash part of INTEGRAL and MIXED' }),
    integral: int().meta({ description: 'health coins INTEGRAL and MIXED also pay' }),
    online: z.boolean(),
  }),
);

export const SessionSchema = named(
  'Session',
  z.object({
    token: z.string().meta({ description: 'send as Authorization: Bearer <token>' }),
    expiresIn: int().meta({ description: 'seconds' }),
    uid: int(),
  }),
);

export const IntegralViewSchema = named(
  'Integral',
  z.object({
    balance: int(),
    journal: z.array(
      z.object({ delta: int(), operation: z.enum(INTEGRAL_OPERATIONS), outTradeNo: z.string().nullable(), at: unixSeconds() }),
    ),
  }),
);

export const PaymentParamsSchema = named(
  'PaymentParams',
  z.object({
    appId: z.string(),
    timeStamp: z.string(),
    nonceStr: z.string(),
    package: z.string().meta({ examples: ['prepay_id=wx20261127231602d3812b1dc10cc3835ee2'] }),
    signType: z.string(),
    paySign: z.string(),
    outTradeNo: outTradeNo(),
  }),
  'Pass timeStamp, nonceStr, package, signType and paySign to wx.requestPayment.',
);

export const PaidWithCoinsSchema = named(
  'PaidWithCoins',
  z.object({ paid: z.literal(true), outTradeNo: outTradeNo(), paidIntegral: int(), message: z.string() }),
  'The cash part is 0: the order is paid with health coins at once, without WeChat.',
);

export const RefundAcceptedSchema = named(
  'RefundAccepted',
  z.object({
    outRefundNo: z.string(),
    amountFen: fen(),
    status: z.enum(REFUND_STATUSES),
    completed: z.boolean().meta({ description: 'WeChat has confirmed the whole order refunded' }),
    refundedFen: fen(),
    refundableFen: fen(),
  }),
);

export const GrantedSchema = named('Granted', z.object({ result: z.enum(['granted', 'alreadyGranted']), balance: int() }));

export const ReconcileResultSchema = named(
  'ReconcileResult',
  z.union([
    z.object({
      checked: int(),
      paid: int(),
      failed: int(),
      closed: int(),
      flagged: int(),
      unchanged: int(),
      errors: int(),
      oldestPendingSeconds: int(),
      refundsSettled: int(),
      refundsResubmitted: int().meta({
        description: 'refunds WeChat never received (a timeout, a crash, a rate limit), sent again under their own numbers',
      }),
      refundErrors: int(),
      abandoned: z.object({ checked: int(), closed: int(), paid: int(), completed: int(), errors: int() }),
      coinsRepaired: int(),
      problems: z
        .array(z.object({ step: z.enum(['payments', 'abandoned', 'refunds']), subject: z.string(), cause: z.string() }))
        .meta({ description: 'why each error happened (the first 20 of each step); they stay for the next run' }),
    }),
    z.object({ ran: z.literal(false), reason: z.string() }),
  ]),
);

export const BillReportSchema = named(
  'BillReport',
  z.object({
    billDate: z.string(),
    available: z.boolean(),
    payments: int(),
    matched: int(),
    repaired: z.array(z.string()),
    unknown: z.array(z.string()).meta({ description: 'payments (out_trade_no) WeChat billed that match no order here' }),
    unknownPayments: z
      .array(z.object({ merchantId: z.string(), outTradeNo: z.string() }))
      .meta({ description: 'the same payments, each with the merchant whose bill it came from' }),
    mismatched: z.array(z.string()),
    discrepancies: z
      .array(z.string())
      .meta({ description: "where the bill's own summary disagrees with its rows: the day is not clean (alerted)" }),
    // Absent when that bill could not be reconciled: its run is recorded as failed, with the reason.
    refundBill: named(
      'RefundBillReport',
      z.object({
        billDate: z.string(),
        available: z.boolean(),
        refunds: int(),
        matched: int(),
        repaired: z.array(z.string()).meta({ description: 'refunds WeChat paid back that were still PROCESSING here, settled now' }),
        unknown: z.array(z.string()).meta({ description: 'refunds (out_refund_no) of orders unknown here' }),
        flagged: z.array(z.string()).meta({ description: 'orders flagged for review: a refund they do not hold, or of another amount' }),
        discrepancies: z.array(z.string()),
      }),
    ).optional(),
    fundFlow: named(
      'FundFlowReport',
      z.object({
        billDate: z.string(),
        available: z.boolean(),
        lines: int(),
        matched: int(),
        incomeFen: int(),
        expenseFen: int(),
        feesFen: int().meta({ description: "WeChat's service fee (手续费) that day, net of fees returned" }),
        payoutsFen: int(),
        unmatched: z
          .array(
            z.object({
              flowId: z.string(),
              kind: z.enum(['payment', 'refund', 'fee', 'feeReturn', 'payout', 'other']),
              income: z.boolean(),
              amountFen: int(),
              businessNo: z.string(),
              voucherNo: z.string(),
              description: z.string(),
              reason: z.string(),
            }),
          )
          .meta({ description: 'money that moved for nothing held here, or for another amount' }),
        flagged: z.array(z.string()),
        discrepancies: z.array(z.string()),
      }),
    ).optional(),
  }),
);

export const HealthSchema = z.object({ status: z.literal('ok') });
export const ReadinessSchema = z.record(z.string(), z.boolean()).meta({ description: 'each dependency and whether it answers' });

/** The seed's envelope: the HTTP status is `errcode`. */
export const MerchantHealthSchema = named(
  'MerchantHealth',
  z.object({
    id: z.string(),
    name: z.string(),
    mode: z.enum(['direct', 'partner']),
    api_version: z.enum(['v2', 'v3']),
    mch_id: z.string(),
    sub_mch_id: z.string().nullable(),
    provider: z.string().nullable(),
    state: z.enum(['available', 'unavailable', 'retired']).meta({
      description:
        'unavailable: its credentials failed (its requests answer 503); retired: marked "retired": true in the file or removed by a reload, its orders still served, no new one',
    }),
    problems: z.array(z.string()).meta({ description: 'why it is unavailable' }),
    expiries: z.array(z.object({ what: z.string(), valid_to: z.string() })),
    last_answer_at: z.string().nullable().meta({ description: 'when a WeChat Pay answer (verified) last arrived for it' }),
    last_notify_at: z.string().nullable().meta({ description: 'when a callback last verified for it' }),
  }),
  'One merchant’s health, as the console’s merchants page shows it.',
);

export const MerchantsReloadSchema = named(
  'MerchantsReload',
  z.object({
    reloaded: z.boolean(),
    problems: z.array(z.string()).meta({ description: 'why nothing changed (reloaded false)' }),
    added: z.array(z.string()),
    retired: z.array(z.string()),
    kept: z.array(z.string()),
    unavailable: z.array(z.object({ merchant: z.string(), problems: z.array(z.string()) })),
    mini_programs: z
      .object({ added: z.array(z.string()), removed: z.array(z.string()), changed: z.array(z.string()) })
      .meta({ description: 'appids added, removed, and whose AppSecret or merchant changed' }),
    warnings: z.array(z.string()).meta({
      description: 'merchants and mini-programs removed although they have orders: keep them in the file with "retired": true',
    }),
  }),
  'What a reload of MERCHANTS_FILE did: a file that does not validate changes nothing.',
);

export const ok = <T extends z.ZodType>(data: T) => z.object({ errcode: z.literal(200), msg: z.literal('SUCCESS'), data });

export const ErrorSchema = named(
  'Error',
  z.object({ errcode: z.int().min(400).max(599), msg: z.string().meta({ description: 'the reason, safe to show' }), data: z.null() }),
  'Every JSON error: the HTTP status is errcode.',
);

/** The seed's payment answers put a status inside: 1 and `success`, or -1, `fail` and the reason. */
export const PaymentSuccessSchema = named(
  'PrepayAnswer',
  ok(z.object({ status: z.literal(1), result: z.literal('success'), data: z.union([PaymentParamsSchema, PaidWithCoinsSchema]) })),
);

export const PaymentFailureSchema = named(
  'PaymentFailure',
  z.object({
    errcode: z.int().min(400).max(599),
    msg: z.string(),
    data: z.object({
      status: z.literal(-1),
      result: z.literal('fail'),
      data: z.string().meta({ description: 'the reason' }),
      balance: int().optional().meta({ description: 'not enough health coins: the balance' }),
      required: int().optional().meta({ description: 'not enough health coins: what the order needs' }),
    }),
  }),
);

/** Prepay statuses that also come from the generic error handler (a malformed body, WeChat Pay unreachable). */
export const PrepayErrorSchema = named(
  'PrepayError',
  z.union([PaymentFailureSchema, ErrorSchema]),
  'The seed’s payment failure, or the plain error envelope when the failure happened before the prepay logic ran.',
);

export const NotReadySchema = named(
  'NotReady',
  z.object({ errcode: z.literal(503), msg: z.string(), data: z.union([ReadinessSchema, z.null()]) }),
);

export type OrderView = z.infer<typeof OrderViewSchema>;
export type AdminOrderView = z.infer<typeof AdminOrderViewSchema>;
export type AuditView = z.infer<typeof AuditViewSchema>;
export type GoodsView = z.infer<typeof GoodsViewSchema>;
export type SessionView = z.infer<typeof SessionSchema>;
export type IntegralView = z.infer<typeof IntegralViewSchema>;
export type PaymentParamsView = z.infer<typeof PaymentParamsSchema>;
export type PaidWithCoinsView = z.infer<typeof PaidWithCoinsSchema>;
export type RefundAcceptedView = z.infer<typeof RefundAcceptedSchema>;
export type GrantedView = z.infer<typeof GrantedSchema>;
export type ReconcileResultView = z.infer<typeof ReconcileResultSchema>;
export type MerchantHealthView = z.infer<typeof MerchantHealthSchema>;
export type MerchantsReloadView = z.infer<typeof MerchantsReloadSchema>;
export type BillReportView = z.infer<typeof BillReportSchema>;
