import { z } from 'zod';
import {
  LOGIN_CODE_TTL_MS,
  type LoginRefusal,
  type OrderScope,
  type SimLoginCode,
  type SimOrder,
  type SimRefund,
  type TradeState,
} from './records.js';

/**
 * What the simulator remembers, as plain JSON: orders (their first request's parameters, prepay_ids with their expiry,
 * trade state, transaction id, coupon fee, refunds), login codes and foreign openids. Pending notify deliveries are
 * not part of it: WeChat would retry them, and the merchant's reconciliation finds the payments anyway.
 * Bump SNAPSHOT_VERSION on any change of shape; an older or newer snapshot is refused, never half-read.
 */
export const SNAPSHOT_VERSION = 1;
/** A snapshot keeps this many orders, the newest: a sandbox used for months (or by test runs) stays small. */
export const MAX_SNAPSHOT_ORDERS = 5_000;

const TRADE_STATES = ['NOTPAY', 'USERPAYING', 'SUCCESS', 'REFUND', 'CLOSED', 'PAYERROR', 'REVOKED'] as const;
const REFUND_STATUSES = ['PROCESSING', 'SUCCESS', 'REFUNDCLOSE', 'CHANGE'] as const;

const instant = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO date-time');
const fen = z.number().int().nonnegative().safe();

const refundSchema = z.object({
  api: z.enum(['v2', 'v3']),
  outRefundNo: z.string().min(1),
  refundId: z.string().min(1),
  refundFee: fen,
  notifyUrl: z.string().optional(),
  createdAt: instant,
  status: z.enum(REFUND_STATUSES),
  successAt: instant.optional(),
});

const orderSchema = z.object({
  outTradeNo: z.string().min(1),
  /** Absent for the simulator's own merchant: a single-merchant snapshot reads and writes as before. */
  mchId: z.string().min(1).optional(),
  subMchId: z.string().min(1).optional(),
  params: z.record(z.string()),
  signType: z.enum(['MD5', 'HMAC-SHA256', 'RSA']),
  createdAt: instant,
  totalFee: fen,
  openid: z.string(),
  notifyUrl: z.string(),
  prepays: z.array(z.object({ id: z.string().min(1), expiresAt: instant })),
  refunds: z.array(refundSchema),
  state: z.enum(TRADE_STATES satisfies readonly TradeState[]),
  transactionId: z.string().min(1).optional(),
  paidAt: instant.optional(),
  couponFee: fen,
});

const loginCodeSchema = z.object({
  code: z.string().min(1),
  openid: z.string(),
  issuedAt: instant,
  used: z.boolean(),
  refusal: z.enum(['blocked', 'rateLimited'] as const satisfies readonly LoginRefusal[]).optional(),
});

const snapshotSchema = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  /** The simulator's clock when the snapshot was taken: a restart does not move sandbox time backwards. */
  takenAt: instant,
  orders: z.array(orderSchema),
  loginCodes: z.array(loginCodeSchema),
  foreignOpenids: z.array(z.string()),
});

export type SimulatorSnapshot = z.infer<typeof snapshotSchema>;
export type SnapshotOrder = z.infer<typeof orderSchema>;
export type SnapshotLoginCode = z.infer<typeof loginCodeSchema>;

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

/** Checks a parsed JSON value is a snapshot this build can restore; throws SnapshotError naming the first problems. */
export function parseSimulatorSnapshot(value: unknown): SimulatorSnapshot {
  const version = (value as { version?: unknown } | null)?.version;
  if (version !== SNAPSHOT_VERSION) {
    throw new SnapshotError(`unknown simulator snapshot version ${JSON.stringify(version)} (this build reads ${SNAPSHOT_VERSION})`);
  }
  const parsed = snapshotSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(snapshot)'}: ${i.message}`);
    throw new SnapshotError(`not a simulator snapshot: ${problems.join('; ')}`);
  }
  const orders = new Set<string>();
  const prepays = new Set<string>();
  for (const order of parsed.data.orders) {
    if (order.subMchId !== undefined && order.mchId === undefined)
      throw new SnapshotError(`order ${order.outTradeNo}: subMchId without mchId`);
    const key = snapshotOrderKey(order);
    if (orders.has(key)) throw new SnapshotError(`out_trade_no ${order.outTradeNo} appears twice`);
    orders.add(key);
    for (const prepay of order.prepays) {
      if (prepays.has(prepay.id)) throw new SnapshotError(`prepay_id ${prepay.id} appears twice`);
      prepays.add(prepay.id);
    }
  }
  return parsed.data;
}

/** The scope a snapshot order belongs to; the key matches state.ts's orderKey. */
export function snapshotScope(order: SnapshotOrder): OrderScope | undefined {
  if (order.mchId === undefined) return undefined;
  return { mchId: order.mchId, ...(order.subMchId === undefined ? {} : { subMchId: order.subMchId }) };
}

function snapshotOrderKey(order: SnapshotOrder): string {
  const scope = snapshotScope(order);
  return scope ? `${scope.mchId}/${scope.subMchId ?? ''}/${order.outTradeNo}` : order.outTradeNo;
}

const iso = (at: Date): string => at.toISOString();
const optionalDate = <K extends string>(key: K, at: Date | undefined): Partial<Record<K, string>> =>
  at === undefined ? {} : ({ [key]: iso(at) } as Record<K, string>);
const optionalText = <K extends string>(key: K, text: string | undefined): Partial<Record<K, string>> =>
  text === undefined ? {} : ({ [key]: text } as Record<K, string>);

/** The parts of SimulatorState a snapshot holds (the prepay and transaction indexes are rebuilt from the orders). */
export interface SnapshotParts {
  readonly orders: ReadonlyMap<string, SimOrder>;
  readonly codes: ReadonlyMap<string, SimLoginCode>;
  readonly foreignOpenids: ReadonlySet<string>;
}

/** Login codes past their 5 minutes are left out: they answer 40029 whether kept or not. */
export function takeSnapshot(parts: SnapshotParts, now: Date): SimulatorSnapshot {
  const live = [...parts.codes].filter(([, c]) => now.getTime() - c.issuedAt.getTime() <= LOGIN_CODE_TTL_MS);
  return {
    version: SNAPSHOT_VERSION,
    takenAt: iso(now),
    orders: [...parts.orders.values()].slice(-MAX_SNAPSHOT_ORDERS).map(orderToSnapshot),
    loginCodes: live.map(([code, c]) => ({
      code,
      openid: c.openid,
      issuedAt: iso(c.issuedAt),
      used: c.used,
      ...(c.refusal ? { refusal: c.refusal } : {}),
    })),
    foreignOpenids: [...parts.foreignOpenids],
  };
}

export function stateFromSnapshot(snapshot: SimulatorSnapshot): {
  orders: Map<string, SimOrder>;
  codes: Map<string, SimLoginCode>;
  foreignOpenids: Set<string>;
} {
  return {
    orders: new Map(snapshot.orders.map((s) => [snapshotOrderKey(s), orderFromSnapshot(s)])),
    codes: new Map(
      snapshot.loginCodes.map(({ code, openid, issuedAt, used, refusal }) => [
        code,
        { openid, issuedAt: new Date(issuedAt), used, ...(refusal ? { refusal } : {}) },
      ]),
    ),
    foreignOpenids: new Set(snapshot.foreignOpenids),
  };
}

export function orderToSnapshot(order: SimOrder): SnapshotOrder {
  return {
    outTradeNo: order.outTradeNo,
    ...optionalText('mchId', order.scope?.mchId),
    ...optionalText('subMchId', order.scope?.subMchId),
    params: { ...order.params },
    signType: order.signType,
    createdAt: iso(order.createdAt),
    totalFee: order.totalFee,
    openid: order.openid,
    notifyUrl: order.notifyUrl,
    prepays: order.prepays.map((p) => ({ id: p.id, expiresAt: iso(p.expiresAt) })),
    refunds: order.refunds.map((r) => ({
      api: r.api,
      outRefundNo: r.outRefundNo,
      refundId: r.refundId,
      refundFee: r.refundFee,
      ...optionalText('notifyUrl', r.notifyUrl),
      createdAt: iso(r.createdAt),
      status: r.status,
      ...optionalDate('successAt', r.successAt),
    })),
    state: order.state,
    ...optionalText('transactionId', order.transactionId),
    ...optionalDate('paidAt', order.paidAt),
    couponFee: order.couponFee,
  };
}

export function orderFromSnapshot(s: SnapshotOrder): SimOrder {
  const refund = (r: SnapshotOrder['refunds'][number]): SimRefund => ({
    api: r.api,
    outRefundNo: r.outRefundNo,
    refundId: r.refundId,
    refundFee: r.refundFee,
    notifyUrl: r.notifyUrl,
    createdAt: new Date(r.createdAt),
    status: r.status,
    ...(r.successAt === undefined ? {} : { successAt: new Date(r.successAt) }),
  });
  const scope = snapshotScope(s);
  return {
    outTradeNo: s.outTradeNo,
    ...(scope ? { scope } : {}),
    params: { ...s.params },
    signType: s.signType,
    createdAt: new Date(s.createdAt),
    totalFee: s.totalFee,
    openid: s.openid,
    notifyUrl: s.notifyUrl,
    prepays: s.prepays.map((p) => ({ id: p.id, expiresAt: new Date(p.expiresAt) })),
    refunds: s.refunds.map(refund),
    state: s.state,
    ...(s.transactionId === undefined ? {} : { transactionId: s.transactionId }),
    ...(s.paidAt === undefined ? {} : { paidAt: new Date(s.paidAt) }),
    couponFee: s.couponFee,
  };
}
