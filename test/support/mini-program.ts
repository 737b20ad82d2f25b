import type { RequestPaymentParams } from '../../src/adapters/wechatpay/shared/request-payment.js';

/** What a mini-program does over HTTP, plus the simulator's user-side controls: the e2e tests' vocabulary. */
export interface Envelope<T = unknown> {
  readonly errcode: number;
  readonly msg: string;
  readonly data: T;
}

/** The prepay answer: what wx.requestPayment needs, plus the order's number. */
export type PaymentParams = RequestPaymentParams & { readonly outTradeNo: string };

export class MiniProgramUser {
  token = '';
  uid = 0;

  /** The WeChat side the user talks to: the service's embedded simulator unless a standalone one is given. */
  private readonly sim: string;

  constructor(
    readonly baseUrl: string,
    simulatorUrl?: string,
  ) {
    this.sim = simulatorUrl ?? `${baseUrl}/sandbox/wxpay`;
  }

  async login(openid?: string): Promise<this> {
    const code = await postJson<{ code: string }>(`${this.sim}/control/code`, openid ? { openid } : {});
    const res = await postJson<Envelope<{ token: string; uid: number }>>(`${this.baseUrl}/wechat/login`, { code: code.code });
    if (res.errcode !== 200) throw new Error(`login failed: ${JSON.stringify(res)}`);
    this.token = res.data.token;
    this.uid = res.data.uid;
    return this;
  }

  async prepayRaw(
    query: string,
    init: RequestInit = {},
  ): Promise<{ status: number; body: Envelope<{ status: number; result: string; data: PaymentParams | string }> }> {
    const res = await fetch(`${this.baseUrl}/wechat/prepay?${query}`, {
      ...init,
      headers: { authorization: `Bearer ${this.token}`, ...init.headers },
    });
    return { status: res.status, body: (await res.json()) as never };
  }

  async prepay(goodsId = 1, paidType = 'WXPAY'): Promise<PaymentParams> {
    const { status, body } = await this.prepayRaw(`goods_id=${goodsId}&paid_type=${paidType}`);
    if (status !== 200 || typeof body.data.data === 'string') throw new Error(`prepay failed: ${status} ${JSON.stringify(body)}`);
    return body.data.data;
  }

  /** The user pays in WeChat's cashier (the simulator), which then notifies the service. */
  async pay(params: PaymentParams): Promise<void> {
    const prepayId = params.package.replace(/^prepay_id=/, '');
    const res = await fetch(`${this.sim}/control/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prepay_id: prepayId }),
    });
    if (!res.ok) throw new Error(`simulated payment failed: ${res.status} ${await res.text()}`);
  }

  async order(outTradeNo: string): Promise<{ status: number; body: Envelope<Record<string, unknown>> }> {
    const res = await fetch(`${this.baseUrl}/wechat/orders/${outTradeNo}`, { headers: { authorization: `Bearer ${this.token}` } });
    return { status: res.status, body: (await res.json()) as never };
  }

  /** Polls the order until it has the status, as the mini-program does after wx.requestPayment. */
  async waitForStatus(outTradeNo: string, status: string, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await this.order(outTradeNo);
      if (body.data?.status === status || Date.now() > deadline) return body.data;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function postJson<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as T;
}

export async function postNotify(baseUrl: string, xml: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${baseUrl}/wechat/pay-notify`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml });
  return { status: res.status, text: await res.text() };
}
