import type { ShopApp } from '../../app.js';
import { priceLabel, priceOf } from '../../pricing.js';
import type { PaidType, PayResult, WxPayClient } from '../../wxpay-client.js';

const MESSAGES: Record<PayResult['kind'], string> = {
  paid: 'Paid, thank you!',
  pending: 'Payment is being confirmed…',
  cancelled: 'Payment cancelled',
  failed: 'Payment failed',
  error: 'Could not start the payment',
};

const PAID_TYPES: readonly string[] = ['WXPAY', 'INTEGRAL', 'MIXED'] satisfies PaidType[];

const client = (): WxPayClient => getApp<ShopApp>().client;

function summary(result: PayResult): string {
  if (result.kind !== 'paid') return `${MESSAGES[result.kind]} (${result.reason})`;
  // A coin-only order never opened the cashier: say so, or the user wonders where WeChat Pay went.
  return result.via === 'coins' ? `Paid with ${result.paidIntegral} health coins; no WeChat payment needed` : MESSAGES.paid;
}

Page({
  data: { goodsId: 1, paidType: 'WXPAY' as PaidType, name: '', price: '', balance: '…', busy: false, message: '', order: '' },

  onLoad(query: Record<string, string | undefined>) {
    const goodsId = Number(query.goods_id);
    if (Number.isSafeInteger(goodsId) && goodsId > 0) this.setData({ goodsId });
    if (PAID_TYPES.includes(query.paid_type ?? '')) this.setData({ paidType: query.paid_type as PaidType });
    void this.loadGoods();
    void this.loadBalance();
  },

  async loadGoods() {
    try {
      const goods = await client().goodsById(this.data.goodsId);
      this.setData({ name: goods.name, price: priceLabel(priceOf(goods, this.data.paidType)) });
    } catch (e) {
      this.setData({ message: `Could not load the goods: ${(e as Error).message}` });
    }
  },

  async loadBalance() {
    try {
      this.setData({ balance: String((await client().integral()).balance) });
    } catch (e) {
      this.setData({ balance: '?', message: `Could not sign in: ${(e as Error).message}` });
    }
  },

  async onPayTap() {
    if (this.data.busy) return;
    this.setData({ busy: true, message: '', order: '' });
    const result = await client().pay(this.data.goodsId, this.data.paidType);
    const order = result.kind === 'error' ? undefined : result.order;
    this.setData({ busy: false, message: summary(result), order: order ? `Order ${order.outTradeNo}: ${order.status}` : '' });
    if (result.kind === 'paid') {
      wx.showToast({ title: 'Paid', icon: 'success' });
      void this.loadBalance(); // coins may have been spent
    }
  },
});
