import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { SimulatorState, type OrderScope } from '../../../src/sandbox/simulator/state.js';
import { ManualClock } from '../../support/doubles/manual-clock.js';

/**
 * out_trade_no is unique per merchant and per sub-merchant (WeChat's rule): over random interleavings of prepay, pay,
 * close and refund on a few shared numbers at four scopes (the simulator's own merchant, another direct merchant, two
 * sub-merchants of one provider), every scope's orders behave as if the others did not exist — a model of one
 * merchant per scope predicts every outcome, and no operation of one scope finds or changes another's order.
 */

const SCOPES: readonly (OrderScope | undefined)[] = [
  undefined,
  { mchId: '1900000200' },
  { mchId: '1900000300', subMchId: '1900000311' },
  { mchId: '1900000300', subMchId: '1900000322' },
];
const NOS = ['MS0000001', 'MS0000002'];

type Op =
  | { kind: 'prepay'; scope: number; no: number; fee: number }
  | { kind: 'pay'; scope: number; no: number }
  | { kind: 'close'; scope: number; no: number }
  | { kind: 'refund'; scope: number; no: number; fee: number };

const scope = fc.nat(SCOPES.length - 1);
const no = fc.nat(NOS.length - 1);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('prepay' as const), scope, no, fee: fc.constantFrom(100, 200) }),
  fc.record({ kind: fc.constant('pay' as const), scope, no }),
  fc.record({ kind: fc.constant('close' as const), scope, no }),
  fc.record({ kind: fc.constant('refund' as const), scope, no, fee: fc.integer({ min: 1, max: 120 }) }),
);

interface ModelOrder {
  fee: number;
  state: 'NOTPAY' | 'SUCCESS' | 'REFUND' | 'CLOSED';
  refunded: number;
  prepayId: string;
}

describe('orders are per merchant and per sub-merchant', () => {
  test.prop([fc.array(op, { minLength: 1, maxLength: 40 })])('every scope behaves as a merchant alone', (ops) => {
    const state = new SimulatorState(new ManualClock());
    const model = new Map<string, ModelOrder>();
    const key = (s: number, n: number): string => `${s}:${n}`;
    let refundSerial = 0;
    for (const o of ops) {
      const sc = SCOPES[o.scope];
      const outTradeNo = NOS[o.no] as string;
      const known = model.get(key(o.scope, o.no));
      if (o.kind === 'prepay') {
        const fields = {
          out_trade_no: outTradeNo,
          total_fee: String(o.fee),
          openid: 'oUser',
          notify_url: 'https://m.example/n',
          body: 'x',
        };
        const outcome = state.unifiedOrder(fields, 'MD5', sc);
        if (!known) {
          expect(outcome.ok).toBe(true);
          if (outcome.ok) model.set(key(o.scope, o.no), { fee: o.fee, state: 'NOTPAY', refunded: 0, prepayId: outcome.value.prepayId });
        } else {
          expect(outcome.ok).toBe(known.state === 'NOTPAY' && known.fee === o.fee);
        }
      } else if (o.kind === 'pay') {
        if (!known) continue;
        const paid = state.pay(known.prepayId);
        expect(paid.ok).toBe(known.state === 'NOTPAY');
        if (paid.ok) known.state = 'SUCCESS';
      } else if (o.kind === 'close') {
        const outcome = state.close(outTradeNo, 0, sc);
        expect(outcome.ok).toBe(known?.state === 'NOTPAY');
        if (outcome.ok && known) known.state = 'CLOSED';
      } else {
        const request = {
          out_trade_no: outTradeNo,
          out_refund_no: `R${++refundSerial}`,
          total_fee: String(known?.fee ?? 100),
          refund_fee: String(o.fee),
        };
        const outcome = state.refund(request, undefined, 'v2', sc);
        const allowed =
          known !== undefined && (known.state === 'SUCCESS' || known.state === 'REFUND') && known.refunded + o.fee <= known.fee;
        expect(outcome.ok).toBe(allowed);
        if (outcome.ok && known) {
          known.refunded += o.fee;
          known.state = 'REFUND';
        }
      }
      // After every step, every scope sees exactly its own orders.
      SCOPES.forEach((s, i) => {
        NOS.forEach((n, j) => {
          const expected = model.get(key(i, j));
          const found = state.find({ outTradeNo: n }, s);
          expect(found === undefined ? undefined : { fee: found.totalFee, state: found.state }).toEqual(
            expected === undefined ? undefined : { fee: expected.fee, state: expected.state },
          );
          if (found) expect(found.scope).toEqual(s);
        });
        expect(state.allOrders(s)).toHaveLength(NOS.filter((_, j) => model.has(key(i, j))).length);
      });
      // The provider's view without a sub-merchant is its two sub-merchants' orders, nobody else's.
      expect(state.allOrders({ mchId: '1900000300' })).toHaveLength(
        [...model.keys()].filter((k) => k.startsWith('2:') || k.startsWith('3:')).length,
      );
    }
  });
});
