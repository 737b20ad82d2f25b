import type { NextFunction, Request, Response } from 'express';
import { OutTradeNo } from '../../domain/out-trade-no.js';
import { sendError } from './envelope.js';

/**
 * `router.param('outTradeNo', outTradeNoParam)`: a merchant order number is at most 32 of WeChat's characters, so
 * anything else (control characters, other scripts, an overlong value) is refused here, before any lookup.
 */
export function outTradeNoParam(_req: Request, res: Response, next: NextFunction, value: string): void {
  if (!OutTradeNo.parse(value)) return sendError(res, 400, 'out_trade_no must be 1 to 32 of 0-9 A-Z a-z _ - * |');
  next();
}
