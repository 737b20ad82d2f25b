import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MiniProgramUser, postJson, type Envelope } from '../support/mini-program.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { until } from '../support/service-ops.js';

const ADMIN_TOKEN = 'realities-admin-token-0123456789';

interface OrderView {
  status: string;
  paidMoney: number;
  cashPaid: number | null;
  refundableMoney: number;
  needsReview: boolean;
  refunds: { outRefundNo: string; amount: number; status: string }[];
}

/**
 * How the running service reacts to what merchants meet at WeChat (issue "What a real v2 merchant hits", item 17),
 * each produced by the embedded simulator's controls and faults.
 */
describe('the service against a strict WeChat', () => {
  let service: ServiceProcess;
  const sim = () => `${service.baseUrl}/sandbox/wxpay`;

  beforeAll(async () => {
    // WeChat time at its real pace: an accepted refund settles by itself only after 3 s, so a test can settle it first.
    service = await startService({ ADMIN_TOKEN, SANDBOX_TIME_SCALE: '1', RECONCILE_INTERVAL_MS: '3600000' });
  });
  afterAll(async () => service?.stop());
  afterEach(async () => {
    await fetch(`${sim()}/control/faults`, { method: 'DELETE' });
  });

  const admin = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${service.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Envelope<T> };
  };
  const order = async (no: string) => (await admin<OrderView>('GET', `/admin/orders/${no}`)).body.data;
  const fault = (spec: Record<string, unknown>) => postJson(`${sim()}/control/faults`, spec);

  async function paidOrder(user: MiniProgramUser, pay: Record<string, unknown> = {}): Promise<string> {
    const params = await user.prepay(2);
    await postJson(`${sim()}/control/pay`, { prepay_id: params.package.replace(/^prepay_id=/, ''), ...pay });
    await user.waitForStatus(params.outTradeNo, 'SUCC');
    return params.outTradeNo;
  }

  it('answers a prepay for an openid WeChat says belongs to another appid with 502 naming PARAM_ERROR', async () => {
    const openid = `oForeign${Date.now()}`;
    const user = await new MiniProgramUser(service.baseUrl).login(openid);
    await postJson(`${sim()}/control/openids/${openid}/foreign`, {});
    const { status, body } = await user.prepayRaw('goods_id=2&paid_type=WXPAY');
    expect(status).toBe(502);
    expect(body.msg).toContain('PARAM_ERROR');
    expect(body.msg).toContain('appid和openid不匹配');
  });

  it('records a coupon payment at the order price, with what the user paid in cash beside it', async () => {
    const user = await new MiniProgramUser(service.baseUrl).login();
    const no = await paidOrder(user, { coupon_fee: 1 });
    const view = await order(no);
    expect(view).toMatchObject({ status: 'SUCC', needsReview: false });
    expect(view.cashPaid).toBe(view.paidMoney - 1);
  });

  it('acknowledges a FAIL notify without moving the order, and closes it once orderquery says PAYERROR', async () => {
    const user = await new MiniProgramUser(service.baseUrl).login();
    const params = await user.prepay(2);
    await postJson(`${sim()}/control/pay`, { prepay_id: params.package.replace(/^prepay_id=/, ''), result: 'FAIL' });
    const notifies = await until(
      async () => (await (await fetch(`${sim()}/control/notifies`)).json()) as { deliveries: { subject: string; status: string }[] },
      (d) => d.deliveries.some((x) => x.subject === params.outTradeNo && x.status === 'acked'),
    );
    expect(notifies.deliveries.find((x) => x.subject === params.outTradeNo)?.status).toBe('acked');
    expect((await order(params.outTradeNo)).status).toBe('CHECKED');

    await admin('POST', '/admin/reconcile');
    expect((await order(params.outTradeNo)).status).toBe('FAILED');
  });

  it('leaves an order the user is still paying for (USERPAYING) open, and fails one WeChat revoked', async () => {
    const user = await new MiniProgramUser(service.baseUrl).login();
    const paying = await user.prepay(2);
    const revoked = await user.prepay(1);
    await postJson(`${sim()}/control/orders/${paying.outTradeNo}/trade-state`, { trade_state: 'USERPAYING' });
    await postJson(`${sim()}/control/orders/${revoked.outTradeNo}/trade-state`, { trade_state: 'REVOKED' });
    await admin('POST', '/admin/reconcile');
    expect((await order(paying.outTradeNo)).status).toBe('CHECKED');
    expect((await order(revoked.outTradeNo)).status).toBe('FAILED');
  });

  it('records a refund WeChat refused for want of balance (NOTENOUGH) as REFUSED, and sends it again when asked', async () => {
    const user = await new MiniProgramUser(service.baseUrl).login();
    const no = await paidOrder(user);
    await fault({ fault: 'refusal', api: 'refund', err_code: 'NOTENOUGH' });
    const refused = await admin('POST', `/admin/orders/${no}/refund`, {});
    expect(refused.status).toBe(502);
    expect(refused.body.msg).toContain('NOTENOUGH');
    const view = await order(no);
    expect(view).toMatchObject({ status: 'SUCC', refunds: [{ outRefundNo: `${no}R1`, status: 'REFUSED' }] });
    expect(view.refundableMoney).toBe(view.paidMoney);

    const again = await admin<{ outRefundNo: string; status: string }>('POST', `/admin/orders/${no}/refund`, {});
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ outRefundNo: `${no}R1`, status: 'PROCESSING' });
  });

  it('answers a rate-limited refund (FREQUENCY_LIMITED) 503 with Retry-After, and reconciliation sends it later', async () => {
    const user = await new MiniProgramUser(service.baseUrl).login();
    const no = await paidOrder(user);
    await fault({ fault: 'refusal', api: 'refund', err_code: 'FREQUENCY_LIMITED' });
    const limited = await admin('POST', `/admin/orders/${no}/refund`, {});
    expect(limited.status).toBe(503);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect((await order(no)).refunds).toMatchObject([{ status: 'PROCESSING' }]);

    const run = await admin<{ refundsResubmitted: number }>('POST', '/admin/reconcile');
    expect(run.body.data.refundsResubmitted).toBe(1);
    const sent = (await (await fetch(`${sim()}/control/orders/${no}`)).json()) as { refunds: { out_refund_no: string }[] };
    expect(sent.refunds.map((r) => r.out_refund_no)).toEqual([`${no}R1`]);
  });

  it('frees the amount of a refund WeChat closed (REFUNDCLOSE), and flags none for review when one is stuck (CHANGE)', async () => {
    const user = await new MiniProgramUser(service.baseUrl).login();
    const closed = await paidOrder(user);
    await admin('POST', `/admin/orders/${closed}/refund`, {});
    await postJson(`${sim()}/control/refunds/${closed}R1/settle`, { refund_status: 'REFUNDCLOSE' });
    const reopened = await until(
      () => order(closed),
      (v) => v.refunds[0]?.status === 'CLOSED',
    );
    expect(reopened.refundableMoney).toBe(reopened.paidMoney);

    const stuck = await paidOrder(user);
    await admin('POST', `/admin/orders/${stuck}/refund`, {});
    await postJson(`${sim()}/control/refunds/${stuck}R1/settle`, { refund_status: 'CHANGE' });
    const abnormal = await until(
      () => order(stuck),
      (v) => v.refunds[0]?.status === 'ABNORMAL',
    );
    expect(abnormal).toMatchObject({ status: 'SUCC', refundableMoney: 0 });
  });
});
