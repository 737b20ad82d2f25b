import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ShopApp } from '../../examples/miniprogram/app.js';
import { MemoryStorage } from '../../examples/miniprogram/session-store.js';
import type { WxRequestOptions } from '../../examples/miniprogram/wxpay-client.js';
import { startService, type ServiceProcess } from '../support/service-process.js';

/**
 * The example app itself (app.ts, pages/goods, pages/pay) run the way the mini-program runtime runs it: App() and
 * Page() register objects, pages get `data` and `setData`, and handlers are called as the framework would. It uses
 * its own settings (config.ts: API_BASE = http://127.0.0.1:3000, SANDBOX = true), so the fake `wx` sends that origin to the
 * service under test. Only requests, storage and the UI calls are faked: sign-in and the cashier go through
 * sandbox-wx.ts and the service's simulator, as in DevTools.
 */

const APP_ORIGIN = 'http://127.0.0.1:3000';
const ADMIN_TOKEN = 'miniprogram-app-e2e-admin-token';

type PageOptions = { data: Record<string, unknown> } & Record<string, unknown>;
type PageInstance = { data: Record<string, unknown>; setData(patch: Record<string, unknown>): void } & Record<string, unknown>;

describe('the example mini-program app (examples/miniprogram) on a fake runtime', () => {
  let service: ServiceProcess;
  const registered: PageOptions[] = [];
  let app: ShopApp | undefined;
  const ui = { navigations: [] as string[], toasts: [] as string[], modals: [] as string[] };
  const storage = new MemoryStorage();

  const wx = {
    request(options: WxRequestOptions) {
      const url = new URL(options.url.replace(APP_ORIGIN, service.baseUrl));
      const method = options.method ?? 'GET';
      const body = options.data === undefined || method === 'GET' ? undefined : JSON.stringify(options.data);
      fetch(url, { method, headers: options.header, body })
        .then(async (res) => options.success?.({ statusCode: res.status, data: JSON.parse(await res.text()) as unknown }))
        .catch((e: unknown) => options.fail?.({ errMsg: `request:fail ${String(e)}` }));
    },
    login: () => {
      throw new Error('sandbox mode must not call the real wx.login');
    },
    requestPayment: () => {
      throw new Error('sandbox mode must not call the real wx.requestPayment');
    },
    getStorageSync: (key: string) => storage.getStorageSync(key),
    setStorageSync: (key: string, value: unknown) => storage.setStorageSync(key, value),
    removeStorageSync: (key: string) => storage.removeStorageSync(key),
    showModal(options: { title: string; success?(res: { confirm: boolean; cancel: boolean }): void }) {
      ui.modals.push(options.title);
      options.success?.({ confirm: true, cancel: false });
    },
    showToast: (options: { title: string }) => void ui.toasts.push(options.title),
    navigateTo: (options: { url: string }) => void ui.navigations.push(options.url),
  };

  /** A page as the framework makes one: its own copy of `data`, and setData merging into it. */
  const open = (options: PageOptions): PageInstance => ({
    ...options,
    data: structuredClone(options.data),
    setData(patch: Record<string, unknown>) {
      Object.assign(this.data, patch);
    },
  });
  const call = (page: PageInstance, method: string, ...args: unknown[]): unknown =>
    (page[method] as (...a: unknown[]) => unknown).apply(page, args);

  beforeAll(async () => {
    service = await startService({ ADMIN_TOKEN });
    Object.assign(globalThis, {
      wx,
      App: (options: ShopApp) => void (app = options),
      getApp: () => app,
      Page: (options: PageOptions) => void registered.push(options),
    });
    await import('../../examples/miniprogram/app.js');
    await import('../../examples/miniprogram/pages/goods/goods.js');
    await import('../../examples/miniprogram/pages/pay/pay.js');
  });
  afterAll(async () => service?.stop());

  it('lists the goods with yuan prices and the balance, and a buy button opens the pay page', async () => {
    const goodsPage = open(registered[0]!);
    call(goodsPage, 'onShow');
    await vi.waitFor(() => expect(goodsPage.data.uid).not.toBe(''));

    expect(goodsPage.data).toMatchObject({ balance: '0', message: '' });
    expect(goodsPage.data.goods).toContainEqual({
      id: 1,
      name: '瑜伽入门课 Yoga basics',
      offers: [
        { paidType: 'WXPAY', title: '微信支付 WeChat Pay', price: '¥99.00' },
        { paidType: 'INTEGRAL', title: '健康币 Coins', price: '¥69.00 + 30 健康币 coins' },
        { paidType: 'MIXED', title: '混合支付 Mixed', price: '¥69.00 + 30 健康币 coins' },
      ],
    });
    expect(goodsPage.data.goods).toContainEqual(
      expect.objectContaining({ id: 3, offers: expect.arrayContaining([expect.objectContaining({ price: '5 健康币 coins' })]) }),
    );

    // WXML's data-goods-id / data-paid-type arrive as dataset.goodsId / dataset.paidType.
    call(goodsPage, 'onBuyTap', { currentTarget: { dataset: { goodsId: 3, paidType: 'INTEGRAL' } } });
    expect(ui.navigations).toEqual(['/pages/pay/pay?goods_id=3&paid_type=INTEGRAL']);
  });

  it('pays through the sandbox cashier, and a coin-only order without it', async () => {
    const wxpay = open(registered[1]!);
    call(wxpay, 'onLoad', { goods_id: '2', paid_type: 'WXPAY' });
    await vi.waitFor(() => expect(wxpay.data.price).toBe('¥19.00'));
    await call(wxpay, 'onPayTap');
    expect(wxpay.data).toMatchObject({
      busy: false,
      method: '微信支付 WeChat Pay',
      message: '支付成功，谢谢！ Paid, thank you!',
      order: expect.stringMatching(/^订单 Order \d{28}：已支付 paid$/),
    });
    expect(ui.modals).toEqual(['沙箱收银台 Sandbox cashier']);

    const uid = app!.client.uid;
    const grant = await fetch(`${service.baseUrl}/admin/integral/grant`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ uid, amount: 5, grant_id: 'app-e2e' }),
    });
    expect(grant.status).toBe(200);

    const coins = open(registered[1]!);
    call(coins, 'onLoad', { goods_id: '3', paid_type: 'INTEGRAL' });
    await vi.waitFor(() => expect(coins.data).toMatchObject({ price: '5 健康币 coins', balance: '5' }));
    await call(coins, 'onPayTap');
    expect(coins.data).toMatchObject({
      message: '已用 5 健康币支付，无需微信支付 Paid with 5 health coins; no WeChat payment needed',
      order: expect.stringMatching(/：已支付 paid$/),
    });
    await vi.waitFor(() => expect(coins.data.balance).toBe('0'));
    expect(ui.modals).toHaveLength(1); // no cashier for the coin-only order
    expect(ui.toasts).toEqual(['已支付 Paid', '已支付 Paid']);
  });
});
