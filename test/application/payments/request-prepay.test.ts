import { requestPaymentParams } from '../../../src/adapters/wechatpay/shared/request-payment.js';
import { describe, expect, it } from 'vitest';
import type { Lock } from '../../../src/application/ports/lock.js';
import { GatewayUnavailableError } from '../../../src/application/ports/payment-gateway.js';
import { lockKey, type PrepayCommand } from '../../../src/application/payments/request-prepay.js';
import { Money } from '../../../src/domain/money.js';
import { PREPAY_LIFETIME_MS } from '../../../src/domain/prepay.js';
import { aGoods } from '../../support/builders.js';
import { useCaseFixture, type UseCaseFixture } from '../../support/test-container.js';

const DAY = 24 * 3_600_000;

const commandFor = (f: UseCaseFixture, overrides: Partial<PrepayCommand> = {}): PrepayCommand => ({
  uid: f.user.uid,
  goodsId: 3,
  paidType: 'WXPAY',
  clientIp: '203.0.113.7',
  ...overrides,
});

async function granted(f: UseCaseFixture, overrides: Partial<PrepayCommand> = {}) {
  const result = await f.requestPrepay.execute(commandFor(f, overrides));
  if (!result.ok) throw new Error(`prepay refused: ${JSON.stringify(result.error)}`);
  if (result.value.kind !== 'payInClient') throw new Error('expected a payment in the client');
  return { ...result.value, params: requestPaymentParams(result.value.clientPayment) };
}

describe('RequestPrepay', () => {
  it('opens an order at the market price and returns the wx.requestPayment parameters', async () => {
    const f = await useCaseFixture();
    const answer = await granted(f);

    const order = await f.orders.findByOutTradeNo(answer.outTradeNo);
    expect(order?.state).toMatchObject({
      status: 'CHECKED',
      uid: f.user.uid,
      goodsId: 3,
      paidType: 'WXPAY',
      integral: 0,
      merchantId: 'default',
    });
    expect(order?.state.cash.fen).toBe(9900);
    expect(order?.state.prepay?.prepayId).toBeDefined();
    expect(answer.params.package).toBe(`prepay_id=${order?.state.prepay?.prepayId}`);
    expect(answer.outTradeNo).toMatch(/^\d{14}0002\d{10}$/);
    expect(answer.reused).toBe(false);
    expect(f.gateway.trades.get(answer.outTradeNo)?.request).toMatchObject({
      openid: 'openid-alice',
      clientIp: '203.0.113.7',
      description: 'Yoga course',
    });
  });

  it('commits the order before WeChat hears of its number', async () => {
    const f = await useCaseFixture();
    const seenByWechat: (string | undefined)[] = [];
    const original = f.gateway.createPrepay.bind(f.gateway);
    f.gateway.createPrepay = async (request) => {
      seenByWechat.push((await f.orders.findByOutTradeNo(request.outTradeNo))?.status);
      return original(request);
    };
    await granted(f);
    expect(seenByWechat).toEqual(['CHECKED']);
  });

  it('prices INTEGRAL and MIXED at the sale price plus coins', async () => {
    const f = await useCaseFixture();
    await f.ledger.grant(f.user.uid, 60, 'welcome', f.clock.now());
    for (const paidType of ['INTEGRAL', 'MIXED'] as const) {
      const order = await f.orders.findByOutTradeNo((await granted(f, { paidType })).outTradeNo);
      expect(order?.state.cash.fen).toBe(6900);
      expect(order?.state.integral).toBe(30);
    }
  });

  it('reuses the open order and its prepay_id for a repeated request', async () => {
    const f = await useCaseFixture();
    const first = await granted(f);
    f.clock.advance(30 * 60_000);
    const second = await granted(f);
    expect(second.outTradeNo).toBe(first.outTradeNo);
    expect(second.params.package).toBe(first.params.package);
    expect(second.reused).toBe(true);
    expect(f.gateway.calls.filter((c) => c === 'createPrepay')).toHaveLength(1);
  });

  it('asks WeChat again, with the same number and parameters, once the prepay_id has expired', async () => {
    const f = await useCaseFixture();
    const first = await granted(f);
    f.clock.advance(PREPAY_LIFETIME_MS + 1);
    const second = await granted(f);
    expect(second.outTradeNo).toBe(first.outTradeNo);
    expect(second.params.package).not.toBe(first.params.package);
    expect(f.gateway.trades.get(first.outTradeNo)?.prepays).toHaveLength(2);
  });

  it('never hands out a prepay_id that dies within the payment window: WeChat answers the same id, so a new order is opened', async () => {
    const f = await useCaseFixture();
    const first = await granted(f);
    f.clock.advance(PREPAY_LIFETIME_MS - 60_000);
    const second = await granted(f);
    // WeChat answered the still-living id again; it kept its first expiry, one minute away.
    expect(f.gateway.trades.get(first.outTradeNo)?.prepays).toHaveLength(1);
    expect(second.outTradeNo).not.toBe(first.outTradeNo);
    const prepay = (await f.orders.findByOutTradeNo(second.outTradeNo))?.state.prepay;
    expect(prepay!.expiresAt.getTime() - f.clock.now().getTime()).toBe(PREPAY_LIFETIME_MS);
    // The old order was closed at WeChat before it was replaced, so nobody can pay it any more.
    expect(f.gateway.trades.get(first.outTradeNo)?.state).toBe('CLOSED');
    expect((await f.orders.findByOutTradeNo(first.outTradeNo))?.status).toBe('FAILED');
  });

  it('opens a new order after 7 calendar days, leaving the old one unpaid but no longer reusable', async () => {
    const f = await useCaseFixture();
    const first = await granted(f);
    f.clock.advance(8 * DAY);
    const second = await granted(f);
    expect(second.outTradeNo).not.toBe(first.outTradeNo);
    const old = await f.orders.findByOutTradeNo(first.outTradeNo);
    expect(old?.state).toMatchObject({ status: 'CHECKED', holdsOpenSlot: false });
  });

  it('opens a new order when the price changed since the open one was created', async () => {
    const f = await useCaseFixture();
    const first = await granted(f);
    await f.goods.save(aGoods({ marketPrice: Money.ofFen(8800) }));
    const second = await granted(f);
    expect(second.outTradeNo).not.toBe(first.outTradeNo);
    expect((await f.orders.findByOutTradeNo(second.outTradeNo))?.state.cash.fen).toBe(8800);
  });

  it('keeps orders apart per paid type and per user', async () => {
    const f = await useCaseFixture();
    await f.ledger.grant(f.user.uid, 30, 'welcome', f.clock.now());
    const bob = await f.users.findOrCreate('openid-bob');
    const numbers = new Set([
      (await granted(f)).outTradeNo,
      (await granted(f, { paidType: 'MIXED' })).outTradeNo,
      (await granted(f, { uid: bob.uid })).outTradeNo,
    ]);
    expect(numbers.size).toBe(3);
  });

  it.each([
    ['unknown goods', { goodsId: 404 }, 'GoodsNotFound'],
    ['an unknown user', { uid: 999 }, 'UnknownUser'],
    ['a bad paid type', { paidType: 'CASH' as never }, 'InvalidCommand'],
    ['a non-integer uid', { uid: 1.5 }, 'InvalidCommand'],
    ['a negative goods id', { goodsId: -3 }, 'InvalidCommand'],
  ])('refuses %s and changes nothing', async (_, overrides, kind) => {
    const f = await useCaseFixture();
    const result = await f.requestPrepay.execute(commandFor(f, overrides));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.kind).toBe(kind);
    expect(f.orders.all()).toHaveLength(0);
    expect(f.gateway.calls).toEqual([]);
  });

  it('refuses goods that are offline', async () => {
    const f = await useCaseFixture();
    await f.goods.save(aGoods({ online: false }));
    const result = await f.requestPrepay.execute(commandFor(f));
    expect(!result.ok && result.error.kind).toBe('GoodsOffline');
    expect(f.orders.all()).toHaveLength(0);
  });

  it('keeps the order CHECKED when WeChat times out, and the retry reuses the same number', async () => {
    const f = await useCaseFixture();
    f.gateway.beUnavailable(1);
    await expect(f.requestPrepay.execute(commandFor(f))).rejects.toBeInstanceOf(GatewayUnavailableError);
    const [order] = f.orders.all();
    expect(order?.status).toBe('CHECKED');
    const retry = await granted(f);
    expect(retry.outTradeNo).toBe(order?.state.outTradeNo.value);
  });

  it('confirms and reports an order WeChat says is already paid (ORDERPAID)', async () => {
    const f = await useCaseFixture();
    const first = await granted(f);
    f.gateway.pay(first.outTradeNo);
    f.clock.advance(PREPAY_LIFETIME_MS); // force a new unifiedorder, which answers ORDERPAID
    const result = await f.requestPrepay.execute(commandFor(f));
    expect(result).toEqual({ ok: false, error: { kind: 'AlreadyPaid', outTradeNo: first.outTradeNo } });
    expect((await f.orders.findByOutTradeNo(first.outTradeNo))?.status).toBe('SUCC');
    expect(f.events.published.map((e) => e.type)).toEqual(['OrderPaid']);
  });

  it('replaces an order WeChat closed (ORDERCLOSED) with a new one', async () => {
    const f = await useCaseFixture();
    const first = await granted(f);
    f.gateway.setTradeState(first.outTradeNo, 'CLOSED');
    f.clock.advance(PREPAY_LIFETIME_MS);
    const second = await granted(f);
    expect(second.outTradeNo).not.toBe(first.outTradeNo);
    expect((await f.orders.findByOutTradeNo(first.outTradeNo))?.status).toBe('FAILED');
  });

  it('replaces an order whose parameters WeChat refuses (201 商户订单号重复) with a new one', async () => {
    const f = await useCaseFixture();
    const first = await granted(f);
    await f.goods.save(aGoods({ name: 'Yoga course (2026 edition)' }));
    f.clock.advance(PREPAY_LIFETIME_MS);
    const second = await granted(f);
    expect(second.outTradeNo).not.toBe(first.outTradeNo);
    expect((await f.orders.findByOutTradeNo(first.outTradeNo))?.state).toMatchObject({ status: 'CHECKED', holdsOpenSlot: false });
  });

  it('passes on a WeChat refusal it cannot fix', async () => {
    const f = await useCaseFixture();
    f.gateway.createPrepay = async () => ({ kind: 'rejected', code: 'NOAUTH', message: '商户无此接口权限', category: 'configuration' });
    const result = await f.requestPrepay.execute(commandFor(f));
    expect(result).toEqual({
      ok: false,
      error: { kind: 'GatewayRejected', code: 'NOAUTH', message: '商户无此接口权限', category: 'configuration' },
    });
  });

  it('locks per (uid, goods, paid type), never globally', async () => {
    const taken: string[] = [];
    const recordingLock: Lock = {
      acquire: async (key) => {
        taken.push(key);
        return { key, release: async () => {} };
      },
    };
    const f = await useCaseFixture({ lock: recordingLock });
    await f.ledger.grant(f.user.uid, 30, 'welcome', f.clock.now());
    await granted(f);
    await granted(f, { paidType: 'MIXED' });
    expect(taken).toEqual([
      lockKey({ uid: f.user.uid, goodsId: 3, paidType: 'WXPAY' }),
      lockKey({ uid: f.user.uid, goodsId: 3, paidType: 'MIXED' }),
    ]);
    expect(new Set(taken).size).toBe(2);
    expect(taken[0]).toBe(`prepay:{${f.user.uid}:3:WXPAY}`);
  });

  it('answers Busy, creating nothing, when the key stays locked', async () => {
    const f = await useCaseFixture({ lock: { acquire: async () => undefined } });
    const result = await f.requestPrepay.execute(commandFor(f));
    expect(result).toEqual({ ok: false, error: { kind: 'Busy' } });
    expect(f.orders.all()).toHaveLength(0);
  });

  it('releases the lock even when WeChat fails', async () => {
    const f = await useCaseFixture();
    f.gateway.beUnavailable(1);
    await expect(f.requestPrepay.execute(commandFor(f))).rejects.toThrow();
    expect(await f.lock.acquire(lockKey({ uid: f.user.uid, goodsId: 3, paidType: 'WXPAY' }), { ttlMs: 1000, waitMs: 0 })).toBeDefined();
  });
});
