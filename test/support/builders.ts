import { Money } from '../../src/domain/money.js';
import { Order, type OrderState } from '../../src/domain/order.js';
import { OutTradeNo } from '../../src/domain/out-trade-no.js';
import type { Goods } from '../../src/domain/goods.js';
import { SAMPLE_MERCHANT } from '../../src/adapters/wechatpay/shared/sample-merchant.js';

let serial = 0;

/** A unique 28-digit shop-goods number per call, in the seed's format. */
export function anOutTradeNo(): OutTradeNo {
  serial++;
  return OutTradeNo.parse(`20260115120000${'0002'}${String(serial).padStart(10, '0')}`) as OutTradeNo;
}

export function anOrder(overrides: Partial<OrderState> = {}): Order {
  const createdAt = overrides.createdAt ?? new Date(Date.UTC(2026, 0, 15, 4, 0, 0));
  return Order.restore({
    outTradeNo: anOutTradeNo(),
    uid: 7,
    goodsId: 3,
    paidType: 'WXPAY',
    cash: Money.ofFen(9900),
    integral: 0,
    status: 'CHECKED',
    createdAt,
    updatedAt: createdAt,
    refunds: [],
    holdsOpenSlot: true,
    version: 0,
    merchantId: 'default',
    appId: SAMPLE_MERCHANT.appId,
    ...overrides,
  });
}

/**
 * Pays the order (SUCC, that transaction at paidAt) and, with `refunded`, refunds all of it as WeChat reports a
 * settled refund (REFUND): the rows the statistics and shop listings count. Throws on any refusal.
 */
export function settle(
  order: Order,
  { transactionId, paidAt, refunded }: { transactionId: string; paidAt: Date; refunded: boolean },
): Order {
  if (!order.confirmPaid({ transactionId, amount: order.state.cash, paidAt }).ok) throw new Error('payment refused');
  if (!refunded) return order;
  const r = order.requestRefund({ amount: order.state.cash, at: paidAt });
  if (!r.ok) throw new Error('refund refused');
  const { outRefundNo, amount } = r.value.refund;
  const report = {
    outTradeNo: order.state.outTradeNo.value,
    transactionId,
    outRefundNo,
    refundId: 'R',
    amount,
    status: 'SUCCESS' as const,
  };
  if (!order.applyRefundReport({ ...report, at: paidAt }).ok) throw new Error('refund report refused');
  return order;
}

export function aGoods(overrides: Partial<Goods> = {}): Goods {
  return {
    id: 3,
    appId: SAMPLE_MERCHANT.appId,
    name: 'Yoga course',
    marketPrice: Money.ofFen(9900),
    salePrice: Money.ofFen(6900),
    integral: 30,
    online: true,
    ...overrides,
  };
}
