import type { Clock } from '../../../application/ports/clock.js';
import type { HttpResponse, HttpTransport } from '../shared/http-transport.js';
import type { NonceSource } from '../shared/nonce.js';
import { authorizeRequest, type MerchantSigner } from './request-signature.js';
import { unixSeconds } from './timestamp.js';
import { HEADER } from './wechatpay-headers.js';

export interface V3RequesterConfig {
  readonly signer: MerchantSigner;
  /** `https://api.mch.weixin.qq.com`, or a simulator with its path prefix. */
  readonly baseUrl: string;
  readonly timeoutMs: number;
}

export interface V3RequesterDeps {
  readonly clock: Clock;
  readonly nonce: NonceSource;
  readonly transport: HttpTransport;
}

export interface V3Request {
  readonly method: 'GET' | 'POST';
  /** Path (under the base URL's own path) plus query: `/v3/pay/transactions/out-trade-no/x?mchid=1`. */
  readonly pathAndQuery: string;
  /** The exact JSON text to send; omitted for GET. */
  readonly body?: string;
  /** `Wechatpay-Serial`: the key WeChat should sign its answer with (public key ID or platform serial). */
  readonly wechatpaySerial?: string;
  readonly maxBytes: number;
}

/** Some proxies and WeChat itself refuse requests without a User-Agent (v3 接口规则). */
const USER_AGENT = 'wxpay-server (node; +https://github.com/wechatpay-apiv3)';

/**
 * Signs and sends one v3 request, nothing more: no retry, no verification (client.ts and trust.ts decide what an
 * answer means). The signed URL is the path *as sent*, base path included, because that is what WeChat (or a
 * simulator mounted under a prefix) sees and verifies. Timestamp and nonce are fresh per attempt; the body is the
 * caller's, so a retry carries identical business parameters.
 */
export class V3Requester {
  private readonly base: URL;

  constructor(
    private readonly config: V3RequesterConfig,
    private readonly deps: V3RequesterDeps,
  ) {
    this.base = new URL(config.baseUrl.replace(/\/+$/, ''));
  }

  /** The absolute URL of a path under the base URL. */
  urlOf(pathAndQuery: string): URL {
    return new URL(this.base.pathname.replace(/\/+$/, '') + pathAndQuery, this.base.origin);
  }

  /** True when `url` is on our WeChat Pay host: the only place an Authorization header may be sent. */
  isOurHost(url: URL): boolean {
    return url.origin === this.base.origin && url.pathname.startsWith(this.base.pathname.replace(/\/+$/, '') + '/');
  }

  send(request: V3Request): Promise<HttpResponse> {
    return this.sendTo(this.urlOf(request.pathAndQuery), request);
  }

  /** For the bill's download_url, which WeChat hands out absolute; the caller has checked isOurHost. */
  async sendTo(url: URL, request: Omit<V3Request, 'pathAndQuery'>): Promise<HttpResponse> {
    const body = request.body ?? '';
    const authorization = authorizeRequest(
      this.config.signer,
      { method: request.method, pathAndQuery: url.pathname + url.search, body },
      unixSeconds(this.deps.clock.now()),
      this.deps.nonce(),
    );
    const headers: Record<string, string> = {
      authorization,
      accept: 'application/json',
      'user-agent': USER_AGENT,
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(request.wechatpaySerial === undefined ? {} : { [HEADER.serial.toLowerCase()]: request.wechatpaySerial }),
    };
    return this.deps.transport.send({
      method: request.method,
      url: url.toString(),
      headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      timeoutMs: this.config.timeoutMs,
      maxBytes: request.maxBytes,
    });
  }
}
