import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { Money } from '../../src/domain/money.js';
import { ORDER_STATUSES } from '../../src/domain/order-status.js';
import { REFUND_STATUSES, refundNumber, type Refund } from '../../src/domain/refund.js';
import { anOrder, anOutTradeNo } from '../support/builders.js';

const at = new Date(Date.UTC(2026, 0, 15, 4, 0, 0));

/** Any order: any status, any cash amount (0: paid in coins only), any refunds already asked for. */
const anyOrder = fc
  .record({
    status: fc.constantFrom(...ORDER_STATUSES),
    paidFen: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100_000 })),
    refunds: fc.array(fc.record({ fen: fc.integer({ min: 1, max: 40_000 }), status: fc.constantFrom(...REFUND_STATUSES) }), {
      maxLength: 6,
    }),
  })
  .map(({ status, paidFen, refunds }) => {
    const outTradeNo = anOutTradeNo();
    const asked: Refund[] = refunds.map((r, i) => ({
      seq: i + 1,
      outRefundNo: refundNumber(outTradeNo.value, i + 1),
      amount: Money.ofFen(r.fen),
      status: r.status,
      requestedAt: at,
      requestKey: `key-${i + 1}`,
    }));
    return anOrder({
      outTradeNo,
      status,
      cash: Money.ofFen(paidFen),
      integral: 30,
      refunds: asked,
      transactionId: '4200000000000000000000000001',
    });
  });

describe('what is refundable: one definition, read alike by the order and by a refund request', () => {
  test.prop([anyOrder])('a new request may take exactly what the order says is refundable, and no more', (order) => {
    const refundable = order.refundable;
    const fen = order.refundableFen;
    expect(fen).toBe(refundable.kind === 'cash' ? refundable.fen : 0);
    if (order.status !== 'SUCC') expect(refundable.kind).toBe('nothing');
    if (order.status === 'SUCC' && order.state.cash.isZero()) expect(refundable.kind).toBe('coinsOnly');

    const tooMuch = order.requestRefund({ amount: Money.ofFen(fen + 1), requestKey: 'new-too-much', at });
    expect(tooMuch.ok).toBe(false);
    if (!tooMuch.ok && order.status === 'SUCC')
      expect(tooMuch.error).toEqual({ kind: 'RefundExceedsPayment', requestedFen: fen + 1, refundableFen: fen });
    if (!tooMuch.ok && order.status !== 'SUCC') expect(tooMuch.error).toEqual({ kind: 'NotRefundable', status: order.status });

    if (refundable.kind === 'cash') {
      const all = order.requestRefund({ amount: Money.ofFen(fen), requestKey: 'new-all', at });
      expect(all.ok).toBe(true);
      expect(order.refundable).toEqual({ kind: 'nothing' });
    }
  });
});
