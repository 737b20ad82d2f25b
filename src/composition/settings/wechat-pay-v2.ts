import { isIP } from 'node:net';
import { z } from 'zod';
import { SAMPLE_MERCHANT } from '../../adapters/wechatpay/shared/sample-merchant.js';
import { optionalText, rule, type Reading } from './fields.js';
import { merchantId, type WECHAT_PAY_FIELDS } from './wechat-pay.js';

/** What only API v2 needs: its key and signing, its fixed client IP, and the certificate its refunds are sent with. */
export const WECHAT_PAY_V2_FIELDS = {
  /** The API v2 key; required for WECHAT_GATEWAY=wechat on v2, the sample merchant's in sandbox mode. */
  WECHAT_API_KEY: optionalText.refine((v) => v === undefined || /^[0-9A-Za-z]{32}$/.test(v), 'must be the 32-character API v2 key'),
  WECHAT_SIGN_TYPE: z.enum(['MD5', 'HMAC-SHA256']).default('MD5'),
  /** Sent as spbill_create_ip instead of each client's address, so a re-sent unifiedorder stays identical. */
  WECHAT_SERVER_IP: optionalText.refine((v) => v === undefined || isIP(v) !== 0, 'must be an IPv4 or IPv6 address'),
  /** The merchant API certificate: a PKCS#12 file (passphrase: the mch_id unless given), or a PEM pair. */
  WECHAT_CERT_P12: optionalText,
  WECHAT_CERT_PASSPHRASE: optionalText,
  WECHAT_CERT_PEM: optionalText,
  WECHAT_KEY_PEM: optionalText,
  /** disabled: a v2 merchant without its API certificate runs without refunds (each refused at once). */
  WECHAT_REFUNDS: z.enum(['enabled', 'disabled']).default('enabled'),
} as const;

type V2Reading = Reading<typeof WECHAT_PAY_FIELDS & typeof WECHAT_PAY_V2_FIELDS>;

export interface MerchantCertificate {
  readonly p12Path?: string;
  readonly passphrase?: string;
  readonly certPemPath?: string;
  readonly keyPemPath?: string;
}

export interface WechatPayV2Settings {
  /** The API v2 key; undefined for a merchant on API v3 only (then v2 callbacks are refused). */
  readonly apiKey?: string;
  readonly signType: 'MD5' | 'HMAC-SHA256';
  readonly serverIp?: string;
  readonly certificate?: MerchantCertificate;
  readonly refundsEnabled: boolean;
}

export function wechatPayV2Problems(r: V2Reading): string[] {
  const hasCertificate = r.given('WECHAT_CERT_P12') || r.given('WECHAT_CERT_PEM');
  return [
    // API v3 alone needs no v2 key; with one, callbacks of both dialects are accepted (the migration).
    ...rule(r, ['WECHAT_GATEWAY', 'WECHAT_API_VERSION', 'WECHAT_API_KEY'], (v) =>
      v.WECHAT_GATEWAY === 'wechat' && v.WECHAT_API_VERSION === 'v2' && v.WECHAT_API_KEY === undefined
        ? 'WECHAT_API_KEY: is required when WECHAT_GATEWAY=wechat and WECHAT_API_VERSION=v2'
        : undefined,
    ),
    ...rule(r, ['WECHAT_GATEWAY', 'WECHAT_API_VERSION', 'WECHAT_REFUNDS'], (v) =>
      v.WECHAT_GATEWAY === 'wechat' && v.WECHAT_API_VERSION === 'v2' && v.WECHAT_REFUNDS === 'enabled' && !hasCertificate
        ? 'WECHAT_CERT_PEM: refunds over API v2 need the merchant API certificate: set WECHAT_CERT_PEM + WECHAT_KEY_PEM ' +
          '(or WECHAT_CERT_P12), or WECHAT_REFUNDS=disabled to run without refunds'
        : undefined,
    ),
    ...(r.given('WECHAT_CERT_PEM') !== r.given('WECHAT_KEY_PEM') ? ['WECHAT_KEY_PEM: WECHAT_CERT_PEM and WECHAT_KEY_PEM go together'] : []),
  ];
}

export function wechatPayV2Settings(r: V2Reading): WechatPayV2Settings {
  const e = r.values;
  const certificate: MerchantCertificate | undefined =
    e.WECHAT_CERT_P12 !== undefined
      ? { p12Path: e.WECHAT_CERT_P12, passphrase: e.WECHAT_CERT_PASSPHRASE ?? merchantId(r) }
      : e.WECHAT_CERT_PEM !== undefined && e.WECHAT_KEY_PEM !== undefined
        ? { certPemPath: e.WECHAT_CERT_PEM, keyPemPath: e.WECHAT_KEY_PEM }
        : undefined;
  const apiKey = e.WECHAT_API_KEY ?? (e.WECHAT_GATEWAY === 'sandbox' ? SAMPLE_MERCHANT.apiKey : undefined);
  return {
    ...(apiKey === undefined ? {} : { apiKey }),
    signType: e.WECHAT_SIGN_TYPE,
    ...(e.WECHAT_SERVER_IP === undefined ? {} : { serverIp: e.WECHAT_SERVER_IP }),
    ...(certificate === undefined ? {} : { certificate }),
    refundsEnabled: e.WECHAT_REFUNDS === 'enabled',
  };
}
