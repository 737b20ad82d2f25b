import type { Request } from 'express';
import { isPaidType, type PaidType } from '../../domain/paid-type.js';
import { err, ok, type Result } from '../../domain/result.js';

export interface PrepayParams {
  readonly goodsId: number;
  readonly paidType: PaidType;
  /** The seed let clients name the uid; we only accept it when it equals the token's. */
  readonly uid?: number;
}

const POSITIVE_INT = /^[1-9]\d{0,9}$/;

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
  const goodsId = integerField(source.goods_id);
  if (goodsId === undefined) return err('goods_id is required and must be a positive integer');
  const paidType = source.paid_type ?? 'WXPAY';
  if (!isPaidType(paidType)) return err('paid_type must be WXPAY, INTEGRAL or MIXED');
  if (source.uid === undefined || source.uid === '') return ok({ goodsId, paidType });
  const uid = integerField(source.uid);
  if (uid === undefined) return err('uid must be a positive integer');
  return ok({ goodsId, paidType, uid });
}

function integerField(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  return typeof value === 'string' && POSITIVE_INT.test(value) ? Number(value) : undefined;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const bodyObject = (body: unknown): Record<string, unknown> => (isPlainObject(body) ? body : {});
