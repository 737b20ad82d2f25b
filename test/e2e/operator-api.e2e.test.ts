import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniProgramUser, type Envelope } from '../support/mini-program.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { until } from '../support/service-ops.js';

const ADMIN_TOKEN = 'operator-admin-token-0123456789';

interface AdminOrderView {
  outTradeNo: string;
  status: string;
  refundedMoney: number;
  refundableMoney: number;
  needsReview: boolean;
  refunds: { outRefundNo: string; amount: number; status: string }[];
  audit?: { action: string; actor: string; note: string | null }[];
}

/** The operator API (issue "What a real v2 merchant hits", item 14), over HTTP against the running service. */
describe('operator API', () => {
  let service: ServiceProcess;
  let user: MiniProgramUser;

  beforeAll(async () => {
    service = await startService({ ADMIN_TOKEN, SANDBOX_TIME_SCALE: '0.001' });
    user = await new MiniProgramUser(service.baseUrl).login();
  });
  afterAll(async () => service?.stop());

  const admin = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${service.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Envelope<T> };
  };

  async function paidOrder(goodsId = 2): Promise<string> {
    const params = await user.prepay(goodsId);
    await user.pay(params);
    await user.waitForStatus(params.outTradeNo, 'SUCC');
    return params.outTradeNo;
  }

  it.each([
    ['limit=0', 400],
    ['limit=-1', 400],
    ['limit=abc', 400],
    ['limit=101', 400],
    ['offset=-1', 400],
    ['offset=x', 400],
    ['from=2026-13-01', 400],
    ['needs_review=maybe', 400],
    ['uid=1.5', 400],
    ['limit=5&offset=0', 200],
  ])('validates the order search: %s → %i', async (query, status) => {
    expect((await admin('GET', `/admin/orders?${query}`)).status).toBe(status);
  });

  it('refunds in parts, recognises a retried request by its Idempotency-Key, and ends the order only when all is back', async () => {
    const no = await paidOrder(2); // 1900 fen
    const first = await admin<{ outRefundNo: string }>('POST', `/admin/orders/${no}/refund`, { amount: 100 }, { 'idempotency-key': 'r-1' });
    expect(first.status).toBe(200);
    const retry = await admin<{ outRefundNo: string }>('POST', `/admin/orders/${no}/refund`, { amount: 100 }, { 'idempotency-key': 'r-1' });
    expect(retry.body.data.outRefundNo).toBe(first.body.data.outRefundNo);
    expect((await admin('POST', `/admin/orders/${no}/refund`, { amount: 200 }, { 'idempotency-key': 'r-1' })).status).toBe(409);

    // The simulator settles refunds and notifies; the first part leaves the order paid.
    const afterFirst = await until(
      async () => (await admin<AdminOrderView>('GET', `/admin/orders/${no}`)).body.data,
      (o) => o.refundedMoney === 100,
    );
    expect(afterFirst).toMatchObject({ status: 'SUCC', refundableMoney: 1800 });
    expect((await admin('POST', `/admin/orders/${no}/refund`, { amount: 1801 })).status).toBe(400);
    const rest = await admin<{ outRefundNo: string }>('POST', `/admin/orders/${no}/refund`, { amount: 1800 }, { 'idempotency-key': 'r-2' });
    expect(rest.body.data.outRefundNo).not.toBe(first.body.data.outRefundNo);
    const done = await until(
      async () => (await admin<AdminOrderView>('GET', `/admin/orders/${no}`)).body.data,
      (o) => o.status === 'REFUND',
    );
    expect(done.refunds.map((r) => [r.amount, r.status])).toEqual([
      [100, 'SUCCESS'],
      [1800, 'SUCCESS'],
    ]);
    expect(done.audit?.filter((a) => a.action === 'refund.requested').map((a) => a.actor)).toEqual([
      'admin-token',
      'admin-token',
      'admin-token',
      'admin-token',
      'admin-token',
    ]);
    expect((await user.order(no)).body.data).toMatchObject({ status: 'REFUND', refundedMoney: 1900 });
  });

  it('finds orders by transaction id, date and review state', async () => {
    const no = await paidOrder(1);
    const order = (await admin<{ billNo: string }>('GET', `/admin/orders/${no}`)).body.data;
    const byTransaction = await admin<AdminOrderView[]>('GET', `/admin/orders?transaction_id=${order.billNo}`);
    expect(byTransaction.body.data.map((o) => o.outTradeNo)).toEqual([no]);
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(
      (await admin<AdminOrderView[]>('GET', `/admin/orders?from=${today}&to=${today}&uid=${user.uid}`)).body.data.map((o) => o.outTradeNo),
    ).toContain(no);
    expect((await admin<AdminOrderView[]>('GET', `/admin/orders?to=2020-01-01&uid=${user.uid}`)).body.data).toEqual([]);
    expect((await admin<AdminOrderView[]>('GET', `/admin/orders?needs_review=true&uid=${user.uid}`)).body.data).toEqual([]);
  });

  it('resolves a review with a note, audited; refuses one that is not open', async () => {
    const no = await paidOrder(1);
    expect((await admin('POST', `/admin/orders/${no}/review/resolve`, { note: 'looked at it' })).status).toBe(409);
    expect((await admin('POST', `/admin/orders/${no}/review/resolve`, {})).status).toBe(400);
    expect((await admin('POST', '/admin/orders/2026011512000000029999999999/review/resolve', { note: 'x' })).status).toBe(404);
  });

  it('manages goods: all of them listed, an unknown id is 404 (never created), every change audited', async () => {
    const created = await admin<{ id: number }>('POST', '/admin/goods', {
      name: 'Offline course',
      market_price: 1000,
      sale_price: 500,
      online: false,
    });
    const id = created.body.data.id;
    expect((await admin<{ id: number }[]>('GET', '/admin/goods')).body.data.map((g) => g.id)).toContain(id);
    expect((await admin('PUT', '/admin/goods/999999', { name: 'Ghost', market_price: 100, sale_price: 100 })).status).toBe(404);
    expect((await admin<{ id: number }[]>('GET', '/admin/goods')).body.data.map((g) => g.id)).not.toContain(999999);
    expect(
      (await admin('PUT', `/admin/goods/${id}`, { name: 'Online course', market_price: 2000, sale_price: 500, online: true })).status,
    ).toBe(200);
    const audit = await admin<{ action: string; before: { marketPrice: number } | null; after: { marketPrice: number } }[]>(
      'GET',
      `/admin/audit?subject=goods:${id}`,
    );
    expect(audit.body.data.map((a) => [a.action, a.before?.marketPrice ?? null, a.after.marketPrice])).toEqual([
      ['goods.updated', 1000, 2000],
      ['goods.created', null, 1000],
    ]);
  });

  it('grants coins to known users only, audited once per grant id', async () => {
    expect((await admin('POST', '/admin/integral/grant', { uid: 999_999, amount: 5, grant_id: 'x' })).status).toBe(404);
    expect((await admin('POST', '/admin/integral/grant', { uid: user.uid, amount: 5, grant_id: 'welcome' })).status).toBe(200);
    expect(
      (await admin<{ result: string }>('POST', '/admin/integral/grant', { uid: user.uid, amount: 5, grant_id: 'welcome' })).body.data
        .result,
    ).toBe('alreadyGranted');
    const audit = await admin<{ action: string }[]>('GET', `/admin/audit?subject=user:${user.uid}`);
    expect(audit.body.data.map((a) => a.action)).toEqual(['coins.granted']);
  });
});
