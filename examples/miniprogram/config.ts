/**
 * The example's two settings, and the only place to change them (README "Where the server is").
 *
 * API_BASE is the service's origin as the mini-program reaches it:
 * - DevTools' simulator on the computer that runs `npm start`: http://127.0.0.1:3000 (the sandbox listens on
 *   loopback only), with 详情 → 本地设置 → 不校验合法域名 ticked (project.config.json sets `urlCheck: false`).
 * - A phone (预览 / 真机调试) cannot reach the computer's loopback: start the service with `HOST=0.0.0.0` and put
 *   the computer's LAN address here, e.g. http://192.168.1.20:3000.
 * - Released to users: the service's HTTPS origin, listed among the mini-program's request domains
 *   (mp.weixin.qq.com → 开发管理 → 开发设置 → 服务器域名 → request合法域名); devices refuse plain HTTP and unlisted origins.
 */
export const API_BASE = 'http://127.0.0.1:3000';

/**
 * true while the service runs in sandbox mode (`npm start`): its WeChat Pay simulator then plays wx.login and the
 * cashier (see sandbox-wx.ts). false against a real merchant setup (`WECHAT_GATEWAY=wechat`); it must not ship true.
 */
export const SANDBOX = true;
