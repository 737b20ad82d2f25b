/**
 * A framework-free client for the wxpay-server mini-program endpoints.
 *
 * It touches no Node or browser API: every platform call goes through the injected `wx`-like object (the real `wx`
 * in a mini-program, a stub in tests). The only host facility it assumes is a timer, and that is injectable too.
 */

// ---- the slice of the wx API this client uses ------------------------------------------------------------------

/** What every wx callback API reports on failure. */
export interface WxError {
  readonly errMsg: string;
}

export interface WxLoginOptions {
  success?(res: { readonly code: string; readonly errMsg?: string }): void;
  fail?(err: WxError): void;
}

export interface WxRequestSuccess {
  readonly statusCode: number;
  readonly data: unknown;
}

/** As wx.request: `success` is called for every HTTP answer (4xx and 5xx too); `fail` only when none came back. */
export interface WxRequestOptions {
  url: string;
  method?: 'GET' | 'POST';
  data?: Record<string, unknown>;
  header?: Record<string, string>;
  success?(res: WxRequestSuccess): void;
  fail?(err: WxError): void;
}

export type SignType = 'MD5' | 'HMAC-SHA256' | 'RSA';

/** The five signed fields wx.requestPayment takes. appId is part of the signature but is never passed. */
export interface RequestPaymentFields {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: SignType;
  paySign: string;
}

export interface WxRequestPaymentOptions extends RequestPaymentFields {
  success?(res: WxError): void;
  fail?(err: WxError): void;
}

export interface WxLike {
  login(options: WxLoginOptions): void;
  request(options: WxRequestOptions): void;
  requestPayment(options: WxRequestPaymentOptions): void;
}

// ---- the server's vocabulary -----------------------------------------------------------------------------------

export type PaidType = 'WXPAY' | 'INTEGRAL' | 'MIXED';
export type OrderStatus = 'CHECKED' | 'SUCC' | 'FAILED' | 'REFUND';

export interface Session {
  readonly token: string;
  readonly uid: number;
  /** Seconds the token is valid for, from the moment it was issued. */
  readonly expiresIn: number;
}

/** What `/wechat/prepay` grants: the signed payment fields plus our order number. */
export interface PrepayGrant extends RequestPaymentFields {
  readonly appId: string;
  readonly outTradeNo: string;
}

export interface OrderView {
  readonly outTradeNo: string;
  readonly status: OrderStatus;
  /** Cash part, in fen. */
  readonly paidMoney: number;
  readonly paidIntegral: number;
  readonly paidType: PaidType;
  readonly goodsId: number;
  /** WeChat's transaction id; '' until paid. */
  readonly billNo: string;
  /** Unix seconds; 0 until paid. */
  readonly paidTime: number;
}

/** How pay() ended. The server's order status decides; wx.requestPayment's own answer is only a hint. */
export type PayResult =
  | { readonly kind: 'paid'; readonly outTradeNo: string; readonly order: OrderView }
  | { readonly kind: 'failed'; readonly outTradeNo: string; readonly order?: OrderView; readonly reason: string }
  | { readonly kind: 'cancelled'; readonly outTradeNo: string; readonly order?: OrderView; readonly reason: string }
  /** The payment was reported done but the server has not confirmed it yet (the notify may still be on its way). */
  | { readonly kind: 'pending'; readonly outTradeNo: string; readonly order?: OrderView; readonly reason: string }
  /** Nothing was paid: login or prepay failed. */
  | { readonly kind: 'error'; readonly outTradeNo?: string; readonly reason: string; readonly error: WxPayClientError };

// ---- errors ----------------------------------------------------------------------------------------------------

export abstract class WxPayClientError extends Error {}

/** The server answered with an error envelope; `message` is the server's `msg`. */
export class WxPayApiError extends WxPayClientError {
  override readonly name = 'WxPayApiError';
  constructor(
    readonly path: string,
    /** The HTTP status (equal to the envelope's errcode). */
    readonly status: number,
    readonly errcode: number,
    message: string,
  ) {
    super(message);
  }
}

/** A wx API call failed (no network, user refused, ...) or the server's answer was not what the API promises. */
export class WxCallError extends WxPayClientError {
  override readonly name = 'WxCallError';
  constructor(
    readonly api: 'login' | 'request' | 'requestPayment',
    readonly errMsg: string,
  ) {
    super(errMsg);
  }
}

// ---- the client ------------------------------------------------------------------------------------------------

export interface PollOptions {
  /** First wait before re-checking a CHECKED order. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
  /** Give up (the order stays pending) after this long. */
  readonly timeoutMs: number;
}

export interface WxPayClientOptions {
  /** The service's origin, e.g. `https://pay.example.com` (must be a configured request domain of the mini-program). */
  readonly baseUrl: string;
  /** A token saved from an earlier login(), to resume the session without wx.login. */
  readonly token?: string;
  readonly poll?: Partial<PollOptions>;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

const DEFAULT_POLL: PollOptions = { initialDelayMs: 500, maxDelayMs: 3_000, factor: 1.6, timeoutMs: 15_000 };
const SIGN_TYPES: readonly string[] = ['MD5', 'HMAC-SHA256', 'RSA'] satisfies SignType[];
const ORDER_STATUSES: readonly string[] = ['CHECKED', 'SUCC', 'FAILED', 'REFUND'] satisfies OrderStatus[];
const isCancel = (errMsg: string): boolean => /^requestPayment:(fail )?cancel/.test(errMsg);

export class WxPayClient {
  private readonly baseUrl: string;
  private readonly poll: PollOptions;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private token: string | undefined;

  constructor(
    private readonly wx: WxLike,
    options: WxPayClientOptions,
  ) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.poll = { ...DEFAULT_POLL, ...options.poll };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  get signedIn(): boolean {
    return this.token !== undefined;
  }

  /** wx.login, then trades the code for a session token, which the client keeps (and returns, to be stored). */
  async login(): Promise<Session> {
    const { code } = await promisify<{ code: string }>('login', (callbacks) => this.wx.login(callbacks));
    const data = await this.call('POST', '/wechat/login', { code });
    if (!isObject(data) || typeof data.token !== 'string' || typeof data.uid !== 'number') throw malformed('/wechat/login');
    this.token = data.token;
    return { token: data.token, uid: data.uid, expiresIn: typeof data.expiresIn === 'number' ? data.expiresIn : 0 };
  }

  /** Asks the server for a (possibly reused) order and the signed wx.requestPayment fields. */
  async prepay(goodsId: number, paidType: PaidType = 'WXPAY'): Promise<PrepayGrant> {
    const data = await this.call('POST', '/wechat/prepay', { goods_id: goodsId, paid_type: paidType }, true);
    const grant = isObject(data) && data.status === 1 && isObject(data.data) ? data.data : undefined;
    const fields = ['appId', 'timeStamp', 'nonceStr', 'package', 'paySign', 'outTradeNo'] as const;
    if (!grant || !fields.every((f) => typeof grant[f] === 'string') || !SIGN_TYPES.includes(grant.signType as string)) {
      throw malformed('/wechat/prepay');
    }
    return grant as unknown as PrepayGrant;
  }

  async getOrder(outTradeNo: string): Promise<OrderView> {
    const path = `/wechat/orders/${encodeURIComponent(outTradeNo)}`;
    const data = await this.call('GET', path, undefined, true);
    if (!isObject(data) || data.outTradeNo !== outTradeNo || !ORDER_STATUSES.includes(data.status as string)) throw malformed(path);
    return data as unknown as OrderView;
  }

  /**
   * Polls the order with backoff until it leaves CHECKED or the poll timeout passes; returns the last view (still
   * CHECKED on timeout). Failed checks are retried until the deadline, except 4xx answers, which are thrown.
   */
  async waitForOrder(outTradeNo: string): Promise<OrderView> {
    const deadline = this.now() + this.poll.timeoutMs;
    let delay = this.poll.initialDelayMs;
    for (;;) {
      let order: OrderView | undefined;
      try {
        order = await this.getOrder(outTradeNo);
        if (order.status !== 'CHECKED') return order;
      } catch (error) {
        if (error instanceof WxPayApiError && error.status < 500) throw error;
        if (this.now() + delay > deadline) throw error;
      }
      if (order && this.now() + delay > deadline) return order;
      await this.sleep(delay);
      delay = Math.min(this.poll.maxDelayMs, delay * this.poll.factor);
    }
  }

  /** The whole purchase: (login) → prepay → wx.requestPayment → the server's verdict. Never throws. */
  async pay(goodsId: number, paidType: PaidType = 'WXPAY'): Promise<PayResult> {
    let grant: PrepayGrant;
    try {
      if (!this.signedIn) await this.login();
      grant = await this.prepay(goodsId, paidType);
    } catch (error) {
      const e = asClientError(error);
      return { kind: 'error', reason: e.message, error: e };
    }
    const { outTradeNo } = grant;

    const { timeStamp, nonceStr, package: pkg, signType, paySign } = grant;
    const fields: RequestPaymentFields = { timeStamp, nonceStr, package: pkg, signType, paySign };
    try {
      await promisify<WxError>('requestPayment', (callbacks) => this.wx.requestPayment({ ...fields, ...callbacks }));
    } catch (error) {
      // The cashier said no (or the user closed it); the user may still have paid, so ask the server once.
      const errMsg = error instanceof WxCallError ? error.errMsg : String(error);
      const order = await this.getOrder(outTradeNo).catch(() => undefined);
      if (order) {
        const settled = verdict(order);
        if (settled) return settled;
      }
      return { kind: isCancel(errMsg) ? 'cancelled' : 'failed', outTradeNo, order, reason: errMsg };
    }

    try {
      const order = await this.waitForOrder(outTradeNo);
      return verdict(order) ?? { kind: 'pending', outTradeNo, order, reason: 'payment not confirmed by the server yet' };
    } catch (error) {
      return { kind: 'pending', outTradeNo, reason: `could not confirm the payment: ${asClientError(error).message}` };
    }
  }

  /** One request to the service; resolves to the envelope's data or throws a typed error. */
  private async call(method: 'GET' | 'POST', path: string, data?: Record<string, unknown>, authenticated = false): Promise<unknown> {
    if (authenticated && this.token === undefined) throw new WxPayApiError(path, 401, 401, 'not signed in: call login() first');
    const header: Record<string, string> = { 'content-type': 'application/json' };
    if (authenticated) header.authorization = `Bearer ${this.token}`;
    const res = await promisify<WxRequestSuccess>('request', (callbacks) =>
      this.wx.request({ url: `${this.baseUrl}${path}`, method, header, ...(data === undefined ? {} : { data }), ...callbacks }),
    );
    const body = res.data;
    if (!isObject(body) || typeof body.errcode !== 'number' || typeof body.msg !== 'string') {
      if (res.statusCode !== 200) throw new WxPayApiError(path, res.statusCode, res.statusCode, `HTTP ${res.statusCode}`);
      throw malformed(path);
    }
    if (res.statusCode !== 200 || body.errcode !== 200) throw new WxPayApiError(path, res.statusCode, body.errcode, body.msg);
    return body.data;
  }
}

function verdict(order: OrderView): PayResult | undefined {
  const { outTradeNo } = order;
  switch (order.status) {
    case 'SUCC':
      return { kind: 'paid', outTradeNo, order };
    case 'FAILED':
      return { kind: 'failed', outTradeNo, order, reason: 'the payment failed' };
    case 'REFUND':
      return { kind: 'failed', outTradeNo, order, reason: 'the order has been refunded' };
    case 'CHECKED':
      return undefined;
  }
}

/** Turns a wx callback API into a promise; `fail` (or a synchronous throw) rejects with a WxCallError. */
function promisify<T>(
  api: WxCallError['api'],
  start: (callbacks: { success(res: T): void; fail(err: WxError): void }) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const fail = (err: unknown): void =>
      reject(new WxCallError(api, isObject(err) && typeof err.errMsg === 'string' ? err.errMsg : `${api}:fail ${String(err)}`));
    try {
      start({ success: resolve, fail });
    } catch (err) {
      fail(err);
    }
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const malformed = (path: string): WxCallError => new WxCallError('request', `request:fail unexpected answer from ${path}`);

const asClientError = (error: unknown): WxPayClientError =>
  error instanceof WxPayClientError ? error : new WxCallError('request', `request:fail ${String(error)}`);
