import { describe, expect, it } from 'vitest';
import type { GoodsAdmin } from '../../src/application/ports/goods-catalog.js';
import { MAX_FEN, Money } from '../../src/domain/money.js';
import type { Goods } from '../../src/domain/goods.js';
import { aGoods } from '../support/builders.js';

export interface GoodsCatalogFixture {
  readonly catalog: GoodsAdmin;
  /** The adapter's seeding write: stores the goods under its id, creating or updating them. */
  save(goods: Goods): Promise<void>;
}

/**
 * What every GoodsCatalog must do. Ids are randomised so shared databases need no truncation; listings are checked
 * only for the goods a test created.
 */
export function goodsCatalogContract(name: string, fresh: () => Promise<GoodsCatalogFixture>): void {
  const id = (): number => 100_000 + Math.floor(Math.random() * 1_000_000_000);

  describe(`GoodsCatalog contract: ${name}`, () => {
    it('round-trips every field of a goods item', async () => {
      const { catalog, save } = await fresh();
      const goods = aGoods({
        id: id(),
        name: '瑜伽课 Yoga',
        marketPrice: Money.ofFen(12_300),
        salePrice: Money.ofFen(9_900),
        integral: 45,
      });
      await save(goods);
      expect(await catalog.findById(goods.id)).toEqual(goods);
    });

    it('keeps prices to the fen exactly, up to the largest amount an order can pay', async () => {
      const { catalog, save } = await fresh();
      // 0.10 and 0.29 are where a float would slip (0.29 * 100 = 28.999999999999996); MAX_FEN is the top.
      for (const [market, sale] of [
        [1_234_567, 1_234_501],
        [29, 10],
        [MAX_FEN, MAX_FEN - 1],
      ] as const) {
        const goods = aGoods({ id: id(), marketPrice: Money.ofFen(market), salePrice: Money.ofFen(sale) });
        await save(goods);
        expect(await catalog.findById(goods.id)).toEqual(goods);
      }
    });

    it('knows nothing of an id it never stored', async () => {
      const { catalog } = await fresh();
      expect(await catalog.findById(id())).toBeUndefined();
    });

    it('keeps free goods (price 0) and offline goods readable by id', async () => {
      const { catalog, save } = await fresh();
      const free = aGoods({ id: id(), marketPrice: Money.ZERO, salePrice: Money.ZERO, integral: 0, online: false });
      await save(free);
      expect(await catalog.findById(free.id)).toEqual(free);
    });

    it('applies a second save of the same id as an update', async () => {
      const { catalog, save } = await fresh();
      const goods = aGoods({ id: id() });
      await save(goods);
      const changed: Goods = { ...goods, name: 'Renamed', marketPrice: Money.ofFen(19_900), online: false };
      await save(changed);
      expect(await catalog.findById(goods.id)).toEqual(changed);
    });

    it('updates existing goods, and never creates goods under an id it does not know', async () => {
      const { catalog, save } = await fresh();
      const goods = aGoods({ id: id() });
      await save(goods);
      expect(await catalog.update({ ...goods, name: 'Renamed' })).toBe('updated');
      expect((await catalog.findById(goods.id))?.name).toBe('Renamed');
      const ghost = aGoods({ id: id() });
      expect(await catalog.update(ghost)).toBe('notFound');
      expect(await catalog.findById(ghost.id)).toBeUndefined();
    });

    it('creates goods under an id of its own, and lists them with the offline ones', async () => {
      const { catalog } = await fresh();
      const created = await catalog.create({
        name: 'New',
        marketPrice: Money.ofFen(100),
        salePrice: Money.ZERO,
        integral: 0,
        online: false,
      });
      expect(await catalog.findById(created.id)).toEqual(created);
      expect((await catalog.listAll()).map((g) => g.id)).toContain(created.id);
      expect((await catalog.listOnline()).map((g) => g.id)).not.toContain(created.id);
    });

    it('lists online goods only, in a stable order', async () => {
      const { catalog, save } = await fresh();
      const base = id();
      const ours = [aGoods({ id: base + 2 }), aGoods({ id: base, online: false }), aGoods({ id: base + 1 })];
      for (const g of ours) await save(g);
      const listed = (await catalog.listOnline()).filter((g) => g.id >= base && g.id <= base + 2);
      expect(listed.map((g) => g.id)).toEqual([base + 1, base + 2]);
      expect(listed.every((g) => g.online)).toBe(true);
    });

    it("lists each mini-program's goods apart; an update never moves goods to another mini-program", async () => {
      const { catalog, save } = await fresh();
      const base = id();
      const other = `wxo${Math.random().toString(36).slice(2, 10)}`;
      const here = aGoods({ id: base });
      const there = aGoods({ id: base + 1, appId: other });
      await save(here);
      await save(there);
      const ours = (goods: Goods[]) => goods.filter((g) => g.id >= base && g.id <= base + 1).map((g) => g.id);
      expect(ours(await catalog.listOnline())).toEqual([base]);
      expect(ours(await catalog.listOnline(here.appId))).toEqual([base]);
      expect(ours(await catalog.listOnline(other))).toEqual([base + 1]);
      expect(await catalog.findById(there.id)).toEqual(there);
      const { appId: _kept, ...change } = there;
      expect(await catalog.update({ ...change, name: 'Renamed' })).toBe('updated');
      expect(await catalog.findById(there.id)).toEqual({ ...there, name: 'Renamed' });
      const created = await catalog.create({
        name: 'There too',
        marketPrice: Money.ofFen(100),
        salePrice: Money.ZERO,
        integral: 0,
        online: true,
        appId: other,
      });
      expect(created.appId).toBe(other);
      expect((await catalog.findById(created.id))?.appId).toBe(other);
    });
  });
}
