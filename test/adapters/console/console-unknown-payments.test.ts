import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../../../src/adapters/observability/metrics.js';
import { ReconciliationReports } from '../../../src/adapters/observability/reconciliation-reports.js';
import type { BillReport } from '../../../src/application/reconciliation/reconcile-bill.js';
import type { MerchantAccount } from '../../../src/composition/merchant-registry.js';
import { FakePaymentGateway } from '../../support/doubles/fake-payment-gateway.js';
import { consoleApp, type ConsoleApp, type ConsoleSession } from '../../support/console-app.js';

const NORTH: MerchantAccount = { id: 'north', name: '北区店', appId: 'wx2421b1c4370ec43b', mchId: '1900000109', apiVersion: 'v2' };
const STRANGER = '20260114093000000100000001';
const OLD = '20260113093000000100000002';

const billReport = (unknownPayments: BillReport['unknownPayments']): BillReport => ({
  billDate: '20260114',
  available: true,
  payments: 1,
  matched: 0,
  repaired: [],
  unknown: unknownPayments.map((p) => p.outTradeNo),
  unknownPayments,
  mismatched: [],
  discrepancies: [],
});

/**
 * Issue 20: a payment at WeChat with no order here came from one merchant's bill, and an out_trade_no is unique per
 * merchant only: the report, the console's Reconciliation page, its CSV and the alert name that merchant.
 */
describe('reconciliation: unknown payments name their merchant', () => {
  let app: ConsoleApp;
  let admin: ConsoleSession;
  beforeAll(async () => {
    const clock = { now: () => app.f.clock.now() };
    app = await consoleApp({ merchants: [{ account: NORTH, gateway: new FakePaymentGateway(clock, NORTH) }] });
    admin = await app.session('admin');
    const at = app.f.clock.now();
    const run = { kind: 'bill' as const, startedAt: at, finishedAt: at, succeeded: true, problems: 1 };
    await app.f.reconcileRuns.record({
      ...run,
      billDate: '20260114',
      summary: billReport([{ merchantId: 'north', outTradeNo: STRANGER }]),
    });
    // A run recorded before merchants were named: its out_trade_no alone, still shown.
    const { unknownPayments: _none, ...old } = billReport([{ merchantId: 'north', outTradeNo: OLD }]);
    await app.f.reconcileRuns.record({ ...run, billDate: '20260113', summary: { ...old, billDate: '20260113' } });
  });
  afterAll(async () => app?.close());

  const get = async (path: string) => (await fetch(`${app.baseUrl}${path}`, { headers: { cookie: admin.cookie } })).text();

  it('shows each unknown payment with its shop by name and id on the Reconciliation page', async () => {
    const page = await get('/console/reconciliation?lang=en');
    expect(page).toMatch(new RegExp(`<span class="mono">${STRANGER}</span>\\s*· 北区店 \\(north\\)`));
    expect(page).toContain(`<span class="mono">${OLD}</span>`);
  });

  it('exports each as merchant:out_trade_no in the runs CSV', async () => {
    const csv = await get('/console/export/reconciliation.csv?from=2026-01-15&to=2026-01-15&lang=en');
    expect(csv).toContain(`north:${STRANGER}`);
    expect(csv).toMatch(new RegExp(`,${OLD},`));
  });

  it('names the merchant in the alert (the error log line alerting reads)', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => void (lines.push(chunk.toString()), done()) });
    new ReconciliationReports(new Metrics(false), pino(sink)).bill(billReport([{ merchantId: 'north', outTradeNo: STRANGER }]));
    const logged = JSON.parse(lines[0] ?? '{}') as { level: number; msg: string; alert: boolean; report: BillReport };
    expect(logged).toMatchObject({ level: 50, alert: true });
    expect(logged.msg).toContain(`north:${STRANGER}`);
    expect(logged.report.unknownPayments).toEqual([{ merchantId: 'north', outTradeNo: STRANGER }]);
  });
});
