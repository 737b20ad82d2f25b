import { sandboxWx } from './sandbox-wx.js';
import { WxPayClient } from './wxpay-client.js';

/**
 * The service's origin. On a device it must be HTTPS and listed among the mini-program's request domains
 * (开发管理 → 开发设置 → 服务器域名); DevTools reaches a local service when domain checks are off (project.config.json
 * has `urlCheck: false`).
 */
const API_BASE = 'http://127.0.0.1:3000';

/**
 * true while the service runs in sandbox mode (`npm start`): its WeChat Pay simulator then plays wx.login and the
 * cashier (see sandbox-wx.ts). false against a real merchant setup (`WECHAT_GATEWAY=wechat`).
 */
const SANDBOX = true;

export interface ShopApp {
  /** One client for every page: one session, one sign-in, and the token kept in storage across launches. */
  readonly client: WxPayClient;
}

App<ShopApp>({
  client: new WxPayClient(SANDBOX ? sandboxWx(wx, API_BASE) : wx, { baseUrl: API_BASE, storage: wx }),
});
