import { describe, expect, it } from 'vitest';
import { UntrustedResponseError } from '../../../../src/adapters/wechatpay/shared/errors.js';
import { refundReportOf } from '../../../../src/adapters/wechatpay/v3/answers.js';
import { Money } from '../../../../src/domain/money.js';

/** API v3 says how a refund was split in `amount`: payer_refund to the user, discount_refund back to the coupon. */
describe('v3 refund parts', () => {
  const now = new Date(Date.UTC(2026, 0, 15, 4));
  const refund = (amount: Record<string, unknown>) => ({
    out_trade_no: '2026011512000000021234567890',
    transaction_id: '4200000000000000000000000001',
    out_refund_no: '2026011512000000021234567890R1',
    refund_id: '50000000000000000000000000001',
    status: 'PROCESSING',
    amount: { total: 1900, refund: 1900, currency: 'CNY', ...amount },
  });

  it('reads the cash and coupon parts, with or without discount_refund', () => {
    expect(refundReportOf(refund({ payer_refund: 1400, discount_refund: 500 }), 'refund', now).parts).toEqual({
      cash: Money.ofFen(1400),
      coupon: Money.ofFen(500),
    });
    expect(refundReportOf(refund({ payer_refund: 1400 }), 'refund', now).parts).toEqual({
      cash: Money.ofFen(1400),
      coupon: Money.ofFen(500),
    });
    expect(refundReportOf(refund({}), 'refund', now).parts).toBeUndefined();
  });

  it('refuses parts that do not add up to the refund', () => {
    for (const amount of [
      { payer_refund: 1400, discount_refund: 400 },
      { payer_refund: 2000 },
      { payer_refund: -1 },
      { payer_refund: '1400' },
    ]) {
      expect(() => refundReportOf(refund(amount), 'refund', now)).toThrow(UntrustedResponseError);
    }
  });
});
