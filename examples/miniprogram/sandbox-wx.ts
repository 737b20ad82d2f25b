/**
 * For trying the example in WeChat DevTools against the service in sandbox mode (`npm start`). The service's WeChat
 * Pay simulator plays the two parts that real WeChat cannot play for it:
 *
 * - wx.login: a real code is only good for WeChat's own jscode2session, which a sandboxed service never calls, so
 *   the simulator issues the code (`POST /sandbox/wxpay/control/code`).
 * - wx.requestPayment: the real cashier knows nothing of the simulator's prepay_id. A modal asks "确认支付？" instead;
 *   on yes the simulator is told the user paid (`POST /sandbox/wxpay/control/pay`) and sends the signed notify as
 *   WeChat would; on no, the call fails with the cashier's own cancel message.
 *
 * Everything else is the real `wx`. Never ship it: a service on real WeChat Pay has no /sandbox routes, so a
 * forgotten sandbox switch fails loudly at sign-in rather than faking payments.
 */

import type { KeyValueStorage } from './session-store.js';
import type { WxError, WxLike } from './wxpay-client.js';

export interface WxModal {
  showModal(options: {
    title: string;
    content: string;
    confirmText?: string;
    cancelText?: string;
    success?(res: { readonly confirm: boolean; readonly cancel: boolean }): void;
    fail?(err: WxError): void;
  }): void;
}

/** Where the sandbox keeps this device's openid, so that signing in again is the same user, as with real WeChat. */
const OPENID_KEY = 'wxpay.sandbox-openid';

export function sandboxWx(wx: WxLike & WxModal & KeyValueStorage, baseUrl: string): WxLike {
  const control = `${baseUrl.replace(/\/+$/, '')}/sandbox/wxpay/control`;
  const openid = (): string => {
    const stored = wx.getStorageSync(OPENID_KEY);
    if (typeof stored === 'string' && stored !== '') return stored;
    const fresh = `sandbox-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    wx.setStorageSync(OPENID_KEY, fresh);
    return fresh;
  };

  /** POSTs to the simulator; resolves with its JSON answer, rejects with a reason for anything but a 2xx. */
  const post = (path: string, data: Record<string, unknown>): Promise<unknown> =>
    new Promise((resolve, reject) =>
      wx.request({
        url: `${control}${path}`,
        method: 'POST',
        data,
        header: { 'content-type': 'application/json' },
        success: (res) =>
          res.statusCode >= 200 && res.statusCode < 300
            ? resolve(res.data)
            : reject(new Error(`沙箱拒绝 sandbox answered ${res.statusCode} ${JSON.stringify(res.data)}`)),
        fail: (err) => reject(new Error(err.errMsg)),
      }),
    );
  const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));

  return {
    request: (options) => wx.request(options),

    login(options) {
      post('/code', { openid: openid() }).then(
        (answer) => {
          const code = (answer as { code?: unknown } | null)?.code;
          if (typeof code === 'string') options.success?.({ code, errMsg: 'login:ok' });
          else options.fail?.({ errMsg: 'login:fail the sandbox issued no code' });
        },
        (e: unknown) => options.fail?.({ errMsg: `login:fail ${reason(e)}` }),
      );
    },

    requestPayment(options) {
      const cancel = (): void => options.fail?.({ errMsg: 'requestPayment:fail cancel' });
      wx.showModal({
        title: '沙箱收银台 Sandbox cashier',
        content:
          '不会真实扣款，由微信支付模拟器记录这笔支付。确认支付？ Nothing is charged: the WeChat Pay simulator records the payment. Pay?',
        // wx.showModal opens no modal at all when a button's text is longer than 4 characters: Chinese only here.
        confirmText: '支付',
        cancelText: '取消',
        success: ({ confirm }) => {
          if (!confirm) return cancel();
          post('/pay', { prepay_id: options.package.replace(/^prepay_id=/, '') }).then(
            () => options.success?.({ errMsg: 'requestPayment:ok' }),
            (e: unknown) => options.fail?.({ errMsg: `requestPayment:fail ${reason(e)}` }),
          );
        },
        fail: cancel,
      });
    },
  };
}
