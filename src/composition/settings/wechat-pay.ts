import { z } from 'zod';
import { SAMPLE_MERCHANT } from '../../adapters/wechatpay/shared/sample-merchant.js';
import { httpUrl, optionalText, rule, type Reading } from './fields.js';

const PRODUCTION_BASE_URL = 'https://api.mch.weixin.qq.com';
const PRODUCTION_LOGIN_BASE_URL = 'https://api.weixin.qq.com';

function isPlainHttp(value: string | undefined): boolean {
  return value !== undefined && URL.canParse(value) && new URL(value).protocol === 'http:';
}

function isNotifyUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.search === '' && value.length <= 256;
  } catch {
    return false;
  }
}

const notifyUrl = optionalText.refine(
  (v) => v === undefined || isNotifyUrl(v),
  'must be an http(s) URL without a query string, at most 256 characters',
);

/** The merchant and where WeChat is reached, whichever API version speaks: what every gateway needs. */
export const WECHAT_PAY_FIELDS = {
  /** sandbox: the embedded simulator (or a standalone one at WECHAT_BASE_URL); wechat: the real WeChat Pay. */
  WECHAT_GATEWAY: z.enum(['sandbox', 'wechat']).default('sandbox'),
  /** The API new prepays, queries, closes and refunds use. */
  WECHAT_API_VERSION: z.enum(['v2', 'v3']).default('v2'),
  /** The merchant's identity; in sandbox mode the sample merchant's unless given. */
  WECHAT_APPID: optionalText,
  WECHAT_APP_SECRET: optionalText,
  WECHAT_MCH_ID: optionalText,
  WECHAT_NOTIFY_URL: notifyUrl,
  WECHAT_REFUND_NOTIFY_URL: notifyUrl,
  WECHAT_BASE_URL: httpUrl,
  WECHAT_LOGIN_BASE_URL: httpUrl,
} as const;

type WechatPayReading = Reading<typeof WECHAT_PAY_FIELDS>;

export interface WechatPaySettings {
  readonly appId: string;
  readonly appSecret: string;
  readonly mchId: string;
  /** undefined in sandbox mode until the listening port is known: the service's own /wechat/pay-notify. */
  readonly notifyUrl?: string;
  readonly refundNotifyUrl?: string;
  readonly baseUrl?: string;
  readonly loginBaseUrl?: string;
}

export function wechatPayProblems(r: WechatPayReading, production: boolean): string[] {
  const live = (gateway: string) => gateway === 'wechat';
  return [
    ...rule(r, ['WECHAT_GATEWAY'], (v) =>
      v.WECHAT_GATEWAY === 'sandbox' && production
        ? 'WECHAT_GATEWAY: sandbox refuses to run with NODE_ENV=production; set WECHAT_GATEWAY=wechat'
        : undefined,
    ),
    ...(['WECHAT_APPID', 'WECHAT_APP_SECRET', 'WECHAT_MCH_ID', 'WECHAT_NOTIFY_URL'] as const).flatMap((name) =>
      rule(r, ['WECHAT_GATEWAY', name], (v) =>
        live(v.WECHAT_GATEWAY) && v[name] === undefined ? `${name}: is required when WECHAT_GATEWAY=wechat` : undefined,
      ),
    ),
    // WeChat's refund docs point to the payment notify's rules: both must be https.
    ...(['WECHAT_NOTIFY_URL', 'WECHAT_REFUND_NOTIFY_URL'] as const).flatMap((name) =>
      rule(r, ['WECHAT_GATEWAY', name], (v) =>
        live(v.WECHAT_GATEWAY) && isPlainHttp(v[name]) ? `${name}: must be https for real WeChat Pay` : undefined,
      ),
    ),
  ];
}

/** The merchant's identity is the sample merchant's in sandbox mode (WECHAT_GATEWAY=wechat requires each one). */
export const merchantId = (r: WechatPayReading): string => r.values.WECHAT_MCH_ID ?? SAMPLE_MERCHANT.mchId;

export function wechatPaySettings(r: WechatPayReading): WechatPaySettings {
  const e = r.values;
  const sandbox = e.WECHAT_GATEWAY === 'sandbox';
  return {
    appId: e.WECHAT_APPID ?? SAMPLE_MERCHANT.appId,
    appSecret: e.WECHAT_APP_SECRET ?? SAMPLE_MERCHANT.appSecret,
    mchId: merchantId(r),
    ...(e.WECHAT_NOTIFY_URL === undefined ? {} : { notifyUrl: e.WECHAT_NOTIFY_URL }),
    ...(e.WECHAT_REFUND_NOTIFY_URL === undefined ? {} : { refundNotifyUrl: e.WECHAT_REFUND_NOTIFY_URL }),
    ...(e.WECHAT_BASE_URL === undefined ? (sandbox ? {} : { baseUrl: PRODUCTION_BASE_URL }) : { baseUrl: e.WECHAT_BASE_URL }),
    ...loginBaseUrl(e.WECHAT_LOGIN_BASE_URL, e.WECHAT_BASE_URL, sandbox),
  };
}

/**
 * WeChat serves code2Session on another host than WeChat Pay; a standalone simulator serves both, so in sandbox mode
 * WECHAT_LOGIN_BASE_URL defaults to WECHAT_BASE_URL (and, with neither set, to the embedded simulator).
 */
function loginBaseUrl(given: string | undefined, payBaseUrl: string | undefined, sandbox: boolean): { loginBaseUrl?: string } {
  if (given !== undefined) return { loginBaseUrl: given };
  if (!sandbox) return { loginBaseUrl: PRODUCTION_LOGIN_BASE_URL };
  return payBaseUrl === undefined ? {} : { loginBaseUrl: payBaseUrl };
}
