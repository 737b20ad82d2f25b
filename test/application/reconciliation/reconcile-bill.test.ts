import { describe, expect, it } from 'vitest';
import { previousBillDate } from '../../../src/application/reconciliation/reconcile-bill.js';
import { useCaseFixture, type UseCaseFixture } from '../../support/test-container.js';

const DAY = 24 * 3_600_000;

async function paidAtWechat(f: UseCaseFixture, uid = f.user.uid): Promise<string> {
  const prepay = await f.requestPrepay.execute({ uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
  if (!prepay.ok) throw new Error('prepay failed');
  f.gateway.pay(prepay.value.outTradeNo);
  return prepay.value.outTradeNo;
}

describe('ReconcileBill (T+1 trade bill)', () => {
  it('repairs a payment WeChat billed that we never recorded, and matches the ones we did', async () => {
    const f = await useCaseFixture();
    const bill = f.reconcileBill;
    const missed = await paidAtWechat(f);
    const bob = await f.users.findOrCreate('openid-bob');
    const recorded = await paidAtWechat(f, bob.uid);
    await f.handleNotify.execute({ ...f.gateway.pay(recorded) });
    const day = previousBillDate(new Date(f.clock.now().getTime() + DAY));
    f.clock.advance(DAY);

    const report = await bill.execute();
    expect(report).toEqual({
      billDate: day,
      available: true,
      payments: 2,
      matched: 1,
      repaired: [missed],
      unknown: [],
      unknownPayments: [],
      mismatched: [],
      discrepancies: [],
    });
    expect(f.alerts.raised).toEqual([]);
    expect((await f.orders.findByOutTradeNo(missed))?.status).toBe('SUCC');
    expect(await bill.execute()).toMatchObject({ matched: 2, repaired: [] });
  });

  it('reports billed payments it does not know', async () => {
    const f = await useCaseFixture();
    const bill = f.reconcileBill;
    const no = await paidAtWechat(f);
    const stranger = `${no.slice(0, -1)}${(Number(no.slice(-1)) + 1) % 10}`;
    f.gateway.trades.set(stranger, { ...f.gateway.trades.get(no)!, refunds: new Map() });
    f.clock.advance(DAY);
    // Named with the merchant whose bill it was in: the account a person must look it up in.
    expect(await bill.execute()).toMatchObject({ unknown: [stranger], unknownPayments: [{ merchantId: 'default', outTradeNo: stranger }] });
  });

  it("alerts when the bill's summary disagrees with its rows: the day is not reported clean", async () => {
    const f = await useCaseFixture();
    await paidAtWechat(f);
    f.gateway.billDiscrepancies = ['总交易单数 3, but the bill has 1 rows'];
    f.clock.advance(DAY);
    expect(await f.reconcileBill.execute()).toMatchObject({ payments: 1, discrepancies: ['总交易单数 3, but the bill has 1 rows'] });
    expect(f.alerts.raised).toEqual([
      { kind: 'BillInconsistent', detail: { billDate: expect.any(String), discrepancies: ['总交易单数 3, but the bill has 1 rows'] } },
    ]);
  });

  it('says so when WeChat has no bill for the day yet', async () => {
    const f = await useCaseFixture();
    const bill = f.reconcileBill;
    const today = previousBillDate(new Date(f.clock.now().getTime() + DAY));
    expect(await bill.execute(today)).toMatchObject({ available: false, payments: 0 });
    await expect(bill.execute('2026-01-1')).rejects.toThrow(RangeError);
  });
});
