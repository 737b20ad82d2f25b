import type {
  CallbackRejection,
  InboundCallback,
  NotifyVerifier,
  PaymentNotice,
  RefundNotice,
} from '../../../application/ports/notify-verifier.js';
import { err, ok, type Result } from '../../../domain/result.js';
import { REFUND_STATUS_OF } from './answers.js';
import { parsePaymentNotify, type MerchantKeys } from './notify.js';
import { decryptRefundNotify } from './refund-notify.js';

/** API v2's callbacks: signed XML payment notifies, AES-256-ECB encrypted refund notifies (protocol digest §5, §8.3). */
export class WechatPayV2NotifyVerifier implements NotifyVerifier {
  constructor(private readonly merchant: MerchantKeys) {}

  async payment(callback: InboundCallback): Promise<Result<PaymentNotice, CallbackRejection>> {
    await Promise.resolve();
    const parsed = parsePaymentNotify(callback.body, this.merchant);
    return parsed.ok ? ok(parsed.value.notice) : err(parsed.error);
  }

  async refund(callback: InboundCallback): Promise<Result<RefundNotice, CallbackRejection>> {
    await Promise.resolve();
    const decrypted = decryptRefundNotify(callback.body, this.merchant);
    if (!decrypted.ok) return err(decrypted.error);
    const n = decrypted.value;
    const status = REFUND_STATUS_OF[n.refundStatus];
    if (status === undefined || status === 'PROCESSING') return err({ reason: 'badField', detail: 'refund_status is not a final status' });
    return ok({
      appId: n.appId,
      mchId: n.mchId,
      ...(n.subMchId === undefined ? {} : { subMchId: n.subMchId }),
      outTradeNo: n.outTradeNo,
      transactionId: n.transactionId,
      outRefundNo: n.outRefundNo,
      refundId: n.refundId,
      status,
      refundFee: n.refundFee,
      totalFee: n.totalFee,
      ...(n.successAt ? { at: n.successAt } : {}),
    });
  }
}
