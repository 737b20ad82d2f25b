/**
 * `npm run sandbox`: the WeChat Pay simulator on its own, for staging and manual testing, speaking API v2 and v3.
 * SANDBOX_PORT (default 3100), SANDBOX_HOST (default 127.0.0.1; 0.0.0.0 to expose it on a staging box),
 * SANDBOX_TIME_SCALE (default 1), SANDBOX_REFUND_NOTIFY_URL (optional), SANDBOX_LOOPBACK_HTTP_NOTIFY (1: let notify URLs
 * be plain http to a loopback host, for a service on this machine; otherwise https only, as WeChat), SANDBOX_DATA_DIR (default ./data: where the
 * v3 sandbox keys are generated at first start and kept — a service whose SQLite file is in the same folder uses the
 * same keys; and where the simulator's state is kept across restarts, wechatpay-simulator-standalone-<mch_id>.json),
 * SANDBOX_MERCHANTS_FILE (optional: further direct merchants and providers with their sub-merchants, JSON, see
 * sandbox-merchants.ts; each `"v3": true` gets its own keys in SANDBOX_DATA_DIR, wechatpay-v3-sandbox-<mch_id>.json).
 * Mounted at /sandbox/wxpay like the embedded one, and at the root with WeChat's own paths (/v3/..., /pay/...,
 * /sns/jscode2session), so an SDK whose host is WeChat's works unchanged when pointed at this origin: v3 signatures
 * cover the path, and such SDKs sign /v3/... . Refuses NODE_ENV=production. The sandbox's own entry point: it
 * wires the simulator to the key store and the state file, and needs nothing of the service.
 */
import { resolve } from 'node:path';
import express from 'express';
import { OffsetClock } from '../adapters/system/offset-clock.js';
import { systemClock } from '../adapters/system/system-clock.js';
import { SAMPLE_MERCHANT } from '../adapters/wechatpay/shared/sample-merchant.js';
import { createWechatPaySimulator } from './simulator/router.js';
import { loadOrCreateSandboxIdentity, simulatorV3Options } from './identity/identity-store.js';
import { SimulatorStateFile, simulatorStatePath } from './state-file.js';
import { readSandboxMerchants, type SandboxMerchants } from './sandbox-merchants.js';

/** A bad setting is the operator's to fix: one line naming it, no stack trace. */
function fail(message: string): never {
  console.error(`wxpay sandbox: ${message}`);
  process.exit(2);
}

function parsePort(text: string | undefined): number {
  if (text === undefined || text === '') return 3100;
  const port = Number(text);
  if (!/^[0-9]{1,5}$/.test(text) || port > 65535) fail(`SANDBOX_PORT must be an integer from 0 to 65535 (got ${JSON.stringify(text)})`);
  return port;
}

function parseScale(text: string | undefined): number {
  if (text === undefined || text === '') return 1;
  const scale = Number(text);
  if (!Number.isFinite(scale) || scale < 0) fail(`SANDBOX_TIME_SCALE must be a non-negative number (got ${JSON.stringify(text)})`);
  return scale;
}

function parseFlag(name: string): boolean {
  const text = process.env[name];
  if (text === undefined || text === '' || text === '0') return false;
  if (text === '1') return true;
  return fail(`${name} must be 1 or 0 (got ${JSON.stringify(text)})`);
}

if (process.env.NODE_ENV === 'production') {
  console.error('The WeChat Pay simulator refuses to start with NODE_ENV=production.');
  process.exit(1);
}

const clock = new OffsetClock();
const dataDir = resolve(process.env.SANDBOX_DATA_DIR || 'data');
const keys = loadOrCreateSandboxIdentity(dataDir, SAMPLE_MERCHANT.mchId, clock.now());
const further = ((): SandboxMerchants => {
  const path = process.env.SANDBOX_MERCHANTS_FILE;
  if (!path) return { merchants: [], providers: [], miniPrograms: [] };
  try {
    return readSandboxMerchants(resolve(path));
  } catch (error) {
    return fail(`SANDBOX_MERCHANTS_FILE ${(error as Error).message}`);
  }
})();
const v3Of = (mchId: string, wanted: boolean) =>
  wanted ? { v3: simulatorV3Options(loadOrCreateSandboxIdentity(dataDir, mchId, clock.now()).identity) } : {};
const stateFile = new SimulatorStateFile(simulatorStatePath(dataDir, SAMPLE_MERCHANT.mchId, 'standalone'), (level, event, message) =>
  console.log(JSON.stringify({ at: new Date().toISOString(), level, type: 'sandbox.state', msg: message, ...event })),
);
const simulator = createWechatPaySimulator({
  clock,
  // The business clock may be moved forward; signatures carry real time, which is what merchants check against.
  signatureClock: systemClock,
  v3: simulatorV3Options(keys.identity),
  merchants: further.merchants.map(({ v3Keys, ...m }) => ({ ...m, ...v3Of(m.mchId, v3Keys) })),
  providers: further.providers.map(({ v3Keys, ...p }) => ({ ...p, ...v3Of(p.spMchId, v3Keys) })),
  miniPrograms: further.miniPrograms,
  timeScale: parseScale(process.env.SANDBOX_TIME_SCALE),
  ...(process.env.SANDBOX_REFUND_NOTIFY_URL ? { refundNotifyUrl: process.env.SANDBOX_REFUND_NOTIFY_URL } : {}),
  loopbackHttpNotify: parseFlag('SANDBOX_LOOPBACK_HTTP_NOTIFY'),
  logger: (event) => console.log(JSON.stringify({ at: new Date().toISOString(), ...event })),
  onStateChange: () => stateFile.changed(),
});
stateFile.attach(simulator);
const app = express();
app.disable('x-powered-by');
app.use('/sandbox/wxpay', simulator.router);
app.use('/', simulator.router);
const host = process.env.SANDBOX_HOST || '127.0.0.1';
const server = app.listen(parsePort(process.env.SANDBOX_PORT), host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : '?';
  const { appId, mchId } = simulator.credentials;
  console.log(
    JSON.stringify({
      type: 'sandbox.listening',
      url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/sandbox/wxpay`,
      // WeChat's paths at the root too: api.mch.weixin.qq.com → this origin.
      origin: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
      appId,
      mchId,
      ...(further.merchants.length > 0 ? { merchants: further.merchants.map((m) => m.mchId) } : {}),
      ...(further.providers.length > 0 ? { providers: further.providers.map((p) => p.spMchId) } : {}),
      v3Keys: keys.path,
      state: stateFile.path,
    }),
  );
});

const stop = (): void => {
  simulator.close();
  stateFile.flush();
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
