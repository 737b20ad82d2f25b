import type { NextFunction, Request, Response } from 'express';
import { sendError } from './envelope.js';
import { OrderNumberPath } from './request-schemas.js';

/**
 * `router.param('outTradeNo', outTradeNoParam)`: a merchant order number is at most 32 of WeChat's characters, so
 * anything else (control characters, other scripts, an overlong value) is refused here, before any lookup.
 */
export function outTradeNoParam(_req: Request, res: Response, next: NextFunction, value: string): void {
  const parsed = OrderNumberPath.parse({ path: { outTradeNo: value } });
  if (!parsed.ok) return sendError(res, 400, parsed.error);
  next();
}
