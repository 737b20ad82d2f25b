import type { Response } from 'express';
import type { ErrorResponse } from './error-status.js';

/**
 * The seed's response envelope: `{ errcode: <http status>, msg, data }`, with the HTTP status equal to errcode, so
 * clients written for the seed keep working.
 */
export function sendOk(res: Response, data: unknown): void {
  res.status(200).json({ errcode: 200, msg: 'SUCCESS', data });
}

/** A plain error: `msg` carries the reason; nothing internal (stack, SQL, keys) ever goes out. */
export function sendError(res: Response, status: number, reason: string): void {
  res.status(status).json({ errcode: status, msg: reason, data: null });
}

/** The seed's business-failure shape for the payment endpoints: `data: { status: -1, result: 'fail', data: reason }`. */
export function sendPaymentFailure(res: Response, status: number, reason: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ errcode: status, msg: reason, data: { status: -1, result: 'fail', data: reason, ...extra } });
}

export function sendPaymentSuccess(res: Response, data: unknown): void {
  res.status(200).json({ errcode: 200, msg: 'SUCCESS', data: { status: 1, result: 'success', data } });
}

/**
 * An application error as the client sees it, in the plain or the payment shape; a 429 or 503 says when to retry
 * (Retry-After), whichever route answers it.
 */
export function sendFailure(res: Response, failure: ErrorResponse, shape: 'plain' | 'payment' = 'plain'): void {
  if (failure.retryAfterSeconds !== undefined) res.set('Retry-After', String(failure.retryAfterSeconds));
  if (shape === 'payment') sendPaymentFailure(res, failure.status, failure.reason, { ...failure.extra });
  else sendError(res, failure.status, failure.reason);
}
