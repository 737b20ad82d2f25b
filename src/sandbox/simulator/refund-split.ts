/**
 * How the simulator splits a refund of an order a coupon paid part of, as WeChat does: in proportion to what the
 * coupon paid (rounded down; the cash part takes the remainder), so a full refund returns the whole coupon.
 */
export function refundSplit(order: { readonly totalFee: number; readonly couponFee: number }, refundFee: number) {
  const coupon = order.totalFee === 0 ? 0 : Math.floor((refundFee * order.couponFee) / order.totalFee);
  return { cash: refundFee - coupon, coupon };
}
