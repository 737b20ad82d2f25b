import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureBillsOut } from '../support/bill-clock.js';
import { MiniProgramUser, postJson } from '../support/mini-program.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

const ADMIN_TOKEN = 'bill-admin-token-0123456789';

describe('T+1 bill reconciliation over HTTP (simulator downloadbill, downloadfundflow)', () => {
  let service: ServiceProcess;
  beforeAll(async () => {
    service = await startService({ ADMIN_TOKEN, RECONCILE_INTERVAL_MS: '3600000' });
  });
  afterAll(async () => service?.stop());

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${service.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await res.json()) as { errcode: number; data: Record<string, unknown> };
  };

  it('records a payment that only the next day’s bill shows', async () => {
    const user = await new MiniProgramUser(service.baseUrl).login();
    const params = await user.prepay(2);
    await postJson(`${service.baseUrl}/sandbox/wxpay/control/faults`, { fault: 'lose', notify: 'payment', count: 1 });
    await user.pay(params);
    const day = params.outTradeNo.slice(0, 8);
    expect((await admin('GET', `/admin/orders/${params.outTradeNo}`)).data.status).toBe('CHECKED');

    // Tomorrow, after WeChat has generated the bill.
    await postJson(`${service.baseUrl}/sandbox/wxpay/control/clock`, { advanceMs: 24 * 3_600_000 });
    await ensureBillsOut(`${service.baseUrl}/sandbox/wxpay/control`, day);
    const report = await admin('POST', '/admin/reconcile-bill', { date: day });
    expect(report.data).toMatchObject({ billDate: day, available: true, repaired: [params.outTradeNo], unknown: [], mismatched: [] });
    expect((await admin('GET', `/admin/orders/${params.outTradeNo}`)).data.status).toBe('SUCC');
  });

  it('matches a day of payments and a partial refund to the last fen in all three bills; a refund made only at WeChat goes to review', async () => {
    const DAY = 24 * 3_600_000;
    const sim = `${service.baseUrl}/sandbox/wxpay/control`;
    const user = await new MiniProgramUser(service.baseUrl).login();
    const params = await user.prepay(2);
    await user.pay(params);
    await user.waitForStatus(params.outTradeNo, 'SUCC');
    const no = params.outTradeNo;
    const refund = await admin('POST', `/admin/orders/${no}/refund`, { amount: 500 });
    expect(refund.errcode).toBe(200);
    await postJson(`${sim}/refunds/${no}R1/settle`, { refund_status: 'SUCCESS' });
    await vi.waitFor(async () => expect((await admin('GET', `/admin/orders/${no}`)).data.refunds).toMatchObject([{ status: 'SUCCESS' }]));

    // The next morning, all three bills of the day: nothing left over, nothing for a person.
    const day = no.slice(0, 8);
    await postJson(`${sim}/clock`, { advanceMs: DAY });
    await ensureBillsOut(sim, day);
    const clean = (await admin('POST', '/admin/reconcile-bill', { date: day })).data;
    expect(clean).toMatchObject({ billDate: day, unknown: [], mismatched: [], discrepancies: [] });
    expect(clean.refundBill).toMatchObject({ available: true, refunds: 1, matched: 1, unknown: [], flagged: [], discrepancies: [] });
    const funds = clean.fundFlow as Record<string, number | unknown[]>;
    expect(funds).toMatchObject({ available: true, unmatched: [], flagged: [], discrepancies: [] });
    expect(funds.matched).toBe(funds.lines);
    expect(funds.expenseFen).toBe((funds.feesFen as number) + 500);
    expect((await admin('GET', `/admin/orders/${no}`)).data.needsReview).toBe(false);

    // An operator refunds 3 yuan in WeChat's merchant platform: the service never asked, no notice comes.
    const { out_refund_no: outRefundNo } = await postJson<{ out_refund_no: string }>(`${sim}/orders/${no}/refunds`, { refund_fee: 300 });
    const { now } = await postJson<{ now: string }>(`${sim}/clock`, { advanceMs: 0 });
    const refundDay = new Date(Date.parse(now) + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
    await postJson(`${sim}/clock`, { advanceMs: DAY });
    await ensureBillsOut(sim, refundDay);
    const flagged = (await admin('POST', '/admin/reconcile-bill', { date: refundDay })).data;
    expect(flagged.refundBill).toMatchObject({ refunds: 1, matched: 0, flagged: [no] });
    expect((flagged.fundFlow as { unmatched: unknown[] }).unmatched).toEqual([
      expect.objectContaining({
        kind: 'refund',
        amountFen: 300,
        voucherNo: outRefundNo,
        reason: expect.stringContaining('no order of ours holds'),
      }),
    ]);
    const order = (await admin('GET', `/admin/orders/${no}`)).data;
    expect(order).toMatchObject({ needsReview: true, reviewReason: expect.stringContaining(`refund ${outRefundNo}`) });
  });

  it('refuses a malformed date', async () => {
    expect((await admin('POST', '/admin/reconcile-bill', { date: '2026-11-27' })).errcode).toBe(400);
  });
});
