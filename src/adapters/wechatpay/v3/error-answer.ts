import type { GatewayRefusal, RefusalCategory } from '../../../application/ports/payment-gateway.js';
import { requestIdOf, type RawHeaders } from './wechatpay-headers.js';

/**
 * What a non-2xx v3 answer means for the caller. WeChat's status table (pwq/wiki/doc/apiv3/Share/error_code.shtml):
 * 202 resend identical, 400 parameters, 401 SIGN_ERROR, 403 NO_AUTH / business refusals, 404 not found, 429 rate
 * limit (not accepted — but for refunds "acceptance unknown, query first"), 500 SYSTEM_ERROR retry, 502/503
 * SERVICE_UNAVAILABLE retry. Per-API tables add business codes (close order: ORDER_CLOSED, OUT_TRADE_NO_USED, …).
 */
export type V3ErrorKind =
  | 'retryLater' // 202, 5xx, SYSTEM_ERROR, BANK_ERROR, SERVICE_UNAVAILABLE: resend the identical request
  | 'rateLimited' // 429 FREQUENCY_LIMITED / RATELIMIT_EXCEEDED: back off, resend identically (refunds: query first)
  | 'orderClosed' // ORDER_CLOSED: the out_trade_no can never be paid; mint a new one
  | 'orderPaid' // ORDERPAID / ORDER_PAID: treat as paid and confirm by query
  | 'orderNotFound' // ORDERNOTEXIST, ORDER_NOT_EXIST, RESOURCE_NOT_EXISTS, or a bare 404
  | 'duplicateOutTradeNo' // OUT_TRADE_NO_USED, INVALID_REQUEST "201 商户订单号重复": same number, other parameters
  | 'notEnough' // NOT_ENOUGH (v2: NOTENOUGH): payer's balance, or the merchant's for a refund; same numbers later
  | 'invalidParameters' // PARAM_ERROR, INVALID_REQUEST (other), 400 with an unknown code
  | 'signatureRejected' // SIGN_ERROR / 401: our key, serial or signing message is wrong
  | 'merchantMisconfigured' // NO_AUTH, APPID_MCHID_NOT_MATCH, MCH_NOT_EXISTS, 403 with an unknown code
  | 'businessRefusal' // RULE_LIMIT, TRADE_ERROR, ACCOUNT_ERROR, USER_ACCOUNT_ABNORMAL: WeChat refuses this trade
  | 'unexpected'; // anything else (3xx, 405, other 4xx)

export interface V3ErrorAnswer {
  readonly kind: V3ErrorKind;
  /** Safe to repeat with identical parameters (and the same out_trade_no / out_refund_no). */
  readonly retryable: boolean;
  readonly status: number;
  /** WeChat's `code`, when the body had one. */
  readonly code?: string;
  /** WeChat's `message`, at most 512 characters (it is shown to operators, never to payers). */
  readonly message: string;
  /** `detail` as sent (`{field, value, issue, location}` for PARAM_ERROR), when it is an object. */
  readonly detail?: Readonly<Record<string, unknown>>;
  readonly requestId?: string;
}

const BY_CODE: Readonly<Record<string, V3ErrorKind>> = {
  SYSTEM_ERROR: 'retryLater',
  SYSTEMERROR: 'retryLater',
  BANK_ERROR: 'retryLater',
  BANKERROR: 'retryLater',
  SERVICE_UNAVAILABLE: 'retryLater',
  FREQUENCY_LIMITED: 'rateLimited',
  RATELIMIT_EXCEEDED: 'rateLimited',
  ORDER_CLOSED: 'orderClosed',
  ORDERCLOSED: 'orderClosed',
  ORDERPAID: 'orderPaid',
  ORDER_PAID: 'orderPaid',
  ORDERNOTEXIST: 'orderNotFound',
  ORDER_NOT_EXIST: 'orderNotFound',
  RESOURCE_NOT_EXISTS: 'orderNotFound',
  OUT_TRADE_NO_USED: 'duplicateOutTradeNo',
  NOT_ENOUGH: 'notEnough',
  NOTENOUGH: 'notEnough',
  PARAM_ERROR: 'invalidParameters',
  INVALID_REQUEST: 'invalidParameters',
  SIGN_ERROR: 'signatureRejected',
  NO_AUTH: 'merchantMisconfigured',
  APPID_MCHID_NOT_MATCH: 'merchantMisconfigured',
  MCH_NOT_EXISTS: 'merchantMisconfigured',
  RULE_LIMIT: 'businessRefusal',
  TRADE_ERROR: 'businessRefusal',
  ACCOUNT_ERROR: 'businessRefusal',
  USER_ACCOUNT_ABNORMAL: 'businessRefusal',
};

const RETRYABLE: ReadonlySet<V3ErrorKind> = new Set(['retryLater', 'rateLimited']);

function byStatus(status: number): V3ErrorKind {
  if (status === 202 || (status >= 500 && status <= 599)) return 'retryLater';
  if (status === 429) return 'rateLimited';
  if (status === 401) return 'signatureRejected';
  if (status === 404) return 'orderNotFound';
  if (status === 403) return 'merchantMisconfigured';
  if (status === 400) return 'invalidParameters';
  return 'unexpected';
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function parseBody(body: string | Buffer): Record<string, unknown> {
  try {
    const json: unknown = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
    return isRecord(json) ? json : {};
  } catch {
    return {};
  }
}

/**
 * Classifies a non-2xx answer (and 202). A known `code` decides; an unknown or missing one falls back to the status.
 * INVALID_REQUEST whose message starts with "201" is WeChat's "商户订单号重复" (digest §3.4). Pure; never throws —
 * an HTML error page from a proxy classifies by status alone. Call only after the answer's signature was checked
 * when it has one: WeChat signs error answers too.
 */
export function classifyErrorAnswer(status: number, body: string | Buffer, headers: RawHeaders): V3ErrorAnswer {
  const json = parseBody(body);
  const code = typeof json.code === 'string' && json.code !== '' ? json.code : undefined;
  const message = typeof json.message === 'string' ? json.message.slice(0, 512) : '';
  let kind = (code === undefined ? undefined : BY_CODE[code]) ?? byStatus(status);
  if (code === 'INVALID_REQUEST' && /^\s*201\b|商户订单号重复/.test(message)) kind = 'duplicateOutTradeNo';
  const requestId = requestIdOf(headers);
  return {
    kind,
    retryable: RETRYABLE.has(kind),
    status,
    ...(code === undefined ? {} : { code }),
    message,
    ...(isRecord(json.detail) ? { detail: json.detail } : {}),
    ...(requestId === undefined ? {} : { requestId }),
  };
}

/** How the merchant must act on a refusal (see RefusalCategory): fix our setup, back off, or accept the refusal. */
export function refusalCategoryOf(error: V3ErrorAnswer): RefusalCategory {
  switch (error.kind) {
    case 'signatureRejected':
    case 'merchantMisconfigured':
      return 'configuration';
    case 'rateLimited':
      return 'rateLimited';
    default:
      return 'request';
  }
}

/** A refusal in the port's terms, with WeChat's code (or the HTTP status when the body named none). */
export const gatewayRefusalOf = (error: V3ErrorAnswer): GatewayRefusal => ({
  kind: 'rejected',
  code: error.code ?? `HTTP ${error.status}`,
  message: error.message,
  category: refusalCategoryOf(error),
});
