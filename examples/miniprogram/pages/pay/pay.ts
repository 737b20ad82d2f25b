import type { ShopApp } from '../../app.js';
import { ORDER_STATUS_TITLES, PAID_TYPE_TITLES } from '../../labels.js';
import { priceLabel, priceOf } from '../../pricing.js';
import type { PaidType, PayResult, WxPayClient } from '../../wxpay-client.js';

const MESSAGES: Record<PayResult['kind'], string> = {
  paid: '支付成功，谢谢！ Paid, thank you!',
  pending: '支付确认中… Payment is being confirmed…',
  cancelled: '已取消支付 Payment cancelled',
  failed: '支付失败 Payment failed',
  error: '无法发起支付 Could not start the payment',
};

const PAID_TYPES: readonly string[] = ['WXPAY', 'INTEGRAL', 'MIXED'] satisfies PaidType[];

const client = (): WxPayClient => getApp<ShopApp>().client;

function summary(result: PayResult): string {
  // The reason is the client's or the server's own words (wx's errMsg, the server's msg): shown as given, for support.
  if (result.kind !== 'paid') return `${MESSAGES[result.kind]}（${result.reason}）`;
  // A coin-only order never opened the cashier: say so, or the user wonders where WeChat Pay went.
  return result.via === 'coins'
    ? `已用 ${result.paidIntegral} 健康币支付，无需微信支付 Paid with ${result.paidIntegral} health coins; no WeChat payment needed`
    : MESSAGES.paid;
}

Page({
  data: {
    goodsId: 1,
    paidType: 'WXPAY' as PaidType,
    method: PAID_TYPE_TITLES.WXPAY,
    name: '',
    price: '',
    balance: '…',
    busy: false,
    message: '',
    order: '',
  },

  onLoad(query: Record<string, string | undefined>) {
    const goodsId = Number(query.goods_id);
    if (Number.isSafeInteger(goodsId) && goodsId > 0) this.setData({ goodsId });
    if (PAID_TYPES.includes(query.paid_type ?? '')) {
      const paidType = query.paid_type as PaidType;
      this.setData({ paidType, method: PAID_TYPE_TITLES[paidType] });
    }
    void this.loadGoods();
    void this.loadBalance();
  },

  async loadGoods() {
    try {
      const goods = await client().goodsById(this.data.goodsId);
      this.setData({ name: goods.name, price: priceLabel(priceOf(goods, this.data.paidType)) });
    } catch (e) {
      this.setData({ message: `商品加载失败 Could not load the goods: ${(e as Error).message}` });
    }
  },

  async loadBalance() {
    try {
      this.setData({ balance: String((await client().integral()).balance) });
    } catch (e) {
      this.setData({ balance: '?', message: `登录失败 Could not sign in: ${(e as Error).message}` });
    }
  },

  async onPayTap() {
    if (this.data.busy) return;
    this.setData({ busy: true, message: '', order: '' });
    const result = await client().pay(this.data.goodsId, this.data.paidType);
    const order = result.kind === 'error' ? undefined : result.order;
    this.setData({
      busy: false,
      message: summary(result),
      order: order ? `订单 Order ${order.outTradeNo}：${ORDER_STATUS_TITLES[order.status]}` : '',
    });
    if (result.kind === 'paid') {
      wx.showToast({ title: '已支付 Paid', icon: 'success' });
      void this.loadBalance(); // coins may have been spent
    }
  },
});
