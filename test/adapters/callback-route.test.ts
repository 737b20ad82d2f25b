import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { PaymentNotice } from '../../src/application/ports/notify-verifier.js';
import { callbackRoute, type CallbackVerdict } from '../../src/adapters/http/callback-route.js';
import { Metrics } from '../../src/adapters/observability/metrics.js';
import { Money } from '../../src/domain/money.js';
import { err, ok } from '../../src/domain/result.js';
import { InMemoryNotifyLog } from '../support/doubles/in-memory-notify-log.js';
import { ManualClock } from '../support/doubles/manual-clock.js';

const notice: PaymentNotice = {
  appId: 'wx1',
  mchId: '1',
  outTradeNo: '2026011512000000020000000001',
  transactionId: '42',
  totalFee: Money.ofFen(1),
  succeeded: true,
};
const SUCCESS = '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>';

describe.each(['pay', 'refund'] as const)('callback route (%s): one shape for every WeChat callback', (kind) => {
  const servers: { close(): void }[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  async function serve(handle: () => Promise<CallbackVerdict>, verified = true) {
    const log = new InMemoryNotifyLog();
    const metrics = new Metrics(false);
    const app = express().use(
      callbackRoute({
        path: '/callback',
        kind,
        verify: async () => (verified ? ok(notice) : err({ reason: 'badSign', detail: 'signature does not verify' })),
        handle,
        orderOf: (n) => n.outTradeNo,
        notifyLog: log,
        clock: new ManualClock(),
        metrics,
        logger: pino({ level: 'silent' }),
        deadlineMs: 100,
      }),
    );
    const server = app.listen(0);
    servers.push(server);
    await new Promise((r) => server.once('listening', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`, log, metrics };
  }

  it('answers FAIL before WeChat gives up when processing hangs (a stalled database), never SUCCESS', async () => {
    const { url, log } = await serve(() => new Promise(() => {}));
    const started = Date.now();
    const res = await fetch(url, { method: 'POST', body: '<xml/>' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await res.text()).toContain('<return_code><![CDATA[FAIL]]></return_code>');
    expect(log.entries).toMatchObject([{ kind, verdict: 'FAIL', detail: 'error', outTradeNo: notice.outTradeNo }]);
  });

  it('acknowledges with exactly the SUCCESS document once the outcome is recorded, and counts it', async () => {
    const { url, metrics } = await serve(async () => ({ ack: true, result: 'recorded' }));
    const res = await fetch(url, { method: 'POST', body: '<xml/>' });
    expect(await res.text()).toBe(SUCCESS);
    expect(await metrics.registry.getSingleMetricAsString('wxpay_notify_total')).toContain(
      `wxpay_notify_total{kind="${kind}",verdict="recorded"} 1`,
    );
  });

  it('never tells the sender which check stopped it: the reply is the same for every refusal, the log has the reason', async () => {
    const refused = await serve(async () => ({ ack: false, reason: 'AmountMismatch', alert: true }));
    const unverified = await serve(async () => ({ ack: true, result: 'recorded' }), false);
    const a = await (await fetch(refused.url, { method: 'POST', body: '<xml/>' })).text();
    const b = await (await fetch(unverified.url, { method: 'POST', body: '<xml/>' })).text();
    expect(a).toBe(b);
    expect(a).not.toMatch(/Amount|Sign|badSign/i);
    expect(refused.log.entries).toMatchObject([{ verdict: 'FAIL', detail: 'AmountMismatch' }]);
    expect(unverified.log.entries).toEqual([]); // unauthenticated bodies never reach the database
  });
});
