/**
 * A framework-free client for the wxpay-server mini-program endpoints.
 *
 * It touches no Node or browser API: every platform call goes through the injected `wx`-like object (the real `wx`
 * in a mini-program, a stub in tests). The only host facility it assumes is a timer, and that is injectable too.
 * The session token is kept in an injected storage (`wx` itself in a mini-program), so it survives relaunches.
 */

import { MemoryStorage, SessionStore, type KeyValueStorage, type StoredSession } from './session-store.js';

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

/** A goods as `GET /goods` lists it. Prices are integer fen. */
export interface GoodsView {
  readonly id: number;
  readonly name: string;
  /** The cash price of a WXPAY order. */
  readonly marketPrice: number;
  /** The cash part of an INTEGRAL or MIXED order, paid on top of `integral` coins. */
  readonly salePrice: number;
  /** Health coins (健康币) an INTEGRAL or MIXED order costs. */
  readonly integral: number;
  readonly online: boolean;
}

/** The user's health coins: the balance and the newest journal lines (`GET /wechat/integral`). */
export interface IntegralView {
  readonly balance: number;
  readonly journal: readonly JournalLine[];
}

export interface JournalLine {
  /** Coins added (+) or taken (−); a commit moves none, the reservation already took them. */
  readonly delta: number;
  readonly operation: 'grant' | 'reserve' | 'commit' | 'release' | 'refund';
  readonly outTradeNo: string | null;
  /** Unix seconds. */
  readonly at: number;
}

/** The signed payment fields `/wechat/prepay` grants, plus our order number. */
export interface PrepayGrant extends RequestPaymentFields {
  readonly appId: string;
  readonly outTradeNo: string;
}

/**
 * What `/wechat/prepay` answers: either WeChat's cashier must collect the cash part (`grant`), or there is no cash
 * part and the server has already paid the order with the user's coins.
 */
export type Prepay =
  | { readonly kind: 'cashier'; readonly outTradeNo: string; readonly grant: PrepayGrant }
  | { readonly kind: 'paidWithCoins'; readonly outTradeNo: string; readonly paidIntegral: number; readonly message: string };

export interface OrderView {
  readonly outTradeNo: string;
  readonly status: OrderStatus;
  /** Cash part, in fen. */
  readonly paidMoney: number;
  readonly paidIntegral: number;
  readonly paidType: PaidType;
  readonly goodsId: number;
  /** WeChat's transaction id; '' until paid (and always '' for an order paid in coins only). */
  readonly billNo: string;
  /** Unix seconds; 0 until paid. */
  readonly paidTime: number;
}

/** How pay() ended. The server's order status decides; wx.requestPayment's own answer is only a hint. */
export type PayResult =
  | { readonly kind: 'paid'; readonly via: 'wechat'; readonly outTradeNo: string; readonly order: OrderView }
  /** No cash part: paid with coins as the order was created; the cashier never opened. `order`: the confirming look-up, if it answered. */
  | { readonly kind: 'paid'; readonly via: 'coins'; readonly outTradeNo: string; readonly paidIntegral: number; readonly order?: OrderView }
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
  /** Where the session is kept across launches: pass `wx` in a mini-program. Without it, it lives in memory only. */
  readonly storage?: KeyValueStorage;
  /** The storage key of the session (default `wxpay.session`). */
  readonly storageKey?: string;
  readonly poll?: Partial<PollOptions>;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Unix milliseconds; injectable so tests can move time. */
  readonly now?: () => number;
}

const DEFAULT_POLL: PollOptions = { initialDelayMs: 500, maxDelayMs: 3_000, factor: 1.6, timeoutMs: 15_000 };
const SIGN_TYPES: readonly string[] = ['MD5', 'HMAC-SHA256', 'RSA'] satisfies SignType[];
const ORDER_STATUSES: readonly string[] = ['CHECKED', 'SUCC', 'FAILED', 'REFUND'] satisfies OrderStatus[];
const JOURNAL_OPERATIONS: readonly string[] = ['grant', 'reserve', 'commit', 'release', 'refund'] satisfies JournalLine['operation'][];
const isCancel = (errMsg: string): boolean => /^requestPayment:(fail )?cancel/.test(errMsg);

export class WxPayClient {
  private readonly baseUrl: string;
  private readonly poll: PollOptions;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly sessions: SessionStore;
  private session: StoredSession | undefined;
  private pendingLogin: Promise<Session> | undefined;

  constructor(
    private readonly wx: WxLike,
    options: WxPayClientOptions,
  ) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.poll = { ...DEFAULT_POLL, ...options.poll };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.sessions = new SessionStore(options.storage ?? new MemoryStorage(), this.now, options.storageKey);
    // A relaunched app picks up where it left off: no wx.login while the stored token is valid.
    this.session = this.sessions.load();
  }

  /** Whether a session token is at hand (it may still be refused by the server, which then gets a fresh sign-in). */
  get signedIn(): boolean {
    return this.validSession() !== undefined;
  }

  /** The signed-in user's id, if any (what the admin API calls `uid`). */
  get uid(): number | undefined {
    return this.validSession()?.uid;
  }

  /**
   * wx.login, then trades the code for a session token (`POST /wechat/login`), which is kept in memory and storage.
   * Authenticated calls do this on their own when needed; calls that need it at the same moment share one sign-in.
   */
  login(): Promise<Session> {
    this.pendingLogin ??= this.signIn().finally(() => {
      this.pendingLogin = undefined;
    });
    return this.pendingLogin;
  }

  /** Forgets the session, here and in storage. */
  signOut(): void {
    this.session = undefined;
    this.sessions.clear();
  }

  /** The online goods (`GET /goods`); no sign-in needed. */
  async goods(): Promise<GoodsView[]> {
    const data = await this.call('GET', '/goods');
    if (!Array.isArray(data) || !data.every(isGoodsView)) throw malformed('/goods');
    return data;
  }

  /** One online goods (`GET /goods/:id`); an unknown or offline one is a 404 WxPayApiError. */
  async goodsById(id: number): Promise<GoodsView> {
    const path = `/goods/${encodeURIComponent(String(id))}`;
    const data = await this.call('GET', path);
    if (!isGoodsView(data)) throw malformed(path);
    return data;
  }

  /** The user's coin balance and newest journal lines (`GET /wechat/integral`). */
  async integral(): Promise<IntegralView> {
    const data = await this.authenticated('GET', '/wechat/integral');
    if (!isObject(data) || !Number.isSafeInteger(data.balance) || !Array.isArray(data.journal) || !data.journal.every(isJournalLine)) {
      throw malformed('/wechat/integral');
    }
    return data as unknown as IntegralView;
  }

  /**
   * Asks the server for a (possibly reused) order. Usually that is the signed wx.requestPayment fields; when the price
   * has no cash part (e.g. INTEGRAL on goods whose sale price is 0), the server pays the order with coins at once.
   */
  async prepay(goodsId: number, paidType: PaidType = 'WXPAY'): Promise<Prepay> {
    const path = '/wechat/prepay';
    const data = await this.authenticated('POST', path, { goods_id: goodsId, paid_type: paidType });
    const body = isObject(data) && data.status === 1 && isObject(data.data) ? data.data : undefined;
    if (body?.paid === true) {
      if (typeof body.outTradeNo !== 'string' || !Number.isSafeInteger(body.paidIntegral)) throw malformed(path);
      const message = typeof body.message === 'string' ? body.message : '';
      return { kind: 'paidWithCoins', outTradeNo: body.outTradeNo, paidIntegral: body.paidIntegral as number, message };
    }
    const fields = ['appId', 'timeStamp', 'nonceStr', 'package', 'paySign', 'outTradeNo'] as const;
    if (!body || !fields.every((f) => typeof body[f] === 'string') || !SIGN_TYPES.includes(body.signType as string)) throw malformed(path);
    const grant = body as unknown as PrepayGrant;
    return { kind: 'cashier', outTradeNo: grant.outTradeNo, grant };
  }

  /** The order as the server sees it now (`GET /wechat/orders/:outTradeNo`, owner only). */
  async orderStatus(outTradeNo: string): Promise<OrderView> {
    const path = `/wechat/orders/${encodeURIComponent(outTradeNo)}`;
    const data = await this.authenticated('GET', path);
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
        order = await this.orderStatus(outTradeNo);
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

  /** The whole purchase: (sign-in) → prepay → wx.requestPayment unless coins paid it all → the server's verdict. Never throws. */
  async pay(goodsId: number, paidType: PaidType = 'WXPAY'): Promise<PayResult> {
    let prepay: Prepay;
    try {
      prepay = await this.prepay(goodsId, paidType);
    } catch (error) {
      const e = asClientError(error);
      return { kind: 'error', reason: e.message, error: e };
    }
    if (prepay.kind === 'paidWithCoins') return this.confirmCoinPayment(prepay);
    const { outTradeNo, grant } = prepay;

    // Field by field: appId and outTradeNo are not wx.requestPayment parameters.
    const { timeStamp, nonceStr, package: pkg, signType, paySign } = grant;
    const fields: RequestPaymentFields = { timeStamp, nonceStr, package: pkg, signType, paySign };
    try {
      await promisify<WxError>('requestPayment', (callbacks) => this.wx.requestPayment({ ...fields, ...callbacks }));
    } catch (error) {
      // The cashier said no (or the user closed it); the user may still have paid, so ask the server once.
      const errMsg = error instanceof WxCallError ? error.errMsg : String(error);
      const order = await this.orderStatus(outTradeNo).catch(() => undefined);
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

  /**
   * The server paid the order with coins in the transaction that created it and said so: that answer is the verdict.
   * One look at the order only adds its details for the page; if the look-up fails, the purchase is still done.
   */
  private async confirmCoinPayment(prepay: Prepay & { kind: 'paidWithCoins' }): Promise<PayResult> {
    const { outTradeNo, paidIntegral } = prepay;
    const order = await this.orderStatus(outTradeNo).catch(() => undefined);
    return { kind: 'paid', via: 'coins', outTradeNo, paidIntegral, order };
  }

  // ---- session handling ----------------------------------------------------------------------------------------

  private validSession(): StoredSession | undefined {
    return this.session && this.sessions.isFresh(this.session) ? this.session : undefined;
  }

  private async signIn(): Promise<Session> {
    const { code } = await promisify<{ code: string }>('login', (callbacks) => this.wx.login(callbacks));
    const data = await this.call('POST', '/wechat/login', { code });
    if (!isObject(data) || typeof data.token !== 'string' || !Number.isSafeInteger(data.uid) || !isPositiveNumber(data.expiresIn)) {
      throw malformed('/wechat/login');
    }
    const session: Session = { token: data.token, uid: data.uid as number, expiresIn: data.expiresIn };
    this.session = { token: session.token, uid: session.uid, expiresAt: this.now() + session.expiresIn * 1000 };
    this.sessions.save(this.session);
    return session;
  }

  /**
   * A call that needs the user's token. Signs in first when there is none; on a 401 (the server restarted with a new
   * secret, the stored token was edited or lapsed early) signs in again once and retries once. A second 401 is
   * thrown as it is, so a server that refuses every token cannot make the client loop.
   */
  private async authenticated(method: 'GET' | 'POST', path: string, data?: Record<string, unknown>): Promise<unknown> {
    const token = this.validSession()?.token ?? (await this.login()).token;
    try {
      return await this.call(method, path, data, token);
    } catch (error) {
      if (!(error instanceof WxPayApiError && error.status === 401)) throw error;
      return this.call(method, path, data, await this.replaceRefusedToken(token));
    }
  }

  /** A token to retry with: a newer one if another call has already signed in again, else a fresh sign-in. */
  private async replaceRefusedToken(refused: string): Promise<string> {
    const current = this.validSession();
    if (current && current.token !== refused) return current.token;
    // Drop it now, so that if signing in fails too, the next launch does not start from a token known to be dead.
    if (this.session?.token === refused) this.signOut();
    return (await this.login()).token;
  }

  /** One request to the service; resolves to the envelope's data or throws a typed error. */
  private async call(method: 'GET' | 'POST', path: string, data?: Record<string, unknown>, token?: string): Promise<unknown> {
    const header: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== undefined) header.authorization = `Bearer ${token}`;
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
      return { kind: 'paid', via: 'wechat', outTradeNo, order };
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

const isPositiveNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0;

const isGoodsView = (value: unknown): value is GoodsView =>
  isObject(value) &&
  Number.isSafeInteger(value.id) &&
  typeof value.name === 'string' &&
  Number.isSafeInteger(value.marketPrice) &&
  Number.isSafeInteger(value.salePrice) &&
  Number.isSafeInteger(value.integral);

const isJournalLine = (value: unknown): value is JournalLine =>
  isObject(value) &&
  Number.isSafeInteger(value.delta) &&
  JOURNAL_OPERATIONS.includes(value.operation as string) &&
  (value.outTradeNo === null || typeof value.outTradeNo === 'string') &&
  Number.isSafeInteger(value.at);

const malformed = (path: string): WxCallError => new WxCallError('request', `request:fail unexpected answer from ${path}`);

const asClientError = (error: unknown): WxPayClientError =>
  error instanceof WxPayClientError ? error : new WxCallError('request', `request:fail ${String(error)}`);
