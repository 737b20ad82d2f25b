import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniProgramUser, postJson, type Envelope } from '../support/mini-program.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
const TWO_HOURS = 2 * 60 * 60 * 1000;

/** Demo goods (sandbox): 1 = 99 yuan market / 69 yuan sale + 30 coins; 3 = 1 yuan market / 0 sale + 5 coins. */
describe('health coins over HTTP', () => {
  let service: ServiceProcess;
  const admin = async (path: string, body: unknown) => {
    const res = await fetch(`${service.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Envelope<Record<string, unknown>> };
  };
  const coinsOf = async (user: MiniProgramUser) => {
    const res = await fetch(`${service.baseUrl}/wechat/integral`, { headers: { authorization: `Bearer ${user.token}` } });
    return ((await res.json()) as Envelope<{ balance: number; journal: { operation: string; delta: number }[] }>).data;
  };
  const userWith = async (coins: number) => {
    const user = await new MiniProgramUser(service.baseUrl).login();
    if (coins > 0) expect((await admin('/admin/integral/grant', { uid: user.uid, amount: coins, grant_id: 'welcome' })).status).toBe(200);
    return user;
  };

  beforeAll(async () => {
    service = await startService({ ADMIN_TOKEN, RECONCILE_INTERVAL_MS: '600000', SANDBOX_TIME_SCALE: '0.01' });
  });
  afterAll(async () => service?.stop());

  it('grants idempotently and shows the balance and journal to the user', async () => {
    const user = await userWith(50);
    expect((await admin('/admin/integral/grant', { uid: user.uid, amount: 50, grant_id: 'welcome' })).body.data).toEqual({
      result: 'alreadyGranted',
      balance: 50,
    });
    expect(await coinsOf(user)).toMatchObject({ balance: 50, journal: [{ operation: 'grant', delta: 50 }] });
  });

  it('completes an INTEGRAL order with no cash part at once, without WeChat', async () => {
    const user = await userWith(5);
    const { status, body } = await user.prepayRaw('goods_id=3&paid_type=INTEGRAL');
    expect(status).toBe(200);
    expect(body.data.data).toMatchObject({ paid: true, paidIntegral: 5 });
    const no = (body.data.data as unknown as { outTradeNo: string }).outTradeNo;
    expect((await user.order(no)).body.data).toMatchObject({ status: 'SUCC', paidMoney: 0, paidIntegral: 5, paidType: 'INTEGRAL' });
    expect((await coinsOf(user)).balance).toBe(0);
  });

  it('refuses with 409 and the balance when the coins do not suffice, creating nothing', async () => {
    const user = await userWith(10);
    const { status, body } = await user.prepayRaw('goods_id=1&paid_type=MIXED');
    expect(status).toBe(409);
    expect(body.data).toMatchObject({ status: -1, result: 'fail', balance: 10, required: 30 });
    expect((await coinsOf(user)).balance).toBe(10);
  });

  it('pays a MIXED order: cash through WeChat, coins committed', async () => {
    const user = await userWith(30);
    const params = await user.prepay(1, 'MIXED');
    expect((await coinsOf(user)).balance).toBe(0);
    await user.pay(params);
    expect(await user.waitForStatus(params.outTradeNo, 'SUCC')).toMatchObject({ status: 'SUCC', paidMoney: 6900, paidIntegral: 30 });
    expect((await coinsOf(user)).journal.map((e) => e.operation)).toEqual(['commit', 'reserve', 'grant']);
  });

  it('gives the coins back when an abandoned MIXED order is closed', async () => {
    const user = await userWith(30);
    const params = await user.prepay(1, 'MIXED');
    expect((await coinsOf(user)).balance).toBe(0);
    // Sandbox time travel, on the service's and the simulator's clocks together: past the prepay_id's 2 hours.
    await postJson(`${service.baseUrl}/sandbox/wxpay/control/clock`, { advanceMs: TWO_HOURS + 60_000 });
    expect((await admin('/admin/reconcile', {})).status).toBe(200);
    expect((await user.order(params.outTradeNo)).body.data.status).toBe('FAILED');
    expect((await coinsOf(user)).balance).toBe(30);
  });

  it('refunds a paid MIXED order: cash through WeChat, coins back', async () => {
    const user = await userWith(30);
    const params = await user.prepay(1, 'MIXED');
    await user.pay(params);
    await user.waitForStatus(params.outTradeNo, 'SUCC');
    const refund = await admin(`/admin/orders/${params.outTradeNo}/refund`, {});
    expect(refund).toMatchObject({
      status: 200,
      body: { data: { outRefundNo: `${params.outTradeNo}R1`, amountFen: 6900, completed: false } },
    });
    // The simulator settles the refund and sends the encrypted refund notice; the order follows.
    const refunded = await user.waitForStatus(params.outTradeNo, 'REFUND', 15_000);
    expect(refunded.status).toBe('REFUND');
    expect((await coinsOf(user)).balance).toBe(30);
  });
});
