import { API_BASE, SANDBOX } from './config.js';
import { sandboxWx } from './sandbox-wx.js';
import { WxPayClient } from './wxpay-client.js';

export interface ShopApp {
  /** One client for every page: one session, one sign-in, and the token kept in storage across launches. */
  readonly client: WxPayClient;
}

App<ShopApp>({
  client: new WxPayClient(SANDBOX ? sandboxWx(wx, API_BASE) : wx, { baseUrl: API_BASE, storage: wx }),
});
