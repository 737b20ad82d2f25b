import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Money } from '../../src/domain/money.js';
import { ALLOWED_TRANSITIONS, ORDER_STATUSES, Order, type OrderStatus } from '../../src/domain/order.js';
import { anOrder } from '../support/builders.js';

/** The model: what design.md §3 says an order is, in the fewest fields that decide every rule. */
interface Model {
  status: OrderStatus;
  transactionId?: string;
  needsReview: boolean;
  holdsOpenSlot: boolean;
  refund?: { outRefundNo: string; fen: number; status: 'PROCESSING' | 'SUCCESS' | 'CLOSED' };
  events: string[];
}

interface Real {
  order: Order;
  events: string[];
}

const AMOUNT = Money.ofFen(9900);
const at = new Date(Date.UTC(2026, 0, 15, 5, 0, 0));

type Cmd = fc.Command<Model, Real>;

class ConfirmPaid implements Cmd {
  constructor(readonly transactionId: string, readonly fen: number) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const result = r.order.confirmPaid({ transactionId: this.transactionId, amount: Money.ofFen(this.fen), paidAt: at });
    r.events.push(...r.order.pullEvents().map((e) => e.type));
    if (this.fen !== AMOUNT.fen) {
      expect(result).toEqual({ ok: false, error: { kind: 'AmountMismatch', expectedFen: AMOUNT.fen, paidFen: this.fen } });
    } else if (m.status === 'CHECKED' || m.status === 'FAILED') {
      expect(result).toEqual({ ok: true, value: 'changed' });
      m.needsReview ||= m.status === 'FAILED';
      m.status = 'SUCC';
      m.transactionId = this.transactionId;
      m.holdsOpenSlot = false;
      m.events.push('OrderPaid');
    } else if (m.transactionId === this.transactionId) {
      expect(result).toEqual({ ok: true, value: 'unchanged' });
    } else {
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.kind).toBe('ConflictingPayment');
    }
    expectAgree(m, r);
  }
  toString = (): string => `confirmPaid(${this.transactionId}, ${this.fen})`;
}

class MarkFailed implements Cmd {
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const result = r.order.markFailed('CLOSED', at);
    r.events.push(...r.order.pullEvents().map((e) => e.type));
    if (m.status === 'CHECKED') {
      expect(result).toEqual({ ok: true, value: 'changed' });
      m.status = 'FAILED';
      m.holdsOpenSlot = false;
      m.events.push('OrderFailed');
    } else if (m.status === 'FAILED') {
      expect(result).toEqual({ ok: true, value: 'unchanged' });
    } else {
      expect(result).toEqual({ ok: false, error: { kind: 'IllegalTransition', from: m.status, to: 'FAILED' } });
    }
    expectAgree(m, r);
  }
  toString = (): string => 'markFailed';
}

class RequestRefund implements Cmd {
  constructor(readonly fen: number) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const result = r.order.requestRefund(Money.ofFen(this.fen), at);
    if (m.status !== 'SUCC') {
      expect(result).toEqual({ ok: false, error: { kind: 'IllegalTransition', from: m.status, to: 'REFUND' } });
    } else if (this.fen === 0 || this.fen > AMOUNT.fen) {
      expect(result).toEqual({ ok: false, error: { kind: 'RefundExceedsPayment', paidFen: AMOUNT.fen, refundFen: this.fen } });
    } else if (m.refund?.status === 'PROCESSING') {
      expect(result).toEqual(m.refund.fen === this.fen ? { ok: true, value: 'unchanged' } : { ok: false, error: { kind: 'RefundInProgress', outRefundNo: m.refund.outRefundNo, amountFen: m.refund.fen } });
    } else {
      expect(result).toEqual({ ok: true, value: 'changed' });
      const attempt = m.refund ? Number(m.refund.outRefundNo.split('R').pop()) + 1 : 1;
      m.refund = { outRefundNo: `${r.order.state.outTradeNo.value}R${attempt}`, fen: this.fen, status: 'PROCESSING' };
    }
    expectAgree(m, r);
  }
  toString = (): string => `requestRefund(${this.fen})`;
}

class RefundClosed implements Cmd {
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const no = m.refund?.outRefundNo ?? 'none';
    expect(r.order.refundClosed(no, at)).toBe(m.refund?.status === 'PROCESSING' ? 'changed' : 'unchanged');
    if (m.refund?.status === 'PROCESSING') m.refund.status = 'CLOSED';
    expectAgree(m, r);
  }
  toString = (): string => 'refundClosed';
}

class ConfirmRefunded implements Cmd {
  /** `ours`: WeChat confirms the refund we requested; otherwise one made outside the service (console). */
  constructor(readonly ours: boolean) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const confirmed = this.ours && m.refund ? { outRefundNo: m.refund.outRefundNo, amount: Money.ofFen(m.refund.fen), at } : { outRefundNo: 'console-1', amount: AMOUNT, at };
    const result = r.order.confirmRefunded(confirmed);
    r.events.push(...r.order.pullEvents().map((e) => e.type));
    if (m.status === 'SUCC') {
      expect(result).toEqual({ ok: true, value: 'changed' });
      m.status = 'REFUND';
      m.needsReview ||= !(this.ours && m.refund);
      m.refund = { outRefundNo: confirmed.outRefundNo, fen: confirmed.amount.fen, status: 'SUCCESS' };
      m.events.push('OrderRefunded');
    } else if (m.status === 'REFUND') {
      expect(result).toEqual({ ok: true, value: 'unchanged' });
    } else {
      expect(result).toEqual({ ok: false, error: { kind: 'IllegalTransition', from: m.status, to: 'REFUND' } });
    }
    expectAgree(m, r);
  }
  toString = (): string => `confirmRefunded(${this.ours ? 'ours' : 'console'})`;
}

class Supersede implements Cmd {
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    expect(r.order.supersede(at)).toBe(m.holdsOpenSlot ? 'changed' : 'unchanged');
    m.holdsOpenSlot = false;
    expectAgree(m, r);
  }
  toString = (): string => 'supersede';
}

class AttachPrepay implements Cmd {
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const prepay = { prepayId: 'wx1', issuedAt: at, expiresAt: new Date(at.getTime() + 7_200_000), signType: 'MD5' };
    const result = r.order.attachPrepay(prepay, at);
    expect(result.ok).toBe(m.status === 'CHECKED');
    expectAgree(m, r);
  }
  toString = (): string => 'attachPrepay';
}

function expectAgree(m: Model, r: Real): void {
  const s = r.order.state;
  expect(s.status).toBe(m.status);
  expect(s.transactionId).toBe(m.transactionId);
  expect(s.needsReview).toBe(m.needsReview);
  expect(s.holdsOpenSlot).toBe(m.holdsOpenSlot);
  expect(s.refund && { outRefundNo: s.refund.outRefundNo, fen: s.refund.amount.fen, status: s.refund.status }).toEqual(m.refund);
  expect(r.events).toEqual(m.events);
  if (s.status === 'SUCC' || s.status === 'REFUND') expect(s.paidAt).toEqual(at);
}

const commands = fc.commands(
  [
    fc.tuple(fc.constantFrom('4200000001', '4200000002'), fc.constantFrom(AMOUNT.fen, AMOUNT.fen, 1, AMOUNT.fen + 1)).map(
      ([t, fen]) => new ConfirmPaid(t, fen),
    ),
    fc.constant(new MarkFailed()),
    fc.boolean().map((ours) => new ConfirmRefunded(ours)),
    fc.constantFrom(0, 1, 5000, AMOUNT.fen, AMOUNT.fen + 1).map((fen) => new RequestRefund(fen)),
    fc.constant(new RefundClosed()),
    fc.constant(new Supersede()),
    fc.constant(new AttachPrepay()),
  ],
  { maxCommands: 25 },
);

describe('Order state machine', () => {
  test.prop([commands], { numRuns: 1000 })('agrees with the model over any command sequence', (cmds) => {
    const setup = (): { model: Model; real: Real } => ({
      model: { status: 'CHECKED', needsReview: false, holdsOpenSlot: true, events: [] },
      real: { order: anOrder({ cash: AMOUNT }), events: [] },
    });
    fc.modelRun(setup, cmds);
  });

  it('allows exactly the transitions of design.md §3', () => {
    const allowed = ORDER_STATUSES.flatMap((from) => ALLOWED_TRANSITIONS[from].map((to) => `${from}->${to}`));
    expect(allowed.sort()).toEqual(['CHECKED->FAILED', 'CHECKED->SUCC', 'FAILED->SUCC', 'SUCC->REFUND']);
  });

  it('flags a payment that arrives after the order was closed for review', () => {
    const order = anOrder({ cash: AMOUNT });
    order.markFailed('CLOSED', at);
    order.pullEvents();
    expect(order.confirmPaid({ transactionId: 'T', amount: AMOUNT, paidAt: at }).ok).toBe(true);
    expect(order.state.needsReview).toBe(true);
    expect(order.pullEvents()).toMatchObject([{ type: 'OrderPaid', afterFailure: true, transactionId: 'T', cashFen: 9900 }]);
  });

  it('never overwrites the recorded transaction with a different one', () => {
    const order = anOrder({ cash: AMOUNT });
    order.confirmPaid({ transactionId: 'FIRST', amount: AMOUNT, paidAt: at });
    const second = order.confirmPaid({ transactionId: 'SECOND', amount: AMOUNT, paidAt: at });
    expect(second).toEqual({
      ok: false,
      error: { kind: 'ConflictingPayment', recordedTransactionId: 'FIRST', incomingTransactionId: 'SECOND' },
    });
    expect(order.state.transactionId).toBe('FIRST');
  });

  it('keeps a refunded order refunded when the payment notice is delivered again', () => {
    const order = anOrder({ cash: AMOUNT });
    order.confirmPaid({ transactionId: 'T', amount: AMOUNT, paidAt: at });
    order.confirmRefunded({ outRefundNo: 'R1', amount: AMOUNT, at });
    expect(order.confirmPaid({ transactionId: 'T', amount: AMOUNT, paidAt: at })).toEqual({ ok: true, value: 'unchanged' });
    expect(order.status).toBe('REFUND');
  });

  it('opens CHECKED, unpaid, holding the open slot, at version 0', () => {
    const order = Order.open(
      { outTradeNo: anOrder().state.outTradeNo, uid: 1, goodsId: 2, paidType: 'WXPAY', price: { cash: AMOUNT, integral: 0 } },
      at,
    );
    expect(order.state).toMatchObject({ status: 'CHECKED', holdsOpenSlot: true, version: 0, needsReview: false });
    expect(order.state.transactionId).toBeUndefined();
  });
});
