import type { KeyObject } from 'node:crypto';
import { isHexSerial } from './serial.js';
import { endpointUrlProblems } from '../shared/endpoint-urls.js';
import { partnerProblems, type PartnerMode } from '../shared/partner.js';

/**
 * A v3 merchant. Partner mode (`partner`): appId and mchId are the provider's sp_appid and sp_mchid, and the key,
 * serial and APIv3 key the provider's (one set serves all its sub-merchants).
 */
export interface WechatPayV3Config {
  /** Direct: the merchant's (default) mini-program. Partner: the provider's sp_appid. */
  readonly appId: string;
  /** Direct: the merchant's mchid. Partner: the provider's sp_mchid. */
  readonly mchId: string;
  /** 服务商 mode: the sub-merchant (sub_mchid) and its default mini-program (sub_appid). Absent: a direct merchant. */
  readonly partner?: PartnerMode;
  /** The other mini-programs that pay through this merchant (PrepayRequest.appId may name one). */
  readonly appIds?: readonly string[];
  /** apiclient_key.pem, already parsed (credential-check.ts loads and checks it). */
  readonly privateKey: KeyObject;
  /** Serial of the merchant API certificate that goes with privateKey. */
  readonly merchantSerialNo: string;
  /** 32 bytes; decrypts notify resources and platform certificates. */
  readonly apiV3Key: Buffer;
  /** https, no query string. */
  readonly notifyUrl: string;
  readonly refundNotifyUrl?: string;
  /** Default https://api.mch.weixin.qq.com; the sandbox points this at the simulator. */
  readonly baseUrl?: string;
  /** Sent as scene_info.payer_client_ip when set (see the v2 config's spbillCreateIp for why a fixed IP is safer). */
  readonly serverIp?: string;
  /** Per attempt. Default 5000. */
  readonly timeoutMs?: number;
  /** Extra attempts for network failures, timeouts, 5xx and SYSTEM_ERROR. Default 2. */
  readonly retries?: number;
  /** Default 200 ms, doubling per attempt. */
  readonly retryBackoffMs?: number;
}

/** Throws one TypeError naming every problem (never a value: some are secrets). */
export function assertValidV3Config(config: WechatPayV3Config): void {
  const problems: string[] = [];
  for (const name of ['appId', 'mchId'] as const) {
    if (typeof config[name] !== 'string' || config[name] === '') problems.push(`${name} is required`);
  }
  if (!/^[0-9]{1,32}$/.test(config.mchId)) problems.push('mchId must be digits');
  if (!isHexSerial(config.merchantSerialNo)) problems.push('merchantSerialNo must be a hex certificate serial');
  if (config.privateKey?.type !== 'private' || config.privateKey.asymmetricKeyType !== 'rsa')
    problems.push('privateKey must be an RSA private key');
  if (!Buffer.isBuffer(config.apiV3Key) || config.apiV3Key.length !== 32) problems.push('apiV3Key must be 32 bytes');
  problems.push(...endpointUrlProblems(config), ...partnerProblems(config));
  if (problems.length > 0) throw new TypeError(`WeChat Pay v3 configuration: ${problems.join('; ')}`);
}
