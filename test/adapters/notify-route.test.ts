import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { HandleNotify, PaymentNotice } from '../../src/application/handle-notify.js';
import { Metrics } from '../../src/adapters/http/metrics.js';
import { notifyRoute } from '../../src/adapters/http/notify-route.js';
import { InMemoryNotifyLog } from '../../src/adapters/memory/in-memory-notify-log.js';
import { ManualClock } from '../../src/adapters/memory/manual-clock.js';
import { Money } from '../../src/domain/money.js';
import { ok } from '../../src/domain/result.js';

const notice: PaymentNotice = { appId: 'wx1', mchId: '1', outTradeNo: '2026011512000000020000000001', transactionId: '42', totalFee: Money.ofFen(1), succeeded: true };

describe('notify route', () => {
  const servers: { close(): void }[] = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  async function serve(execute: () => Promise<unknown>) {
    const log = new InMemoryNotifyLog();
    const app = express().use(
      notifyRoute({
        verify: () => ok({ notice, fields: {} }),
        handleNotify: { execute } as unknown as HandleNotify,
        notifyLog: log,
        clock: new ManualClock(),
        metrics: new Metrics(false),
        logger: pino({ level: 'silent' }),
        deadlineMs: 100,
      }),
    );
    const server = app.listen(0);
    servers.push(server);
    await new Promise((r) => server.once('listening', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat/pay-notify`, log };
  }

  it('answers FAIL before WeChat gives up when processing hangs (a stalled database), never SUCCESS', async () => {
    const { url, log } = await serve(() => new Promise(() => {}));
    const started = Date.now();
    const res = await fetch(url, { method: 'POST', body: '<xml/>' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await res.text()).toContain('<return_code><![CDATA[FAIL]]></return_code>');
    expect(log.entries).toMatchObject([{ verdict: 'FAIL', detail: 'error', outTradeNo: notice.outTradeNo }]);
  });

  it('acknowledges with exactly the SUCCESS document once the outcome is recorded', async () => {
    const { url } = await serve(async () => ({ ack: true, result: 'recorded' }));
    const res = await fetch(url, { method: 'POST', body: '<xml/>' });
    expect(await res.text()).toBe('<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>');
  });
});
