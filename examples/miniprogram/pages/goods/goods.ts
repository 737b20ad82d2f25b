import type { ShopApp } from '../../app.js';
import { PAID_TYPE_TITLES } from '../../labels.js';
import { priceLabel, priceOf } from '../../pricing.js';
import type { GoodsView, PaidType, WxPayClient } from '../../wxpay-client.js';

/** One buy button. Under the seed's pricing INTEGRAL and MIXED cost the same; the order records which was chosen. */
interface Offer {
  readonly paidType: PaidType;
  readonly title: string;
  readonly price: string;
}

interface GoodsRow {
  readonly id: number;
  readonly name: string;
  readonly offers: readonly Offer[];
}

const toRow = (goods: GoodsView): GoodsRow => ({
  id: goods.id,
  name: goods.name,
  offers: (['WXPAY', 'INTEGRAL', 'MIXED'] as const).map((paidType) => ({
    paidType,
    title: PAID_TYPE_TITLES[paidType],
    price: priceLabel(priceOf(goods, paidType)),
  })),
});

// Asked for when needed rather than at load time: getApp() is only certain once App() has run.
const client = (): WxPayClient => getApp<ShopApp>().client;

Page({
  data: { goods: [] as GoodsRow[], balance: '…', uid: '', message: '' },

  // onShow, not onLoad: coming back from a purchase should show the new balance.
  onShow() {
    void this.loadGoods();
    void this.loadBalance();
  },

  async loadGoods() {
    try {
      this.setData({ goods: (await client().goods()).map(toRow) });
    } catch (e) {
      this.setData({ message: `商品加载失败 Could not load the goods: ${(e as Error).message}` });
    }
  },

  // The balance needs a signed-in user; the goods do not, so a sign-in failure still leaves the list usable.
  // The uid is shown because it is what the admin API grants coins to.
  async loadBalance() {
    try {
      const { balance } = await client().integral();
      this.setData({ balance: String(balance), uid: String(client().uid) });
    } catch (e) {
      this.setData({ balance: '?', message: `登录失败 Could not sign in: ${(e as Error).message}` });
    }
  },

  onBuyTap(event: MiniProgramLite.TapEvent) {
    const { goodsId, paidType } = event.currentTarget.dataset;
    wx.navigateTo({ url: `/pages/pay/pay?goods_id=${String(goodsId)}&paid_type=${String(paidType)}` });
  },
});
