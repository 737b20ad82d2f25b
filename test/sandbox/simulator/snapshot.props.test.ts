import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MAX_SNAPSHOT_ORDERS, parseSimulatorSnapshot, SnapshotError } from '../../../src/sandbox/simulator/snapshot.js';
import { SETTABLE_TRADE_STATES, SimulatorState } from '../../../src/sandbox/simulator/state.js';
import { ManualClock } from '../../support/doubles/manual-clock.js';

/**
 * SimulatorState.snapshot() / restore(): what a restart of the sandbox keeps. Random operations build a state; its
 * snapshot, through JSON, restores into a fresh state whose snapshot is the same, and which answers every further
 * operation exactly as the original does.
 */

const MINUTE = 60_000;
const START = Date.UTC(2026, 0, 15, 4, 0, 0);

type Op =
  | { kind: 'order'; no: number; user: number; fee: number; body: 'a' | 'b'; v3: boolean }
  | { kind: 'pay'; no: number; prepay: number; coupon: number; fail: boolean }
  | { kind: 'close'; no: number }
  | { kind: 'refund'; no: number; refundNo: number; fee: number; byTransaction: boolean }
  | { kind: 'settle'; refundNo: number; status: 'SUCCESS' | 'REFUNDCLOSE' | 'CHANGE' }
  | { kind: 'tradeState'; no: number; state: (typeof SETTABLE_TRADE_STATES)[number] }
  | { kind: 'code'; user: number; refusal: 'blocked' | 'rateLimited' | undefined }
  | { kind: 'redeem'; code: number }
  | { kind: 'foreign'; user: number }
  | { kind: 'advance'; ms: number }
  /** A whole story on one number, so that refunds and their settling happen often: open, pay, refund, settle. */
  | { kind: 'journey'; no: number; refundNo: number; fee: number; status: 'SUCCESS' | 'REFUNDCLOSE' | 'CHANGE' };

const SETTLED = fc.constantFrom('SUCCESS' as const, 'REFUNDCLOSE' as const, 'CHANGE' as const);

/** Weighted towards what makes history: orders, payments, refunds and their settling. */
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('order' as const),
      no: fc.nat(2),
      user: fc.nat(3),
      fee: fc.constant(0),
      body: fc.constantFrom('a' as const, 'a' as const, 'a' as const, 'b' as const),
      v3: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('pay' as const),
      no: fc.nat(2),
      prepay: fc.nat(2),
      coupon: fc.oneof(fc.constant(0), fc.nat(100)),
      fail: fc.constantFrom(false, false, false, true),
    }),
  },
  fc.record({ kind: fc.constant('close' as const), no: fc.nat(2) }),
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      no: fc.nat(2),
      refundNo: fc.nat(3),
      fee: fc.integer({ min: 1, max: 150 }),
      byTransaction: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('settle' as const),
      refundNo: fc.nat(3),
      status: SETTLED,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('journey' as const),
      no: fc.nat(4),
      refundNo: fc.nat(5),
      fee: fc.integer({ min: 1, max: 150 }),
      status: SETTLED,
    }),
  },
  fc.record({ kind: fc.constant('tradeState' as const), no: fc.nat(2), state: fc.constantFrom(...SETTABLE_TRADE_STATES) }),
  fc.record({ kind: fc.constant('code' as const), user: fc.nat(3), refusal: fc.constantFrom(undefined, 'blocked', 'rateLimited') }),
  fc.record({ kind: fc.constant('redeem' as const), code: fc.nat(4) }),
  fc.record({ kind: fc.constant('foreign' as const), user: fc.nat(9) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(0, MINUTE, 6 * MINUTE, 119 * MINUTE, 3 * 60 * MINUTE) }),
);

/** One simulator and what a tester has seen of it: the login codes it issued, in order. */
interface World {
  readonly clock: ManualClock;
  readonly state: SimulatorState;
  readonly codes: string[];
}

const world = (clock = new ManualClock(START), codes: string[] = []): World => ({ clock, state: new SimulatorState(clock), codes });

/** Applies one operation; returns what it answered, without the random ids (they differ between two simulators). */
function apply(w: World, o: Op): unknown {
  const { state } = w;
  switch (o.kind) {
    case 'order': {
      const request = {
        appid: 'wxd930ea5d5a258f4f',
        mch_id: '10000100',
        nonce_str: `n${Math.random()}`,
        body: o.body,
        out_trade_no: `T${o.no}`,
        total_fee: String(o.fee || 100 * (o.no + 1)), // one price per number, so that re-entry is usually identical
        openid: `o${o.body === 'a' ? o.no : o.user}`,
        notify_url: 'http://127.0.0.1:1/wechat/pay-notify',
        trade_type: 'JSAPI',
      };
      const out = state.unifiedOrder(request, o.v3 ? 'RSA' : 'MD5');
      return out.ok ? { ok: out.value.order.state, prepays: out.value.order.prepays.length } : out.refusal.errCode;
    }
    case 'pay': {
      const order = state.find({ outTradeNo: `T${o.no}` });
      const prepay = order?.prepays[o.prepay % Math.max(1, order.prepays.length)];
      const out = state.pay(prepay?.id ?? 'wx-none', { couponFee: o.coupon, result: o.fail ? 'FAIL' : 'SUCCESS' });
      return out.ok ? { state: out.order.state, coupon: out.order.couponFee } : out.failure;
    }
    case 'close': {
      const out = state.close(`T${o.no}`);
      return out.ok ? out.value.state : out.refusal.errCode;
    }
    case 'refund': {
      const order = state.find({ outTradeNo: `T${o.no}` });
      const out = state.refund(
        {
          ...(o.byTransaction && order?.transactionId ? { transaction_id: order.transactionId } : { out_trade_no: `T${o.no}` }),
          out_refund_no: `R${o.refundNo}`,
          total_fee: String(order?.totalFee ?? 1),
          refund_fee: String(o.fee),
        },
        undefined,
      );
      return out.ok ? { created: out.value.created, status: out.value.refund.status } : out.refusal.errCode;
    }
    case 'settle': {
      const found = state.findRefund(`R${o.refundNo}`);
      if (found) state.settleRefund(found.refund, o.status);
      return found?.refund.status ?? 'none';
    }
    case 'tradeState':
      return state.setTradeState(`T${o.no}`, o.state)?.state ?? 'refused';
    case 'code':
      w.codes.push(state.issueLoginCode(`o${o.user}`, o.refusal));
      return 'issued';
    case 'redeem':
      return state.redeemLoginCode(w.codes[o.code % Math.max(1, w.codes.length)] ?? 'no-code');
    case 'foreign':
      state.markForeign(`o${o.user}`);
      return 'foreign';
    case 'advance':
      w.clock.advance(o.ms);
      return 'advanced';
    case 'journey':
      return [
        apply(w, { kind: 'order', no: o.no, user: 0, fee: 0, body: 'a', v3: o.no % 2 === 1 }),
        apply(w, { kind: 'pay', no: o.no, prepay: 0, coupon: 0, fail: false }),
        apply(w, { kind: 'refund', no: o.no, refundNo: o.refundNo, fee: o.fee, byTransaction: o.no > 2 }),
        apply(w, { kind: 'settle', refundNo: o.refundNo, status: o.status }),
      ];
  }
}

/** Restores `from`'s snapshot, through JSON as the state file holds it, into a simulator of its own. */
function restarted(from: World): World {
  const json = JSON.parse(JSON.stringify(from.state.snapshot())) as unknown;
  const copy = world(new ManualClock(from.clock.now()), [...from.codes]);
  copy.state.restore(parseSimulatorSnapshot(json));
  return copy;
}

describe('simulator snapshot and restore', () => {
  test.prop([fc.array(op, { minLength: 10, maxLength: 60 })])('a restored snapshot is the same snapshot, of the same orders', (ops) => {
    const original = world();
    for (const o of ops) apply(original, o);
    const copy = restarted(original);
    expect(copy.state.snapshot()).toEqual(original.state.snapshot());
    expect(copy.state.allOrders()).toEqual(original.state.allOrders()); // every field of every order, Dates as Dates
  });

  test.prop([fc.array(op, { minLength: 10, maxLength: 40 }), fc.array(op, { minLength: 5, maxLength: 30 })])(
    'a restored simulator answers every further operation as the original does',
    (before, after) => {
      const original = world();
      for (const o of before) apply(original, o);
      const copy = restarted(original);
      for (const o of after) expect(apply(copy, o)).toEqual(apply(original, o));
      const shape = (w: World): unknown =>
        w.state.allOrders().map((o) => [o.outTradeNo, o.state, o.prepays.length, o.couponFee, o.refunds.map((r) => r.status)]);
      expect(shape(copy)).toEqual(shape(original));
    },
  );

  it('keeps an open order payable with its prepay_id and expiry, and a paid one refundable by transaction_id', () => {
    const original = world();
    apply(original, { kind: 'order', no: 1, user: 1, fee: 100, body: 'a', v3: false });
    apply(original, { kind: 'order', no: 2, user: 1, fee: 200, body: 'a', v3: false });
    const open = original.state.find({ outTradeNo: 'T1' })!;
    const paid = original.state.find({ outTradeNo: 'T2' })!;
    expect(original.state.pay(paid.prepays[0]!.id, { couponFee: 50 }).ok).toBe(true);

    const copy = restarted(original);
    const transactionId = paid.transactionId!;
    expect(copy.state.find({ transactionId })).toMatchObject({ outTradeNo: 'T2', state: 'SUCCESS', couponFee: 50 });
    expect(copy.state.pay(open.prepays[0]!.id)).toMatchObject({ ok: true, order: { outTradeNo: 'T1', state: 'SUCCESS' } });
    copy.clock.advance(2 * 60 * MINUTE);
    apply(copy, { kind: 'order', no: 3, user: 1, fee: 1, body: 'a', v3: false });
    const late = copy.state.find({ outTradeNo: 'T3' })!;
    copy.clock.advance(2 * 60 * MINUTE + 1);
    expect(restarted(copy).state.pay(late.prepays[0]!.id)).toEqual({ ok: false, failure: 'prepayExpired' });
  });

  it('leaves out login codes past their 5 minutes (40029 either way) and keeps only the newest orders', () => {
    const w = world();
    const old = w.state.issueLoginCode('o-old');
    w.clock.advance(6 * MINUTE);
    const fresh = w.state.issueLoginCode('o-fresh');
    expect(w.state.snapshot().loginCodes.map((c) => c.code)).toEqual([fresh]);
    const copy = restarted(w);
    expect(copy.state.redeemLoginCode(old)).toEqual({ ok: false, errcode: 40029 });
    expect(copy.state.redeemLoginCode(fresh)).toEqual({ ok: true, openid: 'o-fresh' });

    for (let i = 0; i < MAX_SNAPSHOT_ORDERS + 2; i++) apply(w, { kind: 'order', no: i, user: 0, fee: 1, body: 'a', v3: false });
    const orders = w.state.snapshot().orders;
    expect(orders).toHaveLength(MAX_SNAPSHOT_ORDERS);
    expect(orders[0]!.outTradeNo).toBe('T2');
  });

  it('calls onChange after each change and never for a read', () => {
    let changes = 0;
    const clock = new ManualClock(START);
    const state = new SimulatorState(clock, () => changes++);
    const code = state.issueLoginCode('o1');
    state.redeemLoginCode(code);
    state.redeemLoginCode(code); // refused: nothing changes
    expect(changes).toBe(2);
    apply({ clock, state, codes: [] }, { kind: 'order', no: 1, user: 1, fee: 100, body: 'a', v3: false });
    apply({ clock, state, codes: [] }, { kind: 'order', no: 1, user: 1, fee: 100, body: 'a', v3: false }); // same prepay_id again
    state.find({ outTradeNo: 'T1' });
    state.snapshot();
    expect(changes).toBe(3);
  });

  it('refuses what it cannot restore: another version, another shape, duplicates', () => {
    const good = world().state.snapshot();
    expect(() => parseSimulatorSnapshot({ ...good, version: 2 })).toThrow(/unknown simulator snapshot version 2/);
    expect(() => parseSimulatorSnapshot(null)).toThrow(SnapshotError);
    expect(() => parseSimulatorSnapshot([])).toThrow(/version/);
    expect(() => parseSimulatorSnapshot({ ...good, orders: [{ outTradeNo: 'x' }] })).toThrow(/not a simulator snapshot: orders\.0/);
    expect(() => parseSimulatorSnapshot({ ...good, takenAt: 'yesterday' })).toThrow(/takenAt/);
    const w = world();
    apply(w, { kind: 'order', no: 1, user: 1, fee: 100, body: 'a', v3: false });
    const one = w.state.snapshot();
    expect(() => parseSimulatorSnapshot({ ...one, orders: [...one.orders, ...one.orders] })).toThrow(/appears twice/);
    expect(parseSimulatorSnapshot(JSON.parse(JSON.stringify(one)))).toEqual(one);
  });
});
