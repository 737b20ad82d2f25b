import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Money } from '../../src/domain/money.js';
import { Order } from '../../src/domain/order.js';
import { ALLOWED_TRANSITIONS, ORDER_STATUSES, type OrderStatus } from '../../src/domain/order-status.js';
import { prepayFor } from '../../src/domain/prepay.js';
import {
  MAX_REFUNDS_PER_ORDER,
  REFUND_TRANSITIONS,
  type RefundReport,
  type RefundStatus,
  type ReportedStatus,
} from '../../src/domain/refund.js';
import { anOrder } from '../support/builders.js';

/** The model: what design.md §3 says an order is, in the fewest fields that decide every rule. */
interface ModelRefund {
  outRefundNo: string;
  fen: number;
  status: RefundStatus;
  key?: string;
  refundId?: string;
}

interface Model {
  status: OrderStatus;
  transactionId?: string;
  review: boolean;
  holdsOpenSlot: boolean;
  refunds: ModelRefund[];
  events: string[];
  /** A person resolved the review while the refunds were beyond the payment: they know, WeChat's word settles it. */
  beyondResolved?: boolean;
}

interface Real {
  order: Order;
  events: string[];
}

const AMOUNT = Money.ofFen(9900);
const at = new Date(Date.UTC(2026, 0, 15, 5, 0, 0));
type Cmd = fc.Command<Model, Real>;

const committed = (m: Model): number =>
  m.refunds.filter((r) => r.status !== 'CLOSED' && r.status !== 'REFUSED').reduce((sum, r) => sum + r.fen, 0);
const refunded = (m: Model): number => m.refunds.filter((r) => r.status === 'SUCCESS').reduce((sum, r) => sum + r.fen, 0);

function pull(r: Real): void {
  r.events.push(...r.order.pullEvents().map((e) => e.type));
}

class ConfirmPaid implements Cmd {
  constructor(
    readonly transactionId: string,
    readonly fen: number,
  ) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const result = r.order.confirmPaid({ transactionId: this.transactionId, amount: Money.ofFen(this.fen), paidAt: at });
    pull(r);
    if (this.fen !== AMOUNT.fen) {
      expect(result).toEqual({ ok: false, error: { kind: 'AmountMismatch', expectedFen: AMOUNT.fen, paidFen: this.fen } });
    } else if (m.status === 'CHECKED' || m.status === 'FAILED') {
      expect(result).toEqual({ ok: true, value: 'changed' });
      m.review ||= m.status === 'FAILED' || !m.holdsOpenSlot;
      m.status = 'SUCC';
      m.transactionId = this.transactionId;
      m.holdsOpenSlot = false;
      m.events.push('OrderPaid');
    } else if (m.transactionId === this.transactionId) {
      expect(result).toEqual({ ok: true, value: 'unchanged' });
    } else {
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
    pull(r);
    if (m.status === 'CHECKED') {
      expect(result).toEqual({ ok: true, value: 'changed' });
      m.status = 'FAILED';
      m.holdsOpenSlot = false;
      m.events.push('OrderFailed');
    } else if (m.status === 'FAILED') {
      expect(result).toEqual({ ok: true, value: 'unchanged' });
    } else {
      expect(result).toEqual({ ok: false, error: { kind: 'AlreadyPaid', status: m.status } });
    }
    expectAgree(m, r);
  }
  toString = (): string => 'markFailed';
}

class RequestRefund implements Cmd {
  constructor(
    readonly fen: number,
    readonly key: string | undefined,
  ) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const result = r.order.requestRefund({ amount: Money.ofFen(this.fen), at, ...(this.key ? { requestKey: this.key } : {}) });
    const unkeyed = (status: RefundStatus) => m.refunds.find((x) => !x.key && x.status === status && x.fen === this.fen);
    const repeated = this.key ? m.refunds.find((x) => x.key === this.key) : (unkeyed('PROCESSING') ?? unkeyed('REFUSED'));
    if (m.status !== 'SUCC') {
      expect(result).toEqual({ ok: false, error: { kind: 'NotRefundable', status: m.status } });
    } else if (repeated) {
      if (repeated.fen !== this.fen) {
        expect(result).toEqual({
          ok: false,
          error: { kind: 'RequestKeyReused', outRefundNo: repeated.outRefundNo, amountFen: repeated.fen },
        });
      } else if (repeated.status !== 'REFUSED') {
        expect(result.ok && result.value).toMatchObject({ change: 'unchanged', refund: { outRefundNo: repeated.outRefundNo } });
      } else if (this.fen > AMOUNT.fen - committed(m)) {
        expect(result).toEqual({
          ok: false,
          error: { kind: 'RefundExceedsPayment', requestedFen: this.fen, refundableFen: AMOUNT.fen - committed(m) },
        });
      } else {
        // Asked again, a refused refund is resubmitted under its own number.
        expect(result.ok && result.value).toMatchObject({
          change: 'changed',
          refund: { outRefundNo: repeated.outRefundNo, status: 'PROCESSING' },
        });
        repeated.status = 'PROCESSING';
      }
    } else if (this.fen === 0 || this.fen > AMOUNT.fen - committed(m)) {
      expect(result).toEqual({
        ok: false,
        error: { kind: 'RefundExceedsPayment', requestedFen: this.fen, refundableFen: AMOUNT.fen - committed(m) },
      });
    } else if (m.refunds.length >= MAX_REFUNDS_PER_ORDER) {
      expect(result).toEqual({ ok: false, error: { kind: 'TooManyRefunds', limit: MAX_REFUNDS_PER_ORDER } });
    } else {
      const outRefundNo = `${r.order.state.outTradeNo.value}R${m.refunds.length + 1}`;
      expect(result.ok && result.value).toMatchObject({ change: 'changed', refund: { outRefundNo, status: 'PROCESSING' } });
      m.refunds.push({ outRefundNo, fen: this.fen, status: 'PROCESSING', ...(this.key ? { key: this.key } : {}) });
    }
    expectAgree(m, r);
  }
  toString = (): string => `requestRefund(${this.fen}, ${this.key ?? '-'})`;
}

type Tamper = 'none' | 'unknownRefund' | 'otherOrder' | 'otherTransaction' | 'otherAmount' | 'otherRefundId';

class ReportRefund implements Cmd {
  constructor(
    readonly pick: number,
    readonly status: ReportedStatus,
    readonly tamper: Tamper,
  ) {}
  check = (m: Model): boolean => m.refunds.length > 0 || this.tamper === 'unknownRefund';
  run(m: Model, r: Real): void {
    const target = m.refunds[this.pick % Math.max(1, m.refunds.length)];
    const report: RefundReport = {
      outTradeNo: this.tamper === 'otherOrder' ? anotherNumber(r.order.state.outTradeNo.value) : r.order.state.outTradeNo.value,
      transactionId: this.tamper === 'otherTransaction' ? 'T-other' : (m.transactionId ?? 'T-none'),
      outRefundNo: this.tamper === 'unknownRefund' || !target ? 'ANOTHERR1' : target.outRefundNo,
      refundId: this.tamper === 'otherRefundId' ? 'RID-other' : `RID-${target?.outRefundNo ?? ''}`,
      amount: Money.ofFen(this.tamper === 'otherAmount' ? (target?.fen ?? 0) + 1 : (target?.fen ?? 1)),
      totalFee: AMOUNT,
      status: this.status,
      at,
    };
    const result = r.order.applyRefundReport(report);
    pull(r);
    if (this.tamper === 'unknownRefund' || !target) {
      expect(!result.ok && result.error.kind).toBe('UnknownRefund');
    } else if (mismatchOf(this.tamper, target, report) !== undefined) {
      expect(result).toEqual({ ok: false, error: { kind: 'RefundMismatch', field: mismatchOf(this.tamper, target, report) } });
    } else {
      const refundId = report.refundId;
      if (this.status === target.status) {
        expect(result).toEqual({ ok: true, value: target.refundId === undefined ? 'changed' : 'unchanged' });
        target.refundId = refundId;
      } else if (REFUND_TRANSITIONS[target.status].includes(this.status)) {
        const refundedAfter = refunded(m) + (this.status === 'SUCCESS' ? target.fen : 0);
        if (refundedAfter > AMOUNT.fen) {
          // WeChat pays back no more than was paid: the report contradicts what it confirmed before.
          expect(result).toEqual({ ok: false, error: { kind: 'RefundedBeyondPayment', refundedFen: refundedAfter, paidFen: AMOUNT.fen } });
          expectAgree(m, r);
          return;
        }
        expect(result).toEqual({ ok: true, value: 'changed' });
        const committedBefore = committed(m);
        target.status = this.status;
        target.refundId = refundId;
        // A refused refund WeChat holds after all may take the refunds beyond the payment: recorded, and flagged.
        if (committed(m) > AMOUNT.fen && committed(m) > committedBefore) m.review = true;
        if (this.status === 'SUCCESS') {
          m.events.push('RefundSucceeded');
          if (refunded(m) === AMOUNT.fen && m.status === 'SUCC') {
            m.status = 'REFUND';
            m.events.push('OrderRefunded');
          }
        }
      } else if (this.status === 'PROCESSING') {
        // A late PROCESSING after WeChat settled the refund says nothing new.
        expect(result).toEqual({ ok: true, value: 'unchanged' });
      } else {
        expect(result).toEqual({ ok: false, error: { kind: 'IllegalRefundTransition', from: target.status, to: this.status } });
      }
    }
    expectAgree(m, r);
  }
  toString = (): string => `reportRefund(#${this.pick}, ${this.status}, ${this.tamper})`;
}

class RefuseRefund implements Cmd {
  constructor(readonly pick: number) {}
  check = (m: Model): boolean => m.refunds.length > 0;
  run(m: Model, r: Real): void {
    const target = m.refunds[this.pick % m.refunds.length];
    if (!target) throw new Error('check() guarantees a refund');
    const result = r.order.refuseRefund(target.outRefundNo, at);
    pull(r);
    if (target.status === 'PROCESSING' && target.refundId === undefined) {
      expect(result).toEqual({ ok: true, value: 'changed' });
      target.status = 'REFUSED';
    } else {
      // WeChat holds this refund already: a refusal of a retry cannot undo it.
      expect(result).toEqual({ ok: true, value: 'unchanged' });
    }
    expectAgree(m, r);
  }
  toString = (): string => `refuseRefund(#${this.pick})`;
}

/**
 * Another order's number: the real one with its last digit changed. A fixed literal is no tamper on the run whose
 * order happens to carry that number (seed -924331781 did).
 */
const anotherNumber = (no: string): string => `${no.slice(0, -1)}${(Number(no.at(-1)) + 1) % 10}`;

/** The first identifier that disagrees, in the order the domain checks them; undefined when all agree. */
function mismatchOf(tamper: Tamper, target: ModelRefund, report: RefundReport): string | undefined {
  if (tamper === 'otherOrder') return 'outTradeNo';
  if (tamper === 'otherTransaction') return 'transactionId';
  // A refund_id is only compared once one was learned; before that, any is taken.
  if (target.refundId !== undefined && report.refundId !== target.refundId) return 'refundId';
  if (tamper === 'otherAmount') return 'amount';
  return undefined;
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
  constructor(readonly prepayId: string) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const before = r.order.state.prepay;
    const issuedAt = new Date(at.getTime() + 60_000);
    const prepay = { prepayId: this.prepayId, issuedAt, expiresAt: new Date(issuedAt.getTime() + 7_200_000), signType: 'MD5' };
    const result = r.order.attachPrepay(prepay, at);
    expect(result.ok).toBe(m.status === 'CHECKED');
    if (result.ok && before?.prepayId === this.prepayId) {
      // The same id is the same prepay: it keeps the life of its first issue.
      expect(result.value).toBe('unchanged');
      expect(r.order.state.prepay).toEqual(before);
    }
    expectAgree(m, r);
  }
  toString = (): string => `attachPrepay(${this.prepayId})`;
}

class Review implements Cmd {
  constructor(readonly resolve: boolean) {}
  check = (): boolean => true;
  run(m: Model, r: Real): void {
    const change = this.resolve ? r.order.resolveReview(at) : r.order.flagForReview('look at it', at);
    expect(change).toBe(m.review === this.resolve ? 'changed' : 'unchanged');
    if (this.resolve && m.review && committed(m) > AMOUNT.fen) m.beyondResolved = true;
    m.review = !this.resolve;
    expectAgree(m, r);
  }
  toString = (): string => (this.resolve ? 'resolveReview' : 'flagForReview');
}

function expectAgree(m: Model, r: Real): void {
  const s = r.order.state;
  expect(s.status).toBe(m.status);
  expect(s.transactionId).toBe(m.transactionId);
  expect(r.order.needsReview).toBe(m.review);
  expect(s.holdsOpenSlot).toBe(m.holdsOpenSlot);
  expect(
    s.refunds.map((x) => ({
      outRefundNo: x.outRefundNo,
      fen: x.amount.fen,
      status: x.status,
      ...(x.requestKey ? { key: x.requestKey } : {}),
      ...(x.refundId ? { refundId: x.refundId } : {}),
    })),
  ).toEqual(m.refunds);
  expect(r.events).toEqual(m.events);
  // The money rules: nothing refunded beyond what was paid, and REFUND exactly when all of it came back. Nothing
  // promised beyond it either, unless WeChat's word took it there, and then the order is flagged until a person
  // resolves it (WeChat's word on the refunds still in flight brings it back).
  expect(refunded(m)).toBeLessThanOrEqual(AMOUNT.fen);
  if (committed(m) <= AMOUNT.fen) m.beyondResolved = false;
  else expect(m.review || m.beyondResolved).toBe(true);
  expect(r.order.refundedFen).toBe(refunded(m));
  expect(s.status === 'REFUND').toBe(refunded(m) === AMOUNT.fen);
  if (s.status === 'SUCC' || s.status === 'REFUND') expect(s.paidAt).toEqual(at);
}

const setup = (): { model: Model; real: Real } => ({
  model: { status: 'CHECKED', review: false, holdsOpenSlot: true, refunds: [], events: [] },
  real: { order: anOrder({ cash: AMOUNT }), events: [] },
});

const commands = fc.commands(
  [
    fc
      .tuple(fc.constantFrom('4200000001', '4200000002'), fc.constantFrom(AMOUNT.fen, AMOUNT.fen, 1, AMOUNT.fen + 1))
      .map(([t, fen]) => new ConfirmPaid(t, fen)),
    fc.constant(new MarkFailed()),
    fc
      .tuple(fc.constantFrom(0, 1, 100, 4950, AMOUNT.fen - 100, AMOUNT.fen, AMOUNT.fen + 1), fc.constantFrom(undefined, 'k1', 'k2'))
      .map(([fen, key]) => new RequestRefund(fen, key)),
    fc
      .tuple(
        fc.nat(5),
        fc.constantFrom<ReportedStatus>('SUCCESS', 'SUCCESS', 'CLOSED', 'ABNORMAL', 'PROCESSING'),
        fc.constantFrom<Tamper>('none', 'none', 'none', 'unknownRefund', 'otherOrder', 'otherTransaction', 'otherAmount', 'otherRefundId'),
      )
      .map(([pick, status, tamper]) => new ReportRefund(pick, status, tamper)),
    fc.nat(5).map((pick) => new RefuseRefund(pick)),
    fc.constant(new Supersede()),
    fc.constantFrom('wx1', 'wx2').map((id) => new AttachPrepay(id)),
    fc.boolean().map((resolve) => new Review(resolve)),
  ],
  { maxCommands: 30 },
);

describe('Order state machine', () => {
  test.prop([commands], { numRuns: 1000 })('agrees with the model over any command sequence', (cmds) => {
    fc.modelRun(setup, cmds);
  });

  it('replays seed 1245017591: a refund WeChat refused, whose amount another took, reported paid after all', () => {
    fc.modelRun(setup, [
      new ConfirmPaid('4200000001', AMOUNT.fen),
      new RequestRefund(AMOUNT.fen, undefined),
      new RefuseRefund(0),
      new RequestRefund(1, undefined),
      new ReportRefund(0, 'SUCCESS', 'none'),
    ]);
  });

  it("records WeChat's word that a refused refund was paid, flags the order it takes beyond what was paid, and never refunds more", () => {
    const order = anOrder({ cash: AMOUNT });
    order.confirmPaid({ transactionId: 'T', amount: AMOUNT, paidAt: at });
    const ask = (fen: number): string => {
      const requested = order.requestRefund({ amount: Money.ofFen(fen), at });
      if (!requested.ok) throw new Error(requested.error.kind);
      return requested.value.refund.outRefundNo;
    };
    const report = (outRefundNo: string, fen: number, status: ReportedStatus): RefundReport => ({
      outTradeNo: order.state.outTradeNo.value,
      transactionId: 'T',
      outRefundNo,
      refundId: `RID-${outRefundNo}`,
      amount: Money.ofFen(fen),
      totalFee: AMOUNT,
      status,
      at,
    });
    const refused = ask(AMOUNT.fen);
    order.refuseRefund(refused, at);
    const taken = ask(1);
    order.pullEvents();

    expect(order.applyRefundReport(report(refused, AMOUNT.fen, 'SUCCESS'))).toEqual({ ok: true, value: 'changed' });
    expect(order.state.refunds.map((r) => r.status)).toEqual(['SUCCESS', 'PROCESSING']);
    expect(order.status).toBe('REFUND');
    expect(order.pullEvents().map((e) => e.type)).toEqual(['RefundSucceeded', 'OrderRefunded']);
    expect(order.state.review?.reason).toContain(`refund ${refused} was refused, then WeChat reported it SUCCESS`);
    expect(order.state.review?.reason).toContain(taken);
    expect(order.refundable).toEqual({ kind: 'nothing' });

    // WeChat pays back no more than was paid: a SUCCESS of the other now contradicts what it confirmed.
    expect(order.applyRefundReport(report(taken, 1, 'SUCCESS'))).toEqual({
      ok: false,
      error: { kind: 'RefundedBeyondPayment', refundedFen: AMOUNT.fen + 1, paidFen: AMOUNT.fen },
    });
    expect(order.refundedFen).toBe(AMOUNT.fen);
    // Its closing, WeChat's word on the refund it could not take, brings the refunds back within the payment.
    expect(order.applyRefundReport(report(taken, 1, 'CLOSED'))).toEqual({ ok: true, value: 'changed' });
    expect(order.state.refunds.map((r) => r.status)).toEqual(['SUCCESS', 'CLOSED']);
  });

  it('allows exactly the transitions of design.md §3', () => {
    const allowed = ORDER_STATUSES.flatMap((from) => ALLOWED_TRANSITIONS[from].map((to) => `${from}->${to}`));
    expect(allowed.sort()).toEqual(['CHECKED->FAILED', 'CHECKED->SUCC', 'FAILED->SUCC', 'SUCC->REFUND']);
  });

  it('moves refunds only forward: a settled refund never changes again, a refused one only when WeChat holds it after all', () => {
    const allowed = Object.entries(REFUND_TRANSITIONS).flatMap(([from, to]) => to.map((t) => `${from}->${t}`));
    expect(allowed.sort()).toEqual([
      'ABNORMAL->CLOSED',
      'ABNORMAL->SUCCESS',
      'PROCESSING->ABNORMAL',
      'PROCESSING->CLOSED',
      'PROCESSING->SUCCESS',
      'REFUSED->ABNORMAL',
      'REFUSED->CLOSED',
      'REFUSED->PROCESSING',
      'REFUSED->SUCCESS',
    ]);
  });

  it('flags a payment that arrives after the order was closed for review', () => {
    const order = anOrder({ cash: AMOUNT });
    order.markFailed('CLOSED', at);
    order.pullEvents();
    expect(order.confirmPaid({ transactionId: 'T', amount: AMOUNT, paidAt: at }).ok).toBe(true);
    expect(order.needsReview).toBe(true);
    expect(order.pullEvents()).toMatchObject([
      { type: 'OrderPaid', afterFailure: true, superseded: false, transactionId: 'T', cashFen: 9900 },
    ]);
  });

  it('flags a payment of an order a newer one replaced: it was paid at its own, older price', () => {
    const order = anOrder({ cash: AMOUNT });
    order.supersede(at);
    expect(order.confirmPaid({ transactionId: 'T', amount: AMOUNT, paidAt: at }).ok).toBe(true);
    expect(order.state.review?.reason).toMatch(/newer order replaced it/);
    expect(order.pullEvents()).toMatchObject([{ type: 'OrderPaid', afterFailure: false, superseded: true }]);
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
    const requested = order.requestRefund({ amount: AMOUNT, at });
    const outRefundNo = requested.ok ? requested.value.refund.outRefundNo : '';
    const report = {
      outTradeNo: order.state.outTradeNo.value,
      transactionId: 'T',
      outRefundNo,
      refundId: 'R',
      amount: AMOUNT,
      totalFee: AMOUNT,
      status: 'SUCCESS' as const,
      at,
    };
    expect(order.applyRefundReport(report)).toEqual({ ok: true, value: 'changed' });
    expect(order.confirmPaid({ transactionId: 'T', amount: AMOUNT, paidAt: at })).toEqual({ ok: true, value: 'unchanged' });
    expect(order.status).toBe('REFUND');
  });

  it('stays SUCC after a partial refund and is REFUND once the refunds add up to the whole amount', () => {
    const order = anOrder({ cash: Money.ofFen(1900) });
    order.confirmPaid({ transactionId: 'T', amount: Money.ofFen(1900), paidAt: at });
    const settle = (fen: number): void => {
      const requested = order.requestRefund({ amount: Money.ofFen(fen), at });
      if (!requested.ok) throw new Error(requested.error.kind);
      const { outRefundNo } = requested.value.refund;
      order.applyRefundReport({
        outTradeNo: order.state.outTradeNo.value,
        transactionId: 'T',
        outRefundNo,
        refundId: `R${outRefundNo}`,
        amount: Money.ofFen(fen),
        status: 'SUCCESS',
        at,
      });
    };
    settle(100);
    expect(order.status).toBe('SUCC');
    expect(order.refundableFen).toBe(1800);
    expect(order.requestRefund({ amount: Money.ofFen(1801), at })).toMatchObject({
      ok: false,
      error: { kind: 'RefundExceedsPayment', refundableFen: 1800 },
    });
    settle(1800);
    expect(order.status).toBe('REFUND');
    expect(order.pullEvents().map((e) => e.type)).toEqual(['OrderPaid', 'RefundSucceeded', 'RefundSucceeded', 'OrderRefunded']);
  });

  it("fails an order on WeChat's ORDERNOTEXIST only while it holds no prepay_id: one given since means WeChat created it", () => {
    expect(anOrder({ cash: AMOUNT }).markFailed('ORDERNOTEXIST', at)).toEqual({ ok: true, value: 'changed' });
    const prepaid = anOrder({ cash: AMOUNT, prepay: prepayFor('wx1', at, 'MD5') });
    expect(prepaid.markFailed('ORDERNOTEXIST', at)).toEqual({ ok: false, error: { kind: 'CreatedAtWechat' } });
    expect(prepaid.status).toBe('CHECKED');
    expect(prepaid.pullEvents()).toEqual([]);
    expect(prepaid.markFailed('CLOSED', at)).toEqual({ ok: true, value: 'changed' });
  });

  it('opens CHECKED, unpaid, holding the open slot, at version 0', () => {
    const order = Order.open(
      {
        outTradeNo: anOrder().state.outTradeNo,
        merchantId: 'default',
        appId: 'wxd930ea5d5a258f4f',
        uid: 1,
        goodsId: 2,
        paidType: 'WXPAY',
        price: { cash: AMOUNT, integral: 0 },
      },
      at,
    );
    expect(order.state).toMatchObject({ status: 'CHECKED', holdsOpenSlot: true, version: 0, refunds: [], merchantId: 'default' });
    expect(order.needsReview).toBe(false);
    expect(order.state.transactionId).toBeUndefined();
  });
});
