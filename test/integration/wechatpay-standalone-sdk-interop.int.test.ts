/**
 * The standalone simulator (`npm run sandbox`, its own process) as an outside merchant meets it: wechatpay-axios-plugin
 * (an independent v3 SDK, pinned dev dependency) pointed at the simulator's origin with WeChat's own paths, signing
 * every request and verifying every answer with its own verifier and WeChat Pay's public key. Nothing of the project
 * runs in this process but the test: the keys come from the files the simulator wrote.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateSandboxIdentity, type StoredSandboxIdentity } from '../../src/sandbox/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly data: Record<string, unknown>;
}
interface Endpoint {
  post(data: unknown, config?: Record<string, unknown>): Promise<Answer>;
  get(config?: Record<string, unknown>): Promise<Answer>;
}
const { Wechatpay } = require('wechatpay-axios-plugin') as {
  Wechatpay: new (config: Record<string, unknown>) => Readonly<Record<string, Endpoint>>;
};

const MCHID = '10000100';
const APPID = 'wxd930ea5d5a258f4f';
const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-sdk-interop-'));
let child: ChildProcess | undefined;
let origin = '';
let identity: StoredSandboxIdentity;
let wxpay: Readonly<Record<string, Endpoint>>;

beforeAll(async () => {
  const proc = spawn(`${ROOT}node_modules/.bin/tsx`, ['src/sandbox/cli.ts'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'development', SANDBOX_PORT: '0', SANDBOX_DATA_DIR: dataDir, SANDBOX_TIME_SCALE: '0.001' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let output = '';
  proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!origin && Date.now() < deadline && proc.exitCode === null) {
    origin = /"origin":"([^"]+)"/.exec(output)?.[1] ?? '';
    if (!origin) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  if (!origin) throw new Error(`the standalone simulator did not start:\n${output}`);
  // The keys it generated at first start; an outside merchant would have them from the merchant platform.
  identity = loadOrCreateSandboxIdentity(dataDir, MCHID, new Date()).identity;
  wxpay = new Wechatpay({
    mchid: MCHID,
    serial: identity.merchant.serialNo,
    privateKey: identity.merchant.privateKeyPem,
    certs: { [identity.wechatpayPublicKey.id]: identity.wechatpayPublicKey.publicKeyPem },
    // A public-key merchant names the key WeChat should sign its answers with.
    headers: { 'Wechatpay-Serial': identity.wechatpayPublicKey.id },
    // WeChat's own paths at the origin: exactly what the SDK would call at https://api.mch.weixin.qq.com/.
    baseURL: `${origin}/`,
  });
}, 40_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

const control = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
  const res = await fetch(`${origin}/control${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`control ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
};

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; response?: { status: number; data: unknown } }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; response?: { status: number; data: unknown } };
  }
  throw new Error('expected a rejection');
}

let serial = 0;
const nextNo = (): string => `20260115120000000${String(++serial).padStart(4, '0')}${String(process.pid % 100_000).padStart(5, '0')}`;

const order = (outTradeNo: string, total: number) =>
  wxpay['v3/pay/transactions/jsapi']?.post({
    appid: APPID,
    mchid: MCHID,
    description: 'SDK interop',
    out_trade_no: outTradeNo,
    notify_url: 'https://merchant.example/wechat/pay-notify',
    amount: { total, currency: 'CNY' },
    payer: { openid: 'oInteropUser' },
  }) as Promise<Answer>;

/** Every answer below got through the plugin's verifier: it rejects any 2xx whose signature does not verify. */
const signedWithPublicKey = (answer: Answer): void => {
  expect(answer.headers['wechatpay-serial']).toBe(identity.wechatpayPublicKey.id);
};

describe('wechatpay-axios-plugin ⇄ the standalone simulator at its origin', () => {
  it('order, query (both numbers), close, refund and refund query, every answer verified by the SDK', async () => {
    const no = nextNo();
    const created = await order(no, 230);
    signedWithPublicKey(created);
    expect(created.data.prepay_id).toMatch(/^wx\d{14}[0-9a-f]{20}$/);

    const unpaid = await wxpay['v3/pay/transactions/out-trade-no/{out_trade_no}']?.get({ params: { mchid: MCHID }, out_trade_no: no });
    expect(unpaid).toMatchObject({ status: 200, data: { out_trade_no: no, trade_state: 'NOTPAY' } });

    await control('/pay', { prepay_id: created.data.prepay_id });
    const paid = (await wxpay['v3/pay/transactions/out-trade-no/{out_trade_no}']?.get({
      params: { mchid: MCHID },
      out_trade_no: no,
    })) as Answer;
    signedWithPublicKey(paid);
    expect(paid.data).toMatchObject({ out_trade_no: no, trade_state: 'SUCCESS', amount: { total: 230 } });
    const byId = (await wxpay['v3/pay/transactions/id/{transaction_id}']?.get({
      params: { mchid: MCHID },
      transaction_id: paid.data.transaction_id,
    })) as Answer;
    expect(byId.data).toEqual(paid.data);

    // An unpaid order closes (204, signed and verified like any other answer); the closed order says so.
    const other = nextNo();
    await order(other, 10);
    const closed = (await wxpay['v3/pay/transactions/out-trade-no/{out_trade_no}/close']?.post(
      { mchid: MCHID },
      { out_trade_no: other },
    )) as Answer;
    expect(closed.status).toBe(204);
    signedWithPublicKey(closed);
    const after = await wxpay['v3/pay/transactions/out-trade-no/{out_trade_no}']?.get({ params: { mchid: MCHID }, out_trade_no: other });
    expect(after?.data).toMatchObject({ trade_state: 'CLOSED' });

    const refund = (await wxpay['v3/refund/domestic/refunds']?.post({
      out_trade_no: no,
      out_refund_no: `${no}R1`,
      amount: { refund: 30, total: 230, currency: 'CNY' },
    })) as Answer;
    signedWithPublicKey(refund);
    expect(refund.data).toMatchObject({ out_refund_no: `${no}R1`, amount: { refund: 30, total: 230 } });
    const queried = (await wxpay['v3/refund/domestic/refunds/{out_refund_no}']?.get({ out_refund_no: `${no}R1` })) as Answer;
    signedWithPublicKey(queried);
    expect(queried.data).toMatchObject({ refund_id: refund.data.refund_id, out_refund_no: `${no}R1` });
  });

  it('the SDK’s verifier is really at work: a tampered answer is refused by it', async () => {
    const no = nextNo();
    await order(no, 1);
    await control('/faults', { fault: 'badSignature', api: 'orderquery' });
    const tampered = await rejection(
      wxpay['v3/pay/transactions/out-trade-no/{out_trade_no}']?.get({ params: { mchid: MCHID }, out_trade_no: no }) as Promise<Answer>,
    );
    expect(tampered.code).toBe('EV3_RES_HEADER_SIGNATURE_DIGEST');
  });

  it('after /control/clock moves business time a day, the SDK’s real-time signatures still pass both ways', async () => {
    await control('/clock', { advanceMs: 24 * 3_600_000 });
    const no = nextNo();
    const created = await order(no, 1);
    signedWithPublicKey(created);
    const queried = await wxpay['v3/pay/transactions/out-trade-no/{out_trade_no}']?.get({ params: { mchid: MCHID }, out_trade_no: no });
    expect(queried?.data).toMatchObject({ out_trade_no: no, trade_state: 'NOTPAY' });
  });
});
