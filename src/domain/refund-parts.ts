import type { Money } from './money.js';
import type { Refund, RefundReport } from './refund.js';

/**
 * How WeChat split a refund of an order a coupon paid part of (v2 cash_refund_fee / coupon_refund_fee, v3
 * amount.payer_refund / amount.discount_refund): `amount` is refunded against the order's price, the user gets
 * `cash` back and `coupon` returns to the coupon.
 */
export interface RefundParts {
  readonly cash: Money;
  readonly coupon: Money;
}

/** The parts of a refund of `amount`, if they add up to it (WeChat's answer is refused otherwise). */
export const refundPartsOf = (amount: Money, cash: Money, coupon: Money): RefundParts | undefined =>
  cash.fen + coupon.fen === amount.fen ? { cash, coupon } : undefined;

/**
 * What a report tells of a refund that the refund does not know yet: WeChat's refund_id, and the parts. Parts once
 * told are kept: a later message without them (a v2 notify) does not forget them. Undefined when it tells nothing new.
 */
export function learnedFrom(refund: Refund, report: RefundReport): Pick<Refund, 'refundId' | 'parts'> | undefined {
  const refundId = refund.refundId === undefined && report.refundId !== '' ? report.refundId : undefined;
  const parts = refund.parts === undefined ? report.parts : undefined;
  if (refundId === undefined && parts === undefined) return undefined;
  return { ...(refundId === undefined ? {} : { refundId }), ...(parts === undefined ? {} : { parts }) };
}
