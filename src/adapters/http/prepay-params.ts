import type { Request } from 'express';
import { isPaidType, type PaidType } from '../../domain/paid-type.js';
import { err, ok, type Result } from '../../domain/result.js';
import { idOf, optional } from './input.js';

export interface PrepayParams {
  readonly goodsId: number;
  readonly paidType: PaidType;
  /** The seed let clients name the uid; we only accept it when it equals the token's. */
  readonly uid?: number;
}

/**
 * The seed's prepay parameters from the query string (GET), the body (POST JSON or form), or the seed's `param`
 * field holding the same fields as a JSON string. Values must be exact decimal integers: "1e2" or "3.0" are refused.
 */
export function readPrepayParams(req: Request): Result<PrepayParams, string> {
  let source: Record<string, unknown> = { ...(req.query as Record<string, unknown>), ...bodyObject(req.body) };
  if (typeof source.param === 'string') {
    try {
      const parsed: unknown = JSON.parse(source.param);
      if (!isPlainObject(parsed)) return err('param must be a JSON object');
      source = parsed;
    } catch {
      return err('param is not valid JSON');
    }
  }
  if (source.goods_id === undefined) return err('goods_id is required');
  const goodsId = idOf(source.goods_id, 'goods_id');
  if (!goodsId.ok) return goodsId;
  // Only an absent paid_type means the seed's default; null or anything else is a mistake to report, not to guess.
  const paidType = source.paid_type === undefined ? 'WXPAY' : source.paid_type;
  if (!isPaidType(paidType)) return err('paid_type must be WXPAY, INTEGRAL or MIXED');
  const uid = optional(source.uid, (v) => idOf(v, 'uid'));
  if (!uid.ok) return uid;
  return ok(uid.value === undefined ? { goodsId: goodsId.value, paidType } : { goodsId: goodsId.value, paidType, uid: uid.value });
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const bodyObject = (body: unknown): Record<string, unknown> => (isPlainObject(body) ? body : {});
