import { WxPayClient, type PayResult } from '../../wxpay-client.js';

/** The service's origin; it must be listed among the mini-program's request domains. */
const API_BASE = 'https://pay.example.com';

const client = new WxPayClient(wx, { baseUrl: API_BASE });

const MESSAGES: Record<PayResult['kind'], string> = {
  paid: 'Paid, thank you!',
  pending: 'Payment is being confirmed…',
  cancelled: 'Payment cancelled',
  failed: 'Payment failed',
  error: 'Could not start the payment',
};

Page({
  data: { goodsId: 1, busy: false, message: '' },

  onLoad(query: Record<string, string | undefined>) {
    const goodsId = Number(query.goods_id);
    if (Number.isSafeInteger(goodsId) && goodsId > 0) this.setData({ goodsId });
    client.login().catch((e: Error) => this.setData({ message: `Sign-in failed: ${e.message}` }));
  },

  async onPayTap() {
    if (this.data.busy) return;
    this.setData({ busy: true, message: '' });
    const result = await client.pay(this.data.goodsId, 'WXPAY');
    const detail = result.kind === 'paid' ? '' : ` (${result.reason})`;
    this.setData({ busy: false, message: MESSAGES[result.kind] + detail });
    if (result.kind === 'paid') wx.showToast({ title: 'Paid', icon: 'success' });
  },
});
