import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { GetOrderStatus } from '../../../src/application/payments/get-order-status.js';
import { RequestPrepay } from '../../../src/application/payments/request-prepay.js';
import { Login } from '../../../src/application/users/login.js';
import { createHttpApp } from '../../../src/adapters/http/app.js';
import { wechatRoutes } from '../../../src/adapters/http/wechat-routes.js';
import { Metrics } from '../../../src/adapters/observability/metrics.js';
import { TOKENS } from '../../../src/composition/tokens.js';
import { silentLogger, useCaseFixture } from '../../support/test-container.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** The mini-program API as `npm start` wires it, on the use-case fixture's in-memory ports. */
async function miniProgramApi() {
  const f = await useCaseFixture();
  const get = f.container.get.bind(f.container);
  const app = createHttpApp({
    logger: silentLogger,
    trustProxyHops: 0,
    routers: [
      wechatRoutes({
        login: get(Login),
        requestPrepay: get(RequestPrepay),
        getOrderStatus: get(GetOrderStatus),
        ledger: get(TOKENS.IntegralLedger),
        tokens: get(TOKENS.SessionTokens),
        miniPrograms: get(TOKENS.MiniPrograms),
        metrics: new Metrics(),
        logger: silentLogger,
      }),
    ],
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { f, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('the prepay answer on the wire', () => {
  it('is the seed’s envelope around wx.requestPayment’s parameters and the order number, byte for byte', async () => {
    const { f, baseUrl } = await miniProgramApi();
    const login = await fetch(`${baseUrl}/wechat/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'code-alice' }),
    });
    const { data } = (await login.json()) as { data: { token: string } };
    const res = await fetch(`${baseUrl}/wechat/prepay?goods_id=3&paid_type=WXPAY`, { headers: { authorization: `Bearer ${data.token}` } });
    const [order] = f.orders.all();
    const no = order?.state.outTradeNo.value ?? '';
    const prepayId = order?.state.prepay?.prepayId ?? '';
    const timeStamp = String(Math.floor(f.clock.now().getTime() / 1000));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(
      `{"errcode":200,"msg":"SUCCESS","data":{"status":1,"result":"success","data":{"appId":"wxd930ea5d5a258f4f",` +
        `"timeStamp":"${timeStamp}","nonceStr":"fakenonce","package":"prepay_id=${prepayId}","signType":"MD5",` +
        `"paySign":"FAKE-${prepayId}","outTradeNo":"${no}"}}}`,
    );
  });
});
