import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ManualClock } from './doubles/manual-clock.js';
import { NOTIFY_ACK_SUCCESS, notifyFailReply } from '../../src/adapters/wechatpay/v2/notify.js';
import type { SignType } from '../../src/adapters/wechatpay/v2/sign.js';
import { createWechatPaySimulator, type WechatPaySimulator, type WechatPaySimulatorOptions } from '../../src/sandbox/simulator/router.js';
import { WechatPayV2NotifyVerifier } from '../../src/adapters/wechatpay/v2/notify-verifier.js';
import { WechatPayV2Gateway, type WechatPayV2Config } from '../../src/adapters/wechatpay/v2/gateway.js';
import { WechatMiniProgramLogin, type LoginSettings } from '../../src/adapters/wechatpay/shared/mini-program-login.js';

export interface Received {
  readonly path: string;
  readonly body: string;
  readonly at: number;
  /** Lower-case names: a v3 notify is signed in its Wechatpay-* headers. */
  readonly headers: Readonly<Record<string, string>>;
}

/** A v2 answer is an XML document (HTTP 200); a v3 answer is a status with an optional body. */
export type NotifyReply = string | { readonly status: number; readonly body?: string };

/**
 * Decides the merchant's answer to a notify; default: a v2 notify is verified with the v2 verifier (SUCCESS if it
 * verifies), a v3 one is acknowledged with 204 (startV3Sandbox verifies it instead).
 */
export type NotifyResponder = (received: Received, sandbox: Sandbox) => NotifyReply | Promise<NotifyReply>;

export interface Sandbox {
  readonly url: string;
  readonly clock: ManualClock;
  readonly simulator: WechatPaySimulator;
  readonly received: Received[];
  respond: NotifyResponder;
  gateway(overrides?: Partial<WechatPayV2Config>): WechatPayV2Gateway;
  /** The mini-program login on the simulator, with the simulator's appid and AppSecret. */
  login(overrides?: Partial<LoginSettings>): WechatMiniProgramLogin;
  /** The v2 notify verifier with the simulator's merchant keys. */
  verifier(signType?: SignType): WechatPayV2NotifyVerifier;
  /** POST JSON to a control endpoint. */
  control(path: string, body?: unknown, method?: string): Promise<{ status: number; json: Record<string, unknown> }>;
  /** Resolves once `predicate` holds, polling every 5 ms; rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * One express server on port 0 with the simulator at /sandbox/wxpay and a merchant notify endpoint at
 * /notify and /refund-notify, both recording the raw bodies they receive.
 */
export async function startSandbox(options: WechatPaySimulatorOptions & { signType?: SignType } = {}): Promise<Sandbox> {
  // A ManualClock given is shared with the gateways; any other clock is the simulator's alone.
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock();
  // Its merchant endpoints listen on http://127.0.0.1, as the embedded sandbox's service does.
  const simulator = createWechatPaySimulator({ clock, timeScale: 0.001, hangMs: 3_000, loopbackHttpNotify: true, ...options });
  const received: Received[] = [];
  const app = express();
  app.use('/sandbox/wxpay', simulator.router);
  let server: Server | undefined;
  const gateways: WechatPayV2Gateway[] = [];

  const sandbox: Sandbox = {
    url: '',
    clock,
    simulator,
    received,
    respond: async (got, sb) => {
      if (got.headers['wechatpay-signature'] !== undefined) return { status: 204 };
      const verifier = sb.verifier();
      const callback = { body: got.body, headers: {} };
      const verdict = got.path === '/refund-notify' ? await verifier.refund(callback) : await verifier.payment(callback);
      return verdict.ok ? NOTIFY_ACK_SUCCESS : notifyFailReply('verification failed');
    },
    verifier(signType = options.signType ?? 'MD5') {
      return new WechatPayV2NotifyVerifier({ ...simulator.credentials, signType });
    },
    gateway(overrides = {}) {
      const gateway = new WechatPayV2Gateway(
        {
          ...simulator.credentials,
          signType: options.signType ?? 'MD5',
          notifyUrl: `${sandbox.url}/notify`,
          refundNotifyUrl: `${sandbox.url}/refund-notify`,
          baseUrl: `${sandbox.url}/sandbox/wxpay`,
          timeoutMs: 400,
          retries: 2,
          retryBackoffMs: 5,
          ...overrides,
        },
        { clock },
      );
      gateways.push(gateway);
      return gateway;
    },
    login(overrides = {}) {
      const { appId, appSecret } = simulator.credentials;
      return new WechatMiniProgramLogin({
        appId,
        appSecret,
        loginBaseUrl: `${sandbox.url}/sandbox/wxpay`,
        timeoutMs: 400,
        retries: 2,
        retryBackoffMs: 5,
        ...overrides,
      });
    },
    async control(path, body = {}, method = 'POST') {
      const res = await fetch(`${sandbox.url}/sandbox/wxpay/control${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'GET' || method === 'DELETE' ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
    async waitFor(predicate, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error('waitFor: condition not met in time');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async close() {
      simulator.close();
      for (const gateway of gateways) gateway.close();
      await new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };

  for (const path of ['/notify', '/refund-notify']) {
    app.post(path, express.text({ type: () => true, limit: '64kb' }), async (req, res) => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
      const got: Received = { path, body: typeof req.body === 'string' ? req.body : '', at: Date.now(), headers };
      received.push(got);
      const reply = await sandbox.respond(got, sandbox);
      if (typeof reply === 'string') res.type('text/xml').send(reply);
      else
        res
          .status(reply.status)
          .type('application/json')
          .send(reply.body ?? '');
    });
  }

  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  (sandbox as { url: string }).url = `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
  return sandbox;
}
