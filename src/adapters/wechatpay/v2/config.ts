import { isSignType, type SignType } from './sign.js';
import type { ClientCertificate } from './client.js';
import { endpointUrlProblems } from '../shared/endpoint-urls.js';
import { partnerProblems, type PartnerMode } from '../shared/partner.js';

export interface WechatPayV2Config {
  /** Direct: the merchant's (default) mini-program. Partner: the provider's appid. */
  readonly appId: string;
  /** Direct: the merchant's mch_id. Partner: the provider's. */
  readonly mchId: string;
  /** The 32-character API v2 key (partner: the provider's). */
  readonly apiKey: string;
  /** 服务商 mode: the sub-merchant and its default mini-program. Absent: a direct merchant. */
  readonly partner?: PartnerMode;
  /** The other mini-programs that pay through this merchant (PrepayRequest.appId may name one). */
  readonly appIds?: readonly string[];
  readonly signType: SignType;
  /** https, no query string (digest §1). */
  readonly notifyUrl: string;
  readonly refundNotifyUrl?: string;
  /** Default https://api.mch.weixin.qq.com; the sandbox points this at the simulator. */
  readonly baseUrl?: string;
  /** Merchant API certificate (partner: the provider's); refunds are sent over mutual TLS when it is set. */
  readonly tls?: ClientCertificate;
  /** Per attempt. Default 5000. */
  readonly timeoutMs?: number;
  /** Extra attempts for network failures, timeouts and SYSTEMERROR. Default 2. */
  readonly retries?: number;
  /** Default 200 ms, doubling per attempt. */
  readonly retryBackoffMs?: number;
  /**
   * spbill_create_ip. UNCONFIRMED which IP WeChat wants (server per the mini-program page, client per the older JSAPI
   * page); setting the server's IP here is the safer reading because it keeps a re-sent unifiedorder identical when
   * the user's IP changed (one logged "201 商户订单号重复" involved exactly that). Unset: the client IP is sent.
   */
  readonly spbillCreateIp?: string;
}

/** Throws one TypeError naming every problem (never a value: some are secrets). */
export function assertValidConfig(config: WechatPayV2Config): void {
  const problems: string[] = [];
  for (const name of ['appId', 'mchId', 'apiKey'] as const) {
    if (typeof config[name] !== 'string' || config[name] === '') problems.push(`${name} is required`);
  }
  if (!isSignType(config.signType)) problems.push('signType must be MD5 or HMAC-SHA256');
  problems.push(...endpointUrlProblems(config), ...partnerProblems(config));
  if (problems.length > 0) throw new TypeError(`WeChat Pay v2 configuration: ${problems.join('; ')}`);
}
