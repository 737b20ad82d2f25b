import https from 'node:https';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { GatewayUnavailableError } from '../../../application/ports/payment-gateway.js';
import { UntrustedResponseError, WechatAnswerError } from '../shared/errors.js';
import { nodeHttpTransport, ResponseTooLargeError, type HttpResponse, type HttpTransport } from '../shared/http-transport.js';
import type { NonceSource } from '../shared/nonce.js';
import { MiniProgramApps } from '../shared/partner.js';
import { foreignMerchantIn } from './merchant-fields.js';
import { signFields, verifyFields, type SignType, type SignableFields, type WechatFields } from './sign.js';
import { RESPONSE_MAX_BYTES, WechatXmlError, buildWechatXml, parseWechatXml } from './xml.js';

/** The merchant API certificate for /secapi calls: PKCS#12 (password = mch_id) or a PEM pair. */
export type ClientCertificate = (
  | { readonly pfx: Buffer; readonly passphrase: string }
  | { readonly cert: string | Buffer; readonly key: string | Buffer; readonly passphrase?: string }
) & {
  /** Extra CA to trust (a staging simulator behind a private CA). Adds trust; verification stays on. */
  readonly ca?: string | Buffer;
};

export interface V2ClientConfig {
  readonly appId: string;
  readonly mchId: string;
  readonly apiKey: string;
  readonly signType: SignType;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** Extra attempts after the first, for network failures, timeouts, 5xx and SYSTEMERROR. */
  readonly retries: number;
  /** First backoff; doubles per attempt, capped at 2 s. */
  readonly retryBackoffMs: number;
  readonly tls?: ClientCertificate;
  /** Partner mode: the sub-merchant every call names (sub_mch_id), and every answer must name. */
  readonly subMchId?: string;
  /**
   * The mini-programs an answer may name: direct, in `appid`; partner, in `sub_appid` when the answer has one (its
   * `appid` must be the provider's, `appId`). Default: appId alone.
   */
  readonly apps?: MiniProgramApps;
}

export interface V2ClientDeps {
  readonly nonce: NonceSource;
  readonly transport?: HttpTransport;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What a v2 call can answer, after the signature of every signed answer verified. */
export type V2Answer =
  /** return_code FAIL: the request was not processed (bad signature, malformed, unknown merchant). Unsigned. */
  | { readonly kind: 'returnFail'; readonly message: string; readonly fields: WechatFields }
  /** A signed business refusal (result_code FAIL) that is not worth retrying. */
  | { readonly kind: 'resultFail'; readonly code: string; readonly message: string; readonly fields: WechatFields }
  | { readonly kind: 'ok'; readonly fields: WechatFields };

export interface CallOptions {
  /** Present the merchant certificate (refund, downloadfundflow). */
  readonly mutualTls?: boolean;
  readonly maxBytes?: number;
  /** Sign with this type whatever the merchant's setting: downloadfundflow takes HMAC-SHA256 only. */
  readonly signType?: SignType;
  /** Direct mode: the appid of this call when it is another mini-program than the default (a unifiedorder for it). */
  readonly appId?: string;
}

const CERTIFICATE_REFUSED =
  'HTTP 400: WeChat did not accept a client certificate (none configured, or not this merchant’s): check WECHAT_CERT_PEM / WECHAT_CERT_P12';

/** err_codes that mean "try again with the very same request" (digest §3.3, §8.1). */
const RETRYABLE_CODES: readonly string[] = ['SYSTEMERROR', 'BIZERR_NEED_RETRY'];
const MAX_BACKOFF_MS = 2_000;

/** Thrown inside an attempt to ask for another one; never escapes the client. */
class RetryableFailure extends Error {}

const gunzipAsync = promisify(gunzip);
const isGzip = (bytes: Buffer): boolean => bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Bounded like every other answer, so a small compressed body cannot unpack into gigabytes. */
async function gunzipText(path: string, bytes: Buffer, maxBytes: number): Promise<string> {
  try {
    return (await gunzipAsync(bytes, { maxOutputLength: maxBytes })).toString('utf8');
  } catch (e) {
    throw new UntrustedResponseError(`${path}: unreadable gzip answer (${e instanceof Error ? e.message : String(e)})`);
  }
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Signs, sends and verifies v2 API calls. The request body is built and signed once per call, so every retry sends
 * byte-identical XML (same nonce, same sign) — WeChat's rule for retrying SYSTEMERROR and the only way a retried
 * unifiedorder cannot become "201 商户订单号重复".
 */
export class WechatV2Client {
  private readonly transport: HttpTransport;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly tlsAgent: https.Agent | undefined;
  private readonly apps: MiniProgramApps;

  constructor(
    private readonly config: V2ClientConfig,
    private readonly deps: V2ClientDeps,
  ) {
    this.transport = deps.transport ?? nodeHttpTransport;
    this.sleep = deps.sleep ?? defaultSleep;
    this.tlsAgent = config.tls ? new https.Agent({ ...config.tls, keepAlive: true }) : undefined;
    this.apps = config.apps ?? new MiniProgramApps(config.appId);
  }

  /** Releases the mutual-TLS connection pool. */
  close(): void {
    this.tlsAgent?.destroy();
  }

  /** Adds appid, mch_id (and sub_mch_id in partner mode), nonce_str, sign_type (HMAC only; MD5 is the default) and sign. */
  signedRequest(
    business: SignableFields,
    signType: SignType = this.config.signType,
    appId: string = this.config.appId,
  ): Record<string, string> {
    const fields: Record<string, string | undefined> = {
      ...business,
      appid: appId,
      mch_id: this.config.mchId,
      ...(this.config.subMchId === undefined ? {} : { sub_mch_id: this.config.subMchId }),
      nonce_str: this.deps.nonce(),
      sign_type: signType === 'HMAC-SHA256' ? 'HMAC-SHA256' : undefined,
      sign: undefined,
    };
    const present = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
    present.sign = signFields(present, this.config.apiKey, signType);
    return present;
  }

  async call(path: string, business: SignableFields, options: CallOptions = {}): Promise<V2Answer> {
    const body = buildWechatXml(this.signedRequest(business, options.signType, options.appId));
    return this.withRetries(path, async () => {
      const response = await this.post(path, body, options);
      // WeChat's front end answers a /secapi call without an acceptable client certificate with a bare HTTP 400.
      if (response.status === 400) return { kind: 'returnFail', message: CERTIFICATE_REFUSED, fields: Object.freeze({}) } as const;
      return this.interpret(path, response.body, options.signType);
    });
  }

  /**
   * downloadbill: a text table on success (gzip-compressed when asked with tar_type=GZIP), an (unsigned) XML refusal
   * otherwise, which may open with an XML declaration.
   */
  async callForText(
    path: string,
    business: SignableFields,
    options: CallOptions = {},
  ): Promise<V2Answer | { readonly kind: 'text'; readonly body: string }> {
    const body = buildWechatXml(this.signedRequest(business, options.signType, options.appId));
    return this.withRetries(path, async () => {
      const response = await this.post(path, body, options);
      if (response.status === 400) return { kind: 'returnFail', message: CERTIFICATE_REFUSED, fields: Object.freeze({}) } as const;
      if (response.bytes && isGzip(response.bytes)) {
        return { kind: 'text', body: await gunzipText(path, response.bytes, options.maxBytes ?? RESPONSE_MAX_BYTES) } as const;
      }
      if (!/^\uFEFF?\s*<(?:xml>|\?xml[\s?])/.test(response.body)) return { kind: 'text', body: response.body } as const;
      return this.interpret(path, response.body.replace(/^\uFEFF/, ''), options.signType);
    });
  }

  private async withRetries<T>(path: string, attempt: () => Promise<T>): Promise<T> {
    let last: Error | undefined;
    for (let i = 0; i <= this.config.retries; i++) {
      if (i > 0) await this.sleep(Math.min(MAX_BACKOFF_MS, this.config.retryBackoffMs * 2 ** (i - 1)));
      try {
        return await attempt();
      } catch (e) {
        if (!(e instanceof RetryableFailure)) throw e;
        last = e;
      }
    }
    if (last?.cause instanceof WechatAnswerError) throw last.cause;
    throw new GatewayUnavailableError(`${path}: ${last?.message ?? 'no attempt made'}`, { cause: last });
  }

  private async post(path: string, body: string, options: CallOptions): Promise<HttpResponse> {
    let response;
    try {
      response = await this.transport.send({
        method: 'POST',
        url: this.config.baseUrl.replace(/\/+$/, '') + path,
        body,
        headers: { 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml, text/plain' },
        timeoutMs: this.config.timeoutMs,
        maxBytes: options.maxBytes ?? RESPONSE_MAX_BYTES,
        ...(options.mutualTls && this.tlsAgent ? { agent: this.tlsAgent } : {}),
      });
    } catch (e) {
      if (e instanceof ResponseTooLargeError) throw new UntrustedResponseError(`${path}: ${e.message}`);
      throw new RetryableFailure(`network failure or timeout: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (response.status >= 500) throw new RetryableFailure(`HTTP ${response.status}`);
    if (response.status !== 200 && !(response.status === 400 && options.mutualTls)) {
      throw new GatewayUnavailableError(`${path}: unexpected HTTP ${response.status}`);
    }
    return response;
  }

  private interpret(path: string, text: string, requestSignType: SignType = this.config.signType): V2Answer {
    let fields: WechatFields;
    try {
      fields = parseWechatXml(text, { maxBytes: RESPONSE_MAX_BYTES });
    } catch (e) {
      // A cut-off answer is a transport failure; the identical request is safe to send again.
      if (e instanceof WechatXmlError) throw new RetryableFailure(`unreadable response (${e.reason})`);
      throw e;
    }
    if (fields.return_code !== 'SUCCESS') {
      return { kind: 'returnFail', message: fields.return_msg ?? '', fields };
    }
    const { apiKey, appId, mchId, subMchId } = this.config;
    const signType = requestSignType;
    if (!fields.sign) throw new UntrustedResponseError(`${path}: response has no sign`);
    if (fields.sign_type && fields.sign_type !== signType) {
      throw new UntrustedResponseError(`${path}: response sign_type differs from ours`);
    }
    if (!verifyFields(fields, apiKey, signType)) throw new UntrustedResponseError(`${path}: response signature does not verify`);
    const foreign = foreignMerchantIn(fields, { appId, mchId, apps: this.apps, ...(subMchId === undefined ? {} : { subMchId }) });
    if (foreign) throw new UntrustedResponseError(`${path}: response names another ${foreign}`);
    if (fields.result_code === 'SUCCESS') return { kind: 'ok', fields };
    if (fields.result_code !== 'FAIL') throw new UntrustedResponseError(`${path}: result_code missing`);
    const code = fields.err_code ?? '';
    const message = fields.err_code_des ?? '';
    if (RETRYABLE_CODES.includes(code)) {
      throw new RetryableFailure(`${code} ${message}`, { cause: new WechatAnswerError(code, message, path) });
    }
    return { kind: 'resultFail', code, message, fields };
  }
}
