import { describe, expect, it } from 'vitest';
import { SAMPLE_MERCHANT } from '../../../src/adapters/wechatpay/shared/sample-merchant.js';
import { useCaseFixture } from '../../support/test-container.js';

describe('Login', () => {
  it('creates the user on first login and finds the same user afterwards', async () => {
    const f = await useCaseFixture();
    const first = await f.login.execute('code-bob');
    expect(await f.login.execute('code-bob')).toEqual({ ok: false, error: { kind: 'InvalidCode' } }); // single use
    const again = await f.login.execute(f.wechatLogin.issueLoginCode('openid-bob'));
    expect(first).toEqual({ ok: true, value: { uid: expect.any(Number), appId: SAMPLE_MERCHANT.appId, openid: 'openid-bob' } });
    expect(again).toEqual(first);
  });

  it('refuses a mini-program that is not configured here, before WeChat hears of the code', async () => {
    const f = await useCaseFixture();
    expect(await f.login.execute('code-bob', 'wx9999999999999999')).toEqual({ ok: false, error: { kind: 'UnknownMiniProgram' } });
    expect(f.wechatLogin.calls).toEqual([]);
  });

  it('keeps one user per mini-program for one openid, each logging in with its own login', async () => {
    const f = await useCaseFixture({ miniPrograms: [{ appId: 'wx1111111111111111', name: 'members', merchantId: 'default' }] });
    const here = await f.login.execute('code-bob');
    const there = await f.login.execute('code-bob', 'wx1111111111111111');
    expect(there).toEqual({ ok: true, value: { uid: expect.any(Number), appId: 'wx1111111111111111', openid: 'openid-bob' } });
    expect(here.ok && there.ok && here.value.uid !== there.value.uid).toBe(true);
    expect(f.loginOf('wx1111111111111111').calls).toEqual(['codeToSession']);
    expect(f.wechatLogin.calls).toEqual(['codeToSession']);
  });

  it.each([
    ['blocked', 'UserBlocked'],
    ['rateLimited', 'LoginRateLimited'],
    ['misconfigured', 'LoginMisconfigured'],
  ] as const)('tells a %s answer from WeChat apart (%s), creating no one', async (outcome, kind) => {
    const f = await useCaseFixture();
    const result = await f.login.execute(f.wechatLogin.issueLoginCode('openid-carol', outcome));
    expect(result).toMatchObject({ ok: false, error: { kind } });
    expect(await f.users.findByOpenid('openid-carol')).toBeUndefined();
  });

  it.each(['bad', '', 'code bob', 'x'.repeat(200)])('refuses the code %j without creating anyone', async (code) => {
    const f = await useCaseFixture();
    expect(await f.login.execute(code)).toEqual({ ok: false, error: { kind: 'InvalidCode' } });
    expect(await f.users.findByOpenid('openid-')).toBeUndefined();
  });
});

describe('GetOrderStatus', () => {
  async function withOrder() {
    const f = await useCaseFixture();
    const status = f.getOrderStatus;
    const prepay = await f.requestPrepay.execute({ uid: f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
    if (!prepay.ok) throw new Error('prepay failed');
    return { f, status, no: prepay.value.outTradeNo };
  }

  it('shows the owner SUCC as soon as WeChat has the payment, before any notify', async () => {
    const { f, status, no } = await withOrder();
    f.gateway.pay(no);
    const result = await status.execute(f.user.uid, no);
    expect(result.ok && result.value.status).toBe('SUCC');
    expect(f.events.published).toHaveLength(1);
  });

  it('asks WeChat at most once per interval however often the client polls', async () => {
    const { f, status, no } = await withOrder();
    f.gateway.calls.length = 0;
    for (let i = 0; i < 5; i++) await status.execute(f.user.uid, no);
    expect(f.gateway.calls).toEqual(['queryOrder']);
    f.clock.advance(3_000);
    await status.execute(f.user.uid, no);
    expect(f.gateway.calls).toEqual(['queryOrder', 'queryOrder']);
  });

  it('answers from storage when WeChat is unreachable', async () => {
    const { f, status, no } = await withOrder();
    f.gateway.pay(no);
    f.gateway.beUnavailable(1);
    const result = await status.execute(f.user.uid, no);
    expect(result.ok && result.value.status).toBe('CHECKED');
  });

  it("hides other users' orders and unknown numbers", async () => {
    const { f, status, no } = await withOrder();
    expect(await status.execute(f.user.uid + 1, no)).toEqual({ ok: false, error: { kind: 'NotOwner' } });
    expect(await status.execute(f.user.uid, '2026011512000000020000000000')).toEqual({ ok: false, error: { kind: 'OrderNotFound' } });
  });
});
