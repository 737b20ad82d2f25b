import { describe, expect, it } from 'vitest';
import type { AuditLog } from '../../src/application/ports/audit-log.js';
import type { NotifyHistory, NotifyLog } from '../../src/application/ports/notify-log.js';
import type { Operators } from '../../src/application/ports/operators.js';
import type { OrderRepository } from '../../src/application/ports/order-repository.js';
import type { OrderStatistics } from '../../src/application/ports/order-statistics.js';
import { beijingDayNumber } from '../../src/domain/beijing-time.js';
import { Money } from '../../src/domain/money.js';
import type { Order } from '../../src/domain/order.js';
import { PLATFORM, shopsScope } from '../../src/domain/shop-scope.js';
import { anOrder, settle } from '../support/builders.js';

export interface ShopScopeFixture {
  readonly orders: OrderRepository;
  readonly stats: OrderStatistics;
  /** Reads verdicts of notices naming `orders`' orders. */
  readonly notifies: NotifyLog & NotifyHistory;
  readonly audit: AuditLog;
  readonly operators: Operators;
}

/**
 * What every adapter the console reads through must do for shop operators (issue 20): a query narrowed to some
 * merchants answers only their orders, refunds, figures, notices and audit lines, an empty list answers nothing, and
 * no list at all answers every merchant's. Each test invents merchants of its own, so a shared database's other rows
 * never count.
 */
export function shopScopeContract(name: string, fresh: () => Promise<ShopScopeFixture>): void {
  const suffix = (): string => Math.random().toString(36).slice(2, 10);
  const uid = (): number => 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
  /** A Beijing midnight long ago (2000–2027 is left to the other suites), so its day holds only this test's payments. */
  const someMidnight = (): Date => {
    const day = beijingDayNumber(new Date(Date.UTC(1972, 0, 1))) + Math.floor(Math.random() * 10_000);
    return new Date(day * 86_400_000 - 8 * 3_600_000);
  };

  /** Two merchants of the test's own, and a paid order of each (the second refunded), plus an open order of each. */
  async function twoShops(f: ShopScopeFixture) {
    const [north, south] = [`n-${suffix()}`, `s-${suffix()}`];
    const midnight = someMidnight();
    const paidAt = new Date(midnight.getTime() + 3_600_000);
    const pay = async (merchantId: string, fen: number, refund: boolean): Promise<Order> => {
      const order = anOrder({ uid: uid(), cash: Money.ofFen(fen), merchantId, createdAt: midnight, updatedAt: midnight });
      expect(await f.orders.insert(order)).toBe('inserted');
      settle(order, { transactionId: `T${suffix()}${suffix()}`, paidAt, refunded: refund });
      expect(await f.orders.update(order)).toBe('updated');
      return order;
    };
    const northPaid = await pay(north, 100, true);
    const southPaid = await pay(south, 2000, true);
    const northOpen = anOrder({ uid: uid(), merchantId: north, createdAt: midnight, updatedAt: midnight });
    const southOpen = anOrder({ uid: uid(), merchantId: south, createdAt: midnight, updatedAt: midnight });
    await f.orders.insert(northOpen);
    await f.orders.insert(southOpen);
    return { north, south, midnight, northPaid, southPaid, northOpen, southOpen };
  }

  const numbers = (orders: readonly Order[]): string[] => orders.map((o) => o.state.outTradeNo.value).sort();

  describe(`Shop scope contract: ${name}`, () => {
    it('lists, searches and pages orders of the merchants asked for only', async () => {
      const f = await fresh();
      const s = await twoShops(f);
      const day = { createdFrom: s.midnight, createdBefore: new Date(s.midnight.getTime() + 86_400_000), limit: 100, offset: 0 };
      expect(numbers(await f.orders.list({ ...day, merchantIds: [s.north] }))).toEqual(numbers([s.northPaid, s.northOpen]));
      expect(numbers(await f.orders.list({ ...day, merchantIds: [s.north, s.south] }))).toHaveLength(4);
      expect(await f.orders.list({ ...day, merchantIds: [] })).toEqual([]);
      expect(numbers(await f.orders.list(day))).toHaveLength(4);
      // A search by another shop's number, exact or in part, finds nothing.
      const southNo = s.southPaid.state.outTradeNo.value;
      expect(await f.orders.list({ outTradeNo: southNo, merchantIds: [s.north], limit: 10, offset: 0 })).toEqual([]);
      expect(await f.orders.list({ outTradeNoContains: southNo.slice(-12), merchantIds: [s.north], limit: 10, offset: 0 })).toEqual([]);
      expect(numbers(await f.orders.list({ outTradeNo: southNo, merchantIds: [s.south], limit: 10, offset: 0 }))).toEqual([southNo]);
      expect(await f.orders.list({ uid: s.southPaid.state.uid, merchantIds: [s.north], limit: 10, offset: 0 })).toEqual([]);
    });

    it('lists refunds of the merchants asked for only', async () => {
      const f = await fresh();
      const s = await twoShops(f);
      const window = { requestedFrom: s.midnight, requestedBefore: new Date(s.midnight.getTime() + 86_400_000), limit: 100, offset: 0 };
      const of = async (merchantIds?: readonly string[]) =>
        (await f.orders.listRefunds({ ...window, ...(merchantIds && { merchantIds }) })).map((e) => e.outTradeNo).sort();
      expect(await of([s.north])).toEqual([s.northPaid.state.outTradeNo.value]);
      expect(await of([s.south])).toEqual([s.southPaid.state.outTradeNo.value]);
      expect(await of([])).toEqual([]);
      expect(await of()).toEqual(numbers([s.northPaid, s.southPaid]));
    });

    it('counts the dashboard figures of the merchants asked for only', async () => {
      const f = await fresh();
      const s = await twoShops(f);
      const end = new Date(s.midnight.getTime() + 86_400_000);
      const day = beijingDayNumber(s.midnight);
      expect(await f.stats.paidByDay(s.midnight, end, [s.north])).toEqual([{ day, count: 1, cashFen: 100 }]);
      expect(await f.stats.paidByDay(s.midnight, end, [s.north, s.south])).toEqual([{ day, count: 2, cashFen: 2100 }]);
      expect(await f.stats.paidByDay(s.midnight, end, [])).toEqual([]);
      expect(await f.stats.refundsSettled(s.midnight, end, [s.south])).toEqual({ count: 1, fen: 2000 });
      expect(await f.stats.refundsSettled(s.midnight, end, [])).toEqual({ count: 0, fen: 0 });
      expect(await f.stats.countAwaitingPayment([s.north])).toBe(1);
      expect(await f.stats.countAwaitingPayment([s.north, s.south])).toBe(2);
      expect(await f.stats.countAwaitingPayment([])).toBe(0);
      expect(await f.stats.countAwaitingPayment()).toBeGreaterThanOrEqual(2);
      expect(await f.stats.countNeedingReview([s.north])).toBe(0);
    });

    it("counts notify verdicts of notices naming the merchants' orders only", async () => {
      const f = await fresh();
      const s = await twoShops(f);
      const since = new Date(Date.now() - 1000);
      const [northDetail, southDetail, strayDetail] = [`n${suffix()}`, `s${suffix()}`, `x${suffix()}`];
      const notice = (outTradeNo: string | undefined, detail: string) => ({
        receivedAt: new Date(),
        kind: 'pay' as const,
        ...(outTradeNo && { outTradeNo }),
        rawBody: '<xml/>',
        verdict: 'SUCCESS' as const,
        detail,
      });
      await f.notifies.append(notice(s.northPaid.state.outTradeNo.value, northDetail));
      await f.notifies.append(notice(s.southPaid.state.outTradeNo.value, southDetail));
      await f.notifies.append(notice(undefined, strayDetail));
      const details = async (merchantIds?: readonly string[]) => (await f.notifies.verdictsSince(since, merchantIds)).map((v) => v.detail);
      expect(await details([s.north])).toEqual([northDetail]);
      expect(await details([])).toEqual([]);
      expect(await details()).toEqual(expect.arrayContaining([northDetail, southDetail, strayDetail]));
    });

    it("lists audit lines of the merchants asked for only; the platform's lines to no shop", async () => {
      const f = await fresh();
      const [north, south, subject] = [`n-${suffix()}`, `s-${suffix()}`, `operator:${suffix()}`];
      const at = new Date();
      await f.audit.record({ at, actor: 'cli', action: 'goods.updated', subject, merchantId: north });
      await f.audit.record({ at, actor: 'cli', action: 'goods.updated', subject, merchantId: south });
      await f.audit.record({ at, actor: 'cli', action: 'operator.created', subject });
      const shops = async (merchantIds?: readonly string[]) =>
        (await f.audit.list({ subject, limit: 10, offset: 0, ...(merchantIds && { merchantIds }) })).map((e) => e.merchantId ?? 'platform');
      expect(await shops([north])).toEqual([north]);
      expect(await shops([north, south])).toEqual([south, north]);
      expect(await shops([])).toEqual([]);
      expect(await shops()).toEqual(['platform', south, north]);
    });

    it("keeps each operator's shops: a platform operator by default, a shop operator of exactly the merchants set", async () => {
      const { operators } = await fresh();
      const added = await operators.add({ name: `shop-${suffix()}`, role: 'operator', passwordHash: 'h', at: new Date() });
      if (added === 'nameTaken') throw new Error('unexpected nameTaken');
      expect(await operators.shopsOf(added.id)).toEqual(PLATFORM);
      expect(await operators.setShops(added.id, shopsScope(['south', 'north']), new Date())).toBe('updated');
      expect(await operators.shopsOf(added.id)).toEqual({ kind: 'shops', merchantIds: ['north', 'south'] });
      expect(await operators.setShops(added.id, shopsScope(['east']), new Date())).toBe('updated');
      expect(await operators.shopsOf(added.id)).toEqual({ kind: 'shops', merchantIds: ['east'] });
      expect(await operators.setShops(added.id, shopsScope([]), new Date())).toBe('updated');
      expect(await operators.shopsOf(added.id)).toEqual({ kind: 'shops', merchantIds: [] });
      expect(await operators.setShops(added.id, PLATFORM, new Date())).toBe('updated');
      expect(await operators.shopsOf(added.id)).toEqual(PLATFORM);
      expect(await operators.setShops(2_000_000_000, PLATFORM, new Date())).toBe('missing');
      expect(await operators.shopsOf(2_000_000_000)).toEqual({ kind: 'shops', merchantIds: [] });
    });
  });
}
