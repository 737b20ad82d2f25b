import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Router } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../../src/adapters/http/app.js';
import { CALLBACK_PATHS, isCallbackPath } from '../../../src/adapters/http/callback-paths.js';
import { silentLogger } from '../../support/test-container.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('the callback paths, from one table', () => {
  it('are the paths WeChat has always been given', () => {
    expect(CALLBACK_PATHS).toEqual({ pay: '/wechat/pay-notify', refund: '/wechat/refund-notify' });
    expect(isCallbackPath('/wechat/prepay')).toBe(false);
  });

  it('are answered in WeChat’s dialect when a request to them fails, every other path in the envelope', async () => {
    const failing = Router();
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, expose: true });
    for (const path of [...Object.values(CALLBACK_PATHS), '/wechat/other']) failing.post(path, () => Promise.reject(tooLarge));
    const app = createHttpApp({ logger: silentLogger, trustProxyHops: 0, routers: [failing], callbackDialects: ['v2'] });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const path of Object.values(CALLBACK_PATHS)) {
      const res = await fetch(`${base}${path}`, { method: 'POST', body: '<xml/>' });
      expect(res.status).toBe(413);
      expect(await res.text()).toContain('<return_code><![CDATA[FAIL]]></return_code>');
    }
    const other = await fetch(`${base}/wechat/other`, { method: 'POST', body: '{}' });
    expect(await other.json()).toEqual({ errcode: 413, msg: 'request body too large', data: null });
  });
});
