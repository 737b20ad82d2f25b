import { describe, expect, it } from 'vitest';
import type { InboundCallback, NotifyVerifier, PaymentNotice } from '../../../src/application/ports/notify-verifier.js';
import { anyMerchantVerifier } from '../../../src/adapters/merchants/any-merchant-verifier.js';
import { Money } from '../../../src/domain/money.js';
import { err, ok } from '../../../src/domain/result.js';

const callback: InboundCallback = { body: '<xml/>', headers: {} };
const noticeOf = (mchId: string): PaymentNotice => ({
  appId: 'wx2421b1c4370ec43b',
  mchId,
  outTradeNo: '1',
  transactionId: '4200000001',
  totalFee: Money.ofFen(1),
  succeeded: true,
});

/** A merchant's verifier that accepts only callbacks meant for it, and counts what it was asked. */
function merchant(mchId: string, accepts: boolean) {
  const asked: string[] = [];
  const verifier: NotifyVerifier = {
    payment: async () => (asked.push('payment'), accepts ? ok(noticeOf(mchId)) : err({ reason: `not ${mchId}`, detail: mchId })),
    refund: async () => (asked.push('refund'), err({ reason: `not ${mchId}`, detail: mchId })),
  };
  return { verifier, asked };
}

describe('anyMerchantVerifier', () => {
  it("accepts a callback with the one merchant's verifier that accepts it, asking no one after it", async () => {
    const [a, b, c] = [merchant('1', false), merchant('2', true), merchant('3', true)];
    expect(await anyMerchantVerifier([a.verifier, b.verifier, c.verifier]).payment(callback)).toEqual(ok(noticeOf('2')));
    expect([a.asked, b.asked, c.asked]).toEqual([['payment'], ['payment'], []]);
  });

  it("refuses with the first merchant's reason when no merchant accepts: with one merchant, exactly its verifier", async () => {
    const [a, b] = [merchant('1', false), merchant('2', false)];
    expect(await anyMerchantVerifier([a.verifier, b.verifier]).refund(callback)).toEqual(err({ reason: 'not 1', detail: '1' }));
    expect(await anyMerchantVerifier([a.verifier]).payment(callback)).toEqual(err({ reason: 'not 1', detail: '1' }));
  });

  it('needs a merchant', () => {
    expect(() => anyMerchantVerifier([])).toThrow(RangeError);
  });
});
