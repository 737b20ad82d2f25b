import type { Money } from '../domain/money.js';
import type { Order } from '../domain/order.js';
import type { Clock } from './ports/clock.js';
import type { MerchantIdentity } from './ports/merchant.js';
import type { OrderRepository } from './ports/order-repository.js';
import type { PaymentGateway } from './ports/payment-gateway.js';
import type { PaymentRecorder } from './payment-recorder.js';

/** A decrypted refund notice, protocol-neutral. */
export interface RefundNotice {
  readonly appId: string;
  readonly mchId: string;
  readonly outTradeNo: string;
  readonly outRefundNo: string;
  readonly status: 'SUCCESS' | 'REFUNDCLOSE' | 'CHANGE';
  readonly refundFee: Money;
}

export type RefundNoticeVerdict =
  | { readonly ack: true; readonly result: 'refunded' | 'duplicate' | 'closed' | 'abnormal' }
  | { readonly ack: false; readonly reason: 'ForeignMerchant' | 'UnknownOrder' | 'NotConfirmedByWechat' | 'Rejected'; readonly alert: boolean };

/**
 * A refund notice is encrypted, not signed, and ECB lets a forger splice blocks: it is a hint to ask WeChat
 * (refundquery), and only WeChat's answer changes the order.
 */
export class HandleRefundNotice {
  constructor(
    private readonly merchant: MerchantIdentity,
    private readonly orders: OrderRepository,
    private readonly gateway: PaymentGateway,
    private readonly recorder: PaymentRecorder,
    private readonly clock: Clock,
  ) {}

  async execute(notice: RefundNotice): Promise<RefundNoticeVerdict> {
    if (notice.appId !== this.merchant.appId || notice.mchId !== this.merchant.mchId) return refuse('ForeignMerchant', true);
    const order = await this.orders.findByOutTradeNo(notice.outTradeNo);
    if (!order) return refuse('UnknownOrder', true);
    if (order.status === 'REFUND' && order.state.refund?.outRefundNo === notice.outRefundNo) return { ack: true, result: 'duplicate' };
    return settleRefund(order, notice.outRefundNo, this.gateway, this.recorder, this.clock, notice.status);
  }
}

/**
 * Applies what refundquery says about one refund number; shared with reconciliation. `claimed` is what the notice
 * said, if anything: a claim WeChat does not back is refused so that the notice is retried.
 */
export async function settleRefund(
  order: Order,
  outRefundNo: string,
  gateway: PaymentGateway,
  recorder: PaymentRecorder,
  clock: Clock,
  claimed?: RefundNotice['status'],
): Promise<RefundNoticeVerdict> {
  const query = await gateway.queryRefund(outRefundNo);
  switch (query.kind) {
    case 'succeeded': {
      const outcome = await recorder.recordRefund(order, { outRefundNo, amount: query.amount, at: query.at });
      if (outcome.kind === 'recorded') return { ack: true, result: 'refunded' };
      if (outcome.kind === 'alreadyRecorded') return { ack: true, result: 'duplicate' };
      return refuse(outcome.kind === 'orderVanished' ? 'UnknownOrder' : 'Rejected', true);
    }
    case 'closed':
      await recorder.recordRefundClosed(order, outRefundNo, clock.now());
      return claimed === undefined || claimed === 'REFUNDCLOSE' ? { ack: true, result: 'closed' } : refuse('NotConfirmedByWechat', true);
    case 'abnormal':
      return claimed === undefined || claimed === 'CHANGE' ? { ack: true, result: 'abnormal' } : refuse('NotConfirmedByWechat', true);
    case 'processing':
    case 'notFound':
      return refuse('NotConfirmedByWechat', claimed !== undefined);
  }
}

const refuse = (reason: Extract<RefundNoticeVerdict, { ack: false }>['reason'], alert: boolean): RefundNoticeVerdict => ({
  ack: false,
  reason,
  alert,
});
