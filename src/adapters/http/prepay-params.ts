import type { Request } from 'express';
import type { PaidType } from '../../domain/paid-type.js';
import { err, ok, type Result } from '../../domain/result.js';
import { PrepayInput } from './request-schemas.js';

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
  const input = PrepayInput.parse({ query: source });
  if (!input.ok) return input;
  const { goods_id: goodsId, paid_type: paidType, uid } = input.value;
  return ok(uid === undefined ? { goodsId, paidType } : { goodsId, paidType, uid });
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const bodyObject = (body: unknown): Record<string, unknown> => (isPlainObject(body) ? body : {});
