/**
 * The words the pages show for the server's codes. Chinese first, English beside it: the shop's customers read
 * Chinese, and the example is read by developers who may not.
 */

import type { OrderStatus, PaidType } from './wxpay-client.js';

/** The buy buttons, and the payment method on the pay page. */
export const PAID_TYPE_TITLES: Record<PaidType, string> = {
  WXPAY: '微信支付 WeChat Pay',
  INTEGRAL: '健康币 Coins',
  MIXED: '混合支付 Mixed',
};

export const ORDER_STATUS_TITLES: Record<OrderStatus, string> = {
  CHECKED: '待支付 awaiting payment',
  SUCC: '已支付 paid',
  FAILED: '支付失败 failed',
  REFUND: '已退款 refunded',
};
