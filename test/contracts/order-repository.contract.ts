import { describe, expect, it } from 'vitest';
import { paymentFactsOf, type OrderRepository } from '../../src/application/ports/order-repository.js';
import type { Order } from '../../src/domain/order.js';
import { Money } from '../../src/domain/money.js';
import { OutTradeNo } from '../../src/domain/out-trade-no.js';
import { anOrder, anOutTradeNo } from '../support/builders.js';

/**
 * What every OrderRepository must do, run against each adapter (in-memory, MariaDB, SQLite). `fresh` returns an
 * empty repository; uids are randomised so that shared databases need no truncation between tests.
 */
export function orderRepositoryContract(name: string, fresh: () => Promise<OrderRepository>): void {
  const uid = (): number => 1_000_000 + Math.floor(Math.random() * 1_000_000_000);

  describe(`OrderRepository contract: ${name}`, () => {
    it('round-trips every field of an order', async () => {
      const repo = await fresh();
      const paidAt = new Date(Date.UTC(2026, 0, 15, 5, 6, 7));
      const order = anOrder({ uid: uid(), paidType: 'MIXED', cash: Money.ofFen(6900), integral: 30 });
      expect(await repo.insert(order)).toBe('inserted');
      order.attachPrepay(
        {
          prepayId: 'wx201410272009395522657a690389285100',
          issuedAt: paidAt,
          expiresAt: new Date(paidAt.getTime() + 7_200_000),
          signType: 'HMAC-SHA256',
        },
        paidAt,
      );
      expect(await repo.update(order)).toBe('updated');
      expect(order.confirmPaid({ transactionId: '4200000015201711256947025404', amount: Money.ofFen(6900), paidAt }).ok).toBe(true);
      expect(await repo.update(order)).toBe('updated');

      const loaded = await repo.findByOutTradeNo(order.state.outTradeNo.value);
      expect(loaded?.state).toEqual(order.state);
    });

    it('reads the payment facts of an order, at every stage, as the whole order has them', async () => {
      const repo = await fresh();
      const at = new Date(Date.UTC(2026, 0, 15, 5, 6, 7));
      // Another merchant than the default one, so the facts show the merchant read from the row.
      const order = anOrder({ uid: uid(), cash: Money.ofFen(19_900), merchantId: 'shop-b' });
      const no = order.state.outTradeNo.value;
      expect(await repo.findPaymentFacts(no)).toBeUndefined();
      await repo.insert(order);
      const shopB = { merchantId: 'shop-b' };
      // An unpaid order's facts come with the order itself (a first notice goes on with it); a paid one's alone.
      const factsOnly = async () => {
        const { order: read, ...facts } = (await repo.findPaymentFacts(no))!;
        expect(read?.state).toEqual(facts.transactionId === undefined ? (await repo.findByOutTradeNo(no))!.state : undefined);
        return facts;
      };
      expect(await factsOnly()).toEqual({ ...shopB, cash: Money.ofFen(19_900) });
      order.attachPrepay(
        { prepayId: 'wx2014102720093955', issuedAt: at, expiresAt: new Date(at.getTime() + 7_200_000), signType: 'HMAC-SHA256' },
        at,
      );
      await repo.update(order);
      expect(await factsOnly()).toEqual({ ...shopB, cash: Money.ofFen(19_900), prepaySignType: 'HMAC-SHA256' });
      order.confirmPaid({ transactionId: '4200000015201711256947025404', amount: Money.ofFen(19_900), paidAt: at });
      await repo.update(order);
      const facts = await factsOnly();
      expect(await repo.findPaymentFacts(no)).toEqual(facts);
      expect(facts).toEqual({
        ...shopB,
        cash: Money.ofFen(19_900),
        prepaySignType: 'HMAC-SHA256',
        transactionId: '4200000015201711256947025404',
      });
      expect(facts).toEqual(paymentFactsOf((await repo.findByOutTradeNo(no))!));
      expect(await repo.findPaymentFacts(no.toLowerCase() === no ? `0${no}` : no.toLowerCase())).toBeUndefined();
    });

    it('matches out_trade_no as an exact string', async () => {
      const repo = await fresh();
      const no = anOutTradeNo().value;
      await repo.insert(anOrder({ uid: uid(), outTradeNo: anOutTradeNo() }));
      expect(await repo.findByOutTradeNo(no)).toBeUndefined();
      expect(await repo.findByOutTradeNo(`0${no}`)).toBeUndefined();
      expect(await repo.findByOutTradeNo(no.slice(1))).toBeUndefined();
      expect(await repo.findPaymentFacts(`0${no}`)).toBeUndefined();
    });

    it("keeps the order's merchant: the single merchant of today, or any other, read back as written and kept on update", async () => {
      const repo = await fresh();
      const today = anOrder({ uid: uid() });
      const other = anOrder({ uid: uid(), merchantId: 'shop-b' });
      await repo.insert(today);
      await repo.insert(other);
      expect((await repo.findByOutTradeNo(today.state.outTradeNo.value))?.state.merchantId).toBe('default');
      expect((await repo.findByOutTradeNo(other.state.outTradeNo.value))?.state.merchantId).toBe('shop-b');
      other.markFailed('CLOSED', new Date());
      expect(await repo.update(other)).toBe('updated');
      expect((await repo.findByOutTradeNo(other.state.outTradeNo.value))?.state).toMatchObject({ merchantId: 'shop-b', status: 'FAILED' });
    });

    it('refuses a second order with the same out_trade_no', async () => {
      const repo = await fresh();
      const first = anOrder({ uid: uid() });
      await repo.insert(first);
      const clash = anOrder({ uid: uid(), outTradeNo: first.state.outTradeNo });
      expect(await repo.insert(clash)).toBe('duplicateOutTradeNo');
    });

    it('keeps at most one order per key in the open slot', async () => {
      const repo = await fresh();
      const u = uid();
      const first = anOrder({ uid: u });
      expect(await repo.insert(first)).toBe('inserted');
      expect(await repo.insert(anOrder({ uid: u }))).toBe('openOrderExists');
      expect(await repo.insert(anOrder({ uid: u, paidType: 'MIXED' }))).toBe('inserted');
      expect(await repo.insert(anOrder({ uid: u, holdsOpenSlot: false }))).toBe('inserted');
      expect((await repo.findOpen({ uid: u, goodsId: 3, paidType: 'WXPAY' }))?.state.outTradeNo).toEqual(first.state.outTradeNo);

      first.supersede(new Date());
      expect(await repo.update(first)).toBe('updated');
      expect(await repo.findOpen({ uid: u, goodsId: 3, paidType: 'WXPAY' })).toBeUndefined();
      const second = anOrder({ uid: u });
      expect(await repo.insert(second)).toBe('inserted');
      expect((await repo.findOpen({ uid: u, goodsId: 3, paidType: 'WXPAY' }))?.state.outTradeNo).toEqual(second.state.outTradeNo);
    });

    it('frees the open slot when the order leaves CHECKED', async () => {
      const repo = await fresh();
      const u = uid();
      const order = anOrder({ uid: u });
      await repo.insert(order);
      order.markFailed('CLOSED', new Date());
      expect(await repo.update(order)).toBe('updated');
      expect(await repo.findOpen({ uid: u, goodsId: 3, paidType: 'WXPAY' })).toBeUndefined();
      expect(await repo.insert(anOrder({ uid: u }))).toBe('inserted');
    });

    it('writes by compare-and-set: the loser of a race is told, not overwritten', async () => {
      const repo = await fresh();
      const order = anOrder({ uid: uid() });
      await repo.insert(order);
      const a = await repo.findByOutTradeNo(order.state.outTradeNo.value);
      const b = await repo.findByOutTradeNo(order.state.outTradeNo.value);
      const paidAt = new Date(Date.UTC(2026, 0, 15, 6, 0, 0));
      a!.confirmPaid({ transactionId: 'T-A', amount: order.state.cash, paidAt });
      b!.markFailed('CLOSED', paidAt);
      expect(await repo.update(a!)).toBe('updated');
      expect(await repo.update(b!)).toBe('stale');
      const stored = await repo.findByOutTradeNo(order.state.outTradeNo.value);
      expect(stored?.status).toBe('SUCC');
      expect(stored?.state.transactionId).toBe('T-A');
    });

    it('lists orders by paid type', async () => {
      const repo = await fresh();
      const u = uid();
      const wxpay = anOrder({ uid: u });
      const mixed = anOrder({ uid: u, paidType: 'MIXED', createdAt: new Date(Date.UTC(2026, 0, 15, 5, 0, 0)) });
      await repo.insert(wxpay);
      await repo.insert(mixed);
      const numbers = async (paidType?: 'WXPAY' | 'MIXED' | 'INTEGRAL') =>
        (await repo.list({ uid: u, limit: 10, offset: 0, ...(paidType ? { paidType } : {}) })).map((o) => o.state.outTradeNo.value);
      expect(await numbers()).toEqual([mixed.state.outTradeNo.value, wxpay.state.outTradeNo.value]);
      expect(await numbers('MIXED')).toEqual([mixed.state.outTradeNo.value]);
      expect(await numbers('WXPAY')).toEqual([wxpay.state.outTradeNo.value]);
      expect(await numbers('INTEGRAL')).toEqual([]);
    });

    it('lists refunds across orders, newest first or oldest first, within a window of request times, in pages', async () => {
      const repo = await fresh();
      // A window no other test writes in (shared databases keep every test's refunds).
      const base = Date.UTC(2037, 0, 1) + Math.floor(Math.random() * 500_000) * 60_000; // before int seconds end (2038)
      const at = (minutes: number) => new Date(base + minutes * 60_000);
      const made: string[] = [];
      for (const [i, minutes] of [
        [0, [1, 4]],
        [1, [2]],
        [2, [3, 5]],
      ] as const) {
        const order = anOrder({ uid: uid(), cash: Money.ofFen(10_000 + i) });
        await repo.insert(order);
        order.confirmPaid({ transactionId: `T-LR-${base}-${i}`, amount: order.state.cash, paidAt: new Date(Date.UTC(2026, 0, 15)) });
        await repo.update(order);
        for (const m of minutes) {
          const asked = order.requestRefund({ amount: Money.ofFen(100 + m), at: at(m) });
          if (!asked.ok) throw new Error(asked.error.kind);
          made[m] = asked.value.refund.outRefundNo;
        }
        expect(await repo.update(order)).toBe('updated');
      }
      const window = { requestedFrom: at(1), requestedBefore: at(6) };
      const newest = await repo.listRefunds({ ...window, limit: 10, offset: 0 });
      expect(newest.map((e) => e.refund.outRefundNo)).toEqual([made[5], made[4], made[3], made[2], made[1]]);
      expect(newest[0]).toMatchObject({
        outTradeNo: made[5]?.replace(/R\d+$/, ''),
        refund: { amount: { fen: 105 }, status: 'PROCESSING' },
      });
      const oldest = await repo.listRefunds({ ...window, oldestFirst: true, limit: 2, offset: 2 });
      expect(oldest.map((e) => e.refund.outRefundNo)).toEqual([made[3], made[4]]);
      const narrow = await repo.listRefunds({ requestedFrom: at(2), requestedBefore: at(4), limit: 10, offset: 0 });
      expect(narrow.map((e) => e.refund.outRefundNo)).toEqual([made[3], made[2]]);
    });

    it('finds orders by part of their number, % and _ taken literally', async () => {
      const repo = await fresh();
      const tag = String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
      const numbered = (no: string) => anOrder({ uid: uid(), outTradeNo: OutTradeNo.parse(no)! });
      const [underscore, letter, other] = [`X${tag}A_B1`, `X${tag}AxB2`, `Y${tag}Q`].map(numbered);
      for (const o of [underscore!, letter!, other!]) expect(await repo.insert(o)).toBe('inserted');
      const found = async (part: string) =>
        (await repo.list({ outTradeNoContains: part, limit: 10, offset: 0 })).map((o) => o.state.outTradeNo.value).sort();
      expect(await found(`X${tag}`)).toEqual([`X${tag}A_B1`, `X${tag}AxB2`]); // a prefix
      expect(await found(`${tag}A`)).toEqual([`X${tag}A_B1`, `X${tag}AxB2`]); // the middle
      expect(await found(`${tag}A_B`)).toEqual([`X${tag}A_B1`]); // _ is not "any character"
      expect(await found(`${tag}%`)).toEqual([]); // % is not "anything"
      expect(await found(`${tag}!`)).toEqual([]);
      expect(await found(`${tag}Q`)).toEqual([`Y${tag}Q`]);
    });

    it("keeps a refund's cash and coupon parts as WeChat reported them", async () => {
      const repo = await fresh();
      const paidAt = new Date(Date.UTC(2026, 0, 15, 5, 0, 0));
      const order = anOrder({ uid: uid(), cash: Money.ofFen(1900) });
      await repo.insert(order);
      order.confirmPaid({ transactionId: `T-PARTS-${uid()}`, amount: Money.ofFen(1900), paidAt, cashPaid: Money.ofFen(1400) });
      const asked = order.requestRefund({ amount: Money.ofFen(1900), at: paidAt });
      if (!asked.ok) throw new Error(asked.error.kind);
      const parts = { cash: Money.ofFen(1400), coupon: Money.ofFen(500) };
      const report = {
        outTradeNo: order.state.outTradeNo.value,
        transactionId: order.state.transactionId ?? '',
        outRefundNo: asked.value.refund.outRefundNo,
        refundId: '50000000000000000001',
        amount: Money.ofFen(1900),
        status: 'PROCESSING' as const,
        at: paidAt,
        parts,
      };
      expect(order.applyRefundReport(report).ok).toBe(true);
      expect(await repo.update(order)).toBe('updated');
      const loaded = await repo.findByOutTradeNo(order.state.outTradeNo.value);
      expect(loaded?.state.refunds[0]?.parts).toEqual(parts);
      expect(loaded?.state).toEqual(order.state);
    });

    it('reports an update of an order it never stored as stale', async () => {
      const repo = await fresh();
      expect(await repo.update(anOrder({ uid: uid() }))).toBe('stale');
    });
  });

  describe(`OrderRepository contract, scoped by shop: ${name}`, () => {
    // Merchants and mini-programs of each test's own, so listings on a shared database see nothing of other tests.
    const suffix = (): string => Math.random().toString(36).slice(2, 10);
    const at = new Date(Date.UTC(2026, 0, 15, 5, 0, 0));
    const prepay = { prepayId: 'wx-scope', issuedAt: at, expiresAt: new Date(at.getTime() + 7_200_000), signType: 'MD5' };

    /** One order in each of three shops: north sells in two mini-programs, south in one (of the same appid as north's first). */
    async function threeShops(repo: OrderRepository) {
      const shops = { APP_A: `wxa${suffix()}`, APP_B: `wxb${suffix()}`, NORTH: `north-${suffix()}`, SOUTH: `south-${suffix()}` };
      const northA = anOrder({ uid: uid(), merchantId: shops.NORTH, appId: shops.APP_A, prepay, createdAt: at });
      const northB = anOrder({ uid: uid(), merchantId: shops.NORTH, appId: shops.APP_B, prepay, createdAt: at });
      const south = anOrder({ uid: uid(), merchantId: shops.SOUTH, appId: shops.APP_A, prepay, createdAt: at });
      for (const order of [northA, northB, south]) expect(await repo.insert(order)).toBe('inserted');
      return { ...shops, northA, northB, south };
    }
    const numbers = (orders: readonly Order[]): string[] => orders.map((o) => o.state.outTradeNo.value).sort();

    it("keeps the order's mini-program, read back as written and kept on update", async () => {
      const repo = await fresh();
      const { northB, APP_B, NORTH } = await threeShops(repo);
      northB.markFailed('CLOSED', at);
      expect(await repo.update(northB)).toBe('updated');
      expect((await repo.findByOutTradeNo(northB.state.outTradeNo.value))?.state).toMatchObject({ appId: APP_B, merchantId: NORTH });
    });

    it('finds an order by number only inside the scope asked for', async () => {
      const repo = await fresh();
      const { northA, south, NORTH, SOUTH, APP_A, APP_B } = await threeShops(repo);
      const no = northA.state.outTradeNo.value;
      for (const scope of [{}, { merchantId: NORTH }, { appId: APP_A }, { merchantId: NORTH, appId: APP_A }]) {
        expect((await repo.findByOutTradeNo(no, scope))?.state.outTradeNo.value, JSON.stringify(scope)).toBe(no);
        // An unpaid order's facts also carry the order itself (see PaymentFacts.order).
        expect(await repo.findPaymentFacts(no, scope), JSON.stringify(scope)).toMatchObject(paymentFactsOf(northA));
      }
      for (const scope of [
        { merchantId: SOUTH },
        { appId: APP_B },
        { merchantId: SOUTH, appId: APP_A },
        { merchantId: NORTH, appId: APP_B },
      ]) {
        expect(await repo.findByOutTradeNo(no, scope), JSON.stringify(scope)).toBeUndefined();
        expect(await repo.findPaymentFacts(no, scope), JSON.stringify(scope)).toBeUndefined();
      }
      expect((await repo.findByOutTradeNo(south.state.outTradeNo.value, { merchantId: SOUTH }))?.state.merchantId).toBe(SOUTH);
    });

    it('lists only the scope’s orders: the admin listing and every job listing', async () => {
      const repo = await fresh();
      const { northA, northB, south, NORTH, SOUTH, APP_A, APP_B } = await threeShops(repo);
      expect(numbers(await repo.list({ merchantId: NORTH, limit: 100, offset: 0 }))).toEqual(numbers([northA, northB]));
      expect(numbers(await repo.list({ merchantId: SOUTH, limit: 100, offset: 0 }))).toEqual(numbers([south]));
      expect(numbers(await repo.list({ appId: APP_A, limit: 100, offset: 0 }))).toEqual(numbers([northA, south]));
      expect(numbers(await repo.list({ merchantId: NORTH, appId: APP_B, limit: 100, offset: 0 }))).toEqual(numbers([northB]));
      expect(numbers(await repo.listAwaitingPayment(100, 0, { merchantId: NORTH }))).toEqual(numbers([northA, northB]));
      expect(numbers(await repo.listAwaitingPayment(100, 0, { merchantId: SOUTH, appId: APP_A }))).toEqual(numbers([south]));
      // Only prepay_ids issued at or before the time given, in whole seconds: reconciliation's first-ask grace.
      const issued = prepay.issuedAt.getTime();
      for (const [before, listed] of [
        [issued, [northA, northB]],
        [issued + 999, [northA, northB]],
        [issued - 1, []],
        [issued - 1_000, []],
      ] as const) {
        const awaiting = await repo.listAwaitingPayment(100, 0, { merchantId: NORTH }, new Date(before));
        expect(numbers(awaiting), String(before - issued)).toEqual(numbers(listed));
      }

      const unpaid = anOrder({ uid: uid(), merchantId: SOUTH, appId: APP_B, createdAt: at });
      await repo.insert(unpaid);
      const later = new Date(at.getTime() + 3_600_000);
      expect(numbers(await repo.listOpenWithoutPrepay(later, 100, { merchantId: SOUTH }))).toEqual(numbers([unpaid]));
      expect(await repo.listOpenWithoutPrepay(later, 100, { merchantId: NORTH })).toEqual([]);
    });

    it('lists refunds, and orders with refunds to settle, of the scope only', async () => {
      const repo = await fresh();
      const { northA, south, NORTH, SOUTH, APP_A, APP_B } = await threeShops(repo);
      for (const order of [northA, south]) {
        order.confirmPaid({ transactionId: `T-${order.state.outTradeNo.value}`, amount: order.state.cash, paidAt: at });
        if (!order.requestRefund({ amount: Money.ofFen(100), at }).ok) throw new Error('refund refused');
        expect(await repo.update(order)).toBe('updated');
      }
      const refunded = (entries: { outTradeNo: string }[]) => entries.map((e) => e.outTradeNo);
      expect(refunded(await repo.listRefunds({ merchantId: NORTH, limit: 100, offset: 0 }))).toEqual([northA.state.outTradeNo.value]);
      expect(refunded(await repo.listRefunds({ merchantId: SOUTH, appId: APP_A, limit: 100, offset: 0 }))).toEqual([
        south.state.outTradeNo.value,
      ]);
      expect(await repo.listRefunds({ merchantId: SOUTH, appId: APP_B, limit: 100, offset: 0 })).toEqual([]);
      expect(numbers(await repo.listRefundsUnsettled(100, { merchantId: SOUTH }))).toEqual(numbers([south]));
      expect(numbers(await repo.listRefundsUnsettled(100, { merchantId: NORTH, appId: APP_A }))).toEqual(numbers([northA]));
      expect(await repo.listRefundsUnsettled(100, { merchantId: NORTH, appId: APP_B })).toEqual([]);
    });
  });
}
