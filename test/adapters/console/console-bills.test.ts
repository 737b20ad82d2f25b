import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fundFlowFacts, RecordReconcileRun, refundBillFacts } from '../../../src/application/reconciliation/record-reconcile-run.js';
import { consoleApp, type ConsoleApp, type ConsoleSession } from '../../support/console-app.js';

/** What the refund and fund-flow bills could not match, as operators find it (its own app: it moves the clock a day). */
describe('console: unmatched bill items', () => {
  let app: ConsoleApp;
  let operator: ConsoleSession;
  beforeAll(async () => {
    app = await consoleApp();
  });
  afterAll(async () => app?.close());

  const page = async (path: string) => (await fetch(`${app.baseUrl}${path}`, { headers: { cookie: operator.cookie } })).text();

  it('are on the review queue (the order flagged, the line no order holds) and on the reconciliation page', async () => {
    const f = app.f;
    const prepay = await f.requestPrepay.execute({ uid: f.user.uid, goodsId: 3, paidType: 'WXPAY', clientIp: '203.0.113.7' });
    if (!prepay.ok || prepay.value.kind !== 'payInClient') throw new Error('prepay failed');
    const no = prepay.value.outTradeNo;
    await f.handleNotify.execute(f.gateway.pay(no)); // ¥99.00
    const outRefundNo = f.gateway.refundAtWechat(no, 2000); // made in WeChat's merchant platform, never asked for here
    f.clock.advance(24 * 3_600_000);
    const record = new RecordReconcileRun(f.reconcileRuns, f.clock, () => undefined);
    await record.execute('refbill', () => f.reconcileRefundBill.execute(), refundBillFacts);
    await record.execute('fundflow', () => f.reconcileFundFlow.execute(), fundFlowFacts);
    operator = await app.session('operator');

    const reviews = await page('/console/reviews');
    expect(reviews).toContain(no); // the order, flagged
    expect(reviews).toContain('which this order does not hold');
    expect(reviews).toContain('账单中无法匹配的款项');
    expect(reviews).toContain(outRefundNo); // the fund-flow line no order holds
    expect(reviews).toContain('−¥20.00');
    const reconciliation = await page('/console/reconciliation');
    expect(reconciliation).toContain('退款账单对账');
    expect(reconciliation).toContain('资金账单对账');
    expect(reconciliation).toContain(`refund ${outRefundNo} of 2000 fen, which no order of ours holds`);
  });
});
