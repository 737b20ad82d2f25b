import { fc, test } from '@fast-check/vitest';
import { SAMPLE_MERCHANT } from '../../src/adapters/wechatpay/shared/sample-merchant.js';
import { describe, expect, it } from 'vitest';
import { moneyToYuan, toGoods, toGoodsColumns, yuanToMoney } from '../../src/adapters/persistence/goods-mapper.js';
import type { GoodsRecord } from '../../src/adapters/persistence/goods-record.js';
import { toOrder, toOrderColumns, UnreadableRowError } from '../../src/adapters/persistence/order-mapper.js';
import type { OrderRecord } from '../../src/adapters/persistence/order-record.js';
import { parseDatabaseUrl } from '../../src/adapters/persistence/orm.js';
import { Money } from '../../src/domain/money.js';
import { ORDER_STATUSES } from '../../src/domain/order-status.js';
import { OutTradeNo } from '../../src/domain/out-trade-no.js';
import { PAID_TYPES } from '../../src/domain/paid-type.js';
import { aGoods, anOrder } from '../support/builders.js';

const asRecord = (columns: ReturnType<typeof toOrderColumns>): OrderRecord => ({ id: 1, ...columns }) as OrderRecord;

// From 2000 on: the seed reads paid_time 0 as "not paid", so the epoch itself is not a representable payment time.
const second = fc.integer({ min: 946_684_800, max: 2_000_000_000 }).map((s) => new Date(s * 1000));

describe('order mapper', () => {
  test.prop([
    fc.record({
      outTradeNo: fc.stringMatching(/^[0-9A-Za-z_\-*|]{1,32}$/),
      uid: fc.integer({ min: 1, max: 2_000_000_000 }),
      goodsId: fc.integer({ min: 1, max: 2_000_000_000 }),
      paidType: fc.constantFrom(...PAID_TYPES),
      fen: fc.integer({ min: 0, max: 2_147_483_647 }),
      integral: fc.integer({ min: 0, max: 1_000_000 }),
      status: fc.constantFrom(...ORDER_STATUSES),
      createdAt: second,
      updatedAt: second,
      paid: fc.option(fc.record({ transactionId: fc.stringMatching(/^[0-9]{28}$/), paidAt: second }), { nil: undefined }),
      prepay: fc.option(
        fc.record({
          prepayId: fc.stringMatching(/^wx[0-9a-f]{10,34}$/),
          issuedAt: second,
          expiresAt: second,
          signType: fc.constantFrom('MD5', 'HMAC-SHA256'),
        }),
        { nil: undefined },
      ),
      needsReview: fc.boolean(),
      holdsOpenSlot: fc.boolean(),
      version: fc.integer({ min: 0, max: 1_000_000 }),
      merchantId: fc.constantFrom('default', 'shop-b', 'a'.repeat(32)),
    }),
  ])('round-trips any order stored at whole seconds', (o) => {
    const order = anOrder({
      outTradeNo: OutTradeNo.parse(o.outTradeNo)!,
      uid: o.uid,
      goodsId: o.goodsId,
      paidType: o.paidType,
      cash: Money.ofFen(o.fen),
      integral: o.integral,
      status: o.status,
      createdAt: o.createdAt,
      updatedAt: o.updatedAt,
      ...(o.paid && { transactionId: o.paid.transactionId, paidAt: o.paid.paidAt }),
      ...(o.prepay && { prepay: o.prepay }),
      ...(o.needsReview && { review: { reason: 'look' } }),
      refunds: [],
      holdsOpenSlot: o.holdsOpenSlot,
      version: o.version,
      merchantId: o.merchantId,
    });
    expect(toOrder(asRecord(toOrderColumns(order.state))).state).toEqual(order.state);
  });

  it('drops sub-second precision, as the seed stores unix seconds', () => {
    const order = anOrder({ createdAt: new Date(Date.UTC(2026, 0, 15, 4, 0, 0, 999)) });
    expect(toOrderColumns(order.state).addTime).toBe(Date.UTC(2026, 0, 15, 4, 0, 0) / 1000);
  });

  it.each([
    ['an unknown paid_status', { paidStatus: 'PAID' }],
    ['an unknown paid_type', { paidType: 'ALIPAY' }],
    ['an empty out_trade_no', { outTradeNo: '' }],
    ['a negative paid_money', { paidMoney: -1 }],
  ])('refuses a row with %s instead of guessing', (_why, patch) => {
    const row = { ...asRecord(toOrderColumns(anOrder().state)), ...patch } as OrderRecord;
    expect(() => toOrder(row)).toThrow(UnreadableRowError);
  });

  it("reads the seed's NULLs and zeros as 'nothing yet'", () => {
    const row = {
      ...asRecord(toOrderColumns(anOrder().state)),
      billNo: null,
      paidTime: 0,
      prepayId: null,
      updateTime: null,
      openKey: null,
    } as OrderRecord;
    const state = toOrder(row).state;
    expect(state.transactionId).toBeUndefined();
    expect(state.paidAt).toBeUndefined();
    expect(state.prepay).toBeUndefined();
    expect(state.updatedAt).toEqual(state.createdAt);
    expect(state.holdsOpenSlot).toBe(false);
  });
});

describe('goods mapper', () => {
  it('turns yuan to the fen into fen and back, through the digits', () => {
    const row = { id: 5, name: 'n', marketPrice: '99.00', salePrice: '69.00', integral: 30, isOnline: 1 } as unknown as GoodsRecord;
    const goods = toGoods(row, SAMPLE_MERCHANT.appId);
    expect(goods).toEqual(aGoods({ id: 5, name: 'n' }));
    expect(toGoodsColumns(goods)).toEqual({ name: 'n', marketPrice: '99.00', salePrice: '69.00', integral: 30, isOnline: 1 });
    // MySQL's decimal text, SQLite's number, the seed's old int: the same fen.
    for (const [stored, fen] of [
      ['19.90', 1990],
      [19.9, 1990],
      [0.29, 29],
      ['0.07', 7],
      [99, 9900],
      ['21474836.47', 2_147_483_647],
    ] as const) {
      expect(yuanToMoney(stored).fen, String(stored)).toBe(fen);
      expect(moneyToYuan(Money.ofFen(fen)), String(fen)).toBe(typeof stored === 'string' ? stored : `${stored.toFixed(2)}`);
    }
  });

  it('refuses a stored price that is not yuan to the fen, rather than round it', () => {
    for (const stored of ['19.905', '-1', '1e3', '', 'abc', 19.999, '21474836.48']) expect(() => yuanToMoney(stored)).toThrow(RangeError);
  });

  it('reads a NULL is_online as offline', () => {
    expect(toGoods({ id: 1, isOnline: null } as GoodsRecord, SAMPLE_MERCHANT.appId).online).toBe(false);
  });
});

describe('DATABASE_URL', () => {
  it('reads mysql URLs, decoding credentials', () => {
    expect(parseDatabaseUrl('mysql://app:p%40ss@db.internal:3307/wxpay')).toEqual({
      dialect: 'mysql',
      host: 'db.internal',
      port: 3307,
      user: 'app',
      password: 'p@ss',
      dbName: 'wxpay',
    });
  });

  it('reads sqlite paths relative to the working directory', () => {
    expect(parseDatabaseUrl('sqlite:./data/wxpay.sqlite')).toEqual({ dialect: 'sqlite', path: `${process.cwd()}/data/wxpay.sqlite` });
    expect(parseDatabaseUrl('sqlite:/var/lib/wxpay.sqlite')).toEqual({ dialect: 'sqlite', path: '/var/lib/wxpay.sqlite' });
  });

  it.each(['postgres://x/db', 'mysql://root@localhost', 'sqlite:', 'nonsense'])('refuses %s without echoing secrets', (url) => {
    expect(() => parseDatabaseUrl(url)).toThrow(/DATABASE_URL/);
  });
});
