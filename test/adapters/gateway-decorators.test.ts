import { describe, expect, it } from 'vitest';
import { instrumentGateway } from '../../src/adapters/observability/instrumented-gateway.js';
import { Metrics } from '../../src/adapters/observability/metrics.js';
import { withRefundsDisabled } from '../../src/adapters/wechatpay/refunds-disabled.js';
import { Money } from '../../src/domain/money.js';
import { FakePaymentGateway } from '../support/doubles/fake-payment-gateway.js';
import { ManualClock } from '../support/doubles/manual-clock.js';

const request = (outTradeNo: string) => ({
  outTradeNo,
  description: 'goods',
  amount: Money.ofFen(100),
  openid: 'openid-a',
  clientIp: '127.0.0.1',
  payableUntil: new Date(Date.UTC(2026, 0, 2)),
});

/** The histogram's sample counts by operation and outcome. */
async function timedCalls(metrics: Metrics): Promise<Record<string, number>> {
  const { values } = await metrics.gatewayCalls.get();
  return Object.fromEntries(
    values
      .filter((v) => v.metricName === 'wxpay_gateway_seconds_count' && v.value > 0)
      .map((v) => [`${String(v.labels.operation)} ${String(v.labels.outcome)}`, v.value]),
  );
}

describe('the gateway decorators, written with the one port decorator', () => {
  it('times each WeChat call under its operation and outcome, and passes answers and failures through unchanged', async () => {
    const fake = new FakePaymentGateway(new ManualClock());
    const metrics = new Metrics();
    const gateway = instrumentGateway(fake, metrics);
    expect((await gateway.createPrepay(request('T1'))).kind).toBe('created');
    expect(await gateway.queryOrder('T1')).toEqual({ kind: 'notPaid', state: 'NOTPAY' });
    fake.beUnavailable(1);
    await expect(gateway.queryOrder('T1')).rejects.toThrow('simulated timeout');
    expect(await timedCalls(metrics)).toEqual({ 'unifiedorder ok': 1, 'orderquery ok': 1, 'orderquery unavailable': 1 });
    expect(fake.calls).toEqual(['createPrepay', 'queryOrder', 'queryOrder']);
  });

  it('refuses a refund as a configuration problem without calling WeChat, and leaves every other call to the gateway', async () => {
    const fake = new FakePaymentGateway(new ManualClock());
    const gateway = withRefundsDisabled(fake);
    await gateway.createPrepay(request('T2'));
    fake.pay('T2');
    const refused = await gateway.refund({ outTradeNo: 'T2', outRefundNo: 'R2', totalFee: Money.ofFen(100), refundFee: Money.ofFen(100) });
    expect(refused).toMatchObject({ kind: 'rejected', code: 'REFUNDS_DISABLED', category: 'configuration' });
    expect((await gateway.queryOrder('T2')).kind).toBe('paid');
    expect(fake.calls).toEqual(['createPrepay', 'queryOrder']);
  });
});
