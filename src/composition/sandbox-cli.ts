/**
 * `npm run sandbox`: the WeChat Pay simulator on its own, for staging and manual testing.
 * SANDBOX_PORT (default 3100), SANDBOX_HOST (default 127.0.0.1; 0.0.0.0 to expose it on a staging box),
 * SANDBOX_TIME_SCALE (default 1), SANDBOX_REFUND_NOTIFY_URL (optional). Mounted at /sandbox/wxpay like the embedded
 * one. Refuses NODE_ENV=production.
 */
import express from 'express';
import { OffsetClock } from '../../system/offset-clock.js';
import { createWechatPaySimulator } from './router.js';

function parsePort(text: string | undefined): number {
  if (text === undefined || text === '') return 3100;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`SANDBOX_PORT is not a port: ${text}`);
  return port;
}

function parseScale(text: string | undefined): number {
  if (text === undefined || text === '') return 1;
  const scale = Number(text);
  if (!Number.isFinite(scale) || scale < 0) throw new RangeError(`SANDBOX_TIME_SCALE is not a non-negative number: ${text}`);
  return scale;
}

if (process.env.NODE_ENV === 'production') {
  console.error('The WeChat Pay simulator refuses to start with NODE_ENV=production.');
  process.exit(1);
}

const simulator = createWechatPaySimulator({
  clock: new OffsetClock(),
  timeScale: parseScale(process.env.SANDBOX_TIME_SCALE),
  ...(process.env.SANDBOX_REFUND_NOTIFY_URL ? { refundNotifyUrl: process.env.SANDBOX_REFUND_NOTIFY_URL } : {}),
  logger: (event) => console.log(JSON.stringify({ at: new Date().toISOString(), ...event })),
});
const app = express();
app.disable('x-powered-by');
app.use('/sandbox/wxpay', simulator.router);
const host = process.env.SANDBOX_HOST || '127.0.0.1';
const server = app.listen(parsePort(process.env.SANDBOX_PORT), host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : '?';
  const { appId, mchId } = simulator.credentials;
  console.log(
    JSON.stringify({
      type: 'sandbox.listening',
      url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/sandbox/wxpay`,
      appId,
      mchId,
    }),
  );
});

const stop = (): void => {
  simulator.close();
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
