import { gzipSync } from 'node:zlib';
import type { Response } from 'express';
import {
  isSimSignType,
  simParseXml,
  simSign,
  simVerify,
  simXml,
  type SignType,
  type SignableFields,
  type WechatFields,
} from './codec/index.js';
import { simulatorIds } from './ids.js';
import { tamper, type MerchantSecrets } from './messages.js';

/** What an API handler decides; the wire format (signing, return/result codes) is applied by sendAnswer. */
export type Answer =
  | { readonly kind: 'success'; readonly fields: SignableFields }
  | { readonly kind: 'refusal'; readonly errCode: string; readonly errCodeDes: string }
  /** Unsigned: the request was not processed. */
  | { readonly kind: 'returnFail'; readonly message: string; readonly extra?: SignableFields }
  /** /secapi without a client certificate: nginx's HTTP 400 page, before WeChat reads the request. */
  | { readonly kind: 'noClientCertificate' }
  /** downloadbill's text table, gzip-compressed when the request asked (tar_type=GZIP). */
  | { readonly kind: 'bill'; readonly body: string; readonly gzip: boolean };

export const success = (fields: SignableFields): Answer => ({ kind: 'success', fields });
export const refusal = (errCode: string, errCodeDes: string): Answer => ({ kind: 'refusal', errCode, errCodeDes });
export const lack = (name: string): Answer => refusal('LACK_PARAMS', `缺少参数${name}`);
export const paramError = (des: string): Answer => refusal('PARAM_ERROR', des);

const NO_CLIENT_CERTIFICATE_PAGE =
  '<html>\r\n<head><title>400 No required SSL certificate was sent</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n' +
  '<center>No required SSL certificate was sent</center>\r\n<hr><center>stgw</center>\r\n</body>\r\n</html>\r\n';

/** Requests are small; a larger body is refused as WeChat refuses unreadable XML. */
export const XML_BODY_LIMIT = 64 * 1024;

export type Authentication<M extends MerchantSecrets = MerchantSecrets> =
  | { readonly ok: true; readonly request: WechatFields; readonly signType: SignType; readonly merchant: M }
  | { readonly ok: false; readonly message: string };

/**
 * What WeChat checks before it looks at the business: readable XML, a known mch_id, a known sign type and a sign
 * that verifies under that type (sign_type absent = MD5). Failures are return_code FAIL with WeChat's wording.
 */
export function authenticate<M extends MerchantSecrets>(body: unknown, merchants: (mchId: string) => M | undefined): Authentication<M> {
  if (body === undefined || body === '') return { ok: false, message: 'post数据为空' };
  let request: WechatFields;
  try {
    request = simParseXml(body, { maxBytes: XML_BODY_LIMIT });
  } catch {
    return { ok: false, message: 'XML格式错误' };
  }
  if (!request.mch_id) return { ok: false, message: '缺少参数mch_id' };
  // Each mch_id's requests verify with its own key only: a key of one merchant never signs for another.
  const merchant = merchants(request.mch_id);
  if (!merchant) return { ok: false, message: '商户号mch_id不存在' };
  const signType = request.sign_type || 'MD5';
  if (!isSimSignType(signType)) return { ok: false, message: 'sign_type参数格式错误' };
  if (merchant.apiKey === '' || !simVerify(request, merchant.apiKey, signType)) return { ok: false, message: '签名错误' };
  return { ok: true, request, signType, merchant };
}

export function sendReturnFail(res: Response, message: string, extra: SignableFields = {}): void {
  res
    .status(200)
    .type('text/xml; charset=utf-8')
    .send(simXml({ return_code: 'FAIL', return_msg: message, ...extra }));
}

/** Signs with the request's sign type, as WeChat answers an HMAC request with an HMAC signature. */
export function sendAnswer(
  res: Response,
  answer: Answer,
  request: WechatFields,
  signType: SignType,
  merchant: MerchantSecrets,
  tamperSign: boolean,
): void {
  if (answer.kind === 'noClientCertificate') {
    res.status(400).type('text/html').send(NO_CLIENT_CERTIFICATE_PAGE);
    return;
  }
  if (answer.kind === 'bill') {
    if (answer.gzip) res.status(200).type('application/octet-stream').send(gzipSync(answer.body));
    else res.status(200).type('text/plain; charset=utf-8').send(answer.body);
    return;
  }
  if (answer.kind === 'returnFail') {
    sendReturnFail(res, answer.message, answer.extra);
    return;
  }
  const fields: Record<string, string | undefined> = {
    return_code: 'SUCCESS',
    return_msg: 'OK',
    // WeChat echoes the submitted appid (its docs: "调用接口提交的小程序ID"), even when it refuses it.
    appid: request.appid || merchant.appId,
    mch_id: merchant.mchId,
    // Partner mode: WeChat echoes the sub-merchant and its mini-program the request named.
    sub_appid: request.sub_mch_id ? request.sub_appid : undefined,
    sub_mch_id: request.sub_mch_id,
    nonce_str: simulatorIds.nonce(),
    result_code: answer.kind === 'success' ? 'SUCCESS' : 'FAIL',
    ...(answer.kind === 'refusal' ? { err_code: answer.errCode, err_code_des: answer.errCodeDes } : answer.fields),
  };
  const sign = simSign(fields, merchant.apiKey, signType);
  fields.sign = tamperSign ? tamper(sign) : sign;
  res.status(200).type('text/xml; charset=utf-8').send(simXml(fields));
}

/** WeChat's notify_url form (digest §1): an http(s) URL of at most 256 characters, no query string. */
export function isNotifyUrl(value: string): boolean {
  if (value.length > 256 || /[?#]/.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

const isLoopbackHost = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);

/**
 * What is wrong with a notify URL a request names, or undefined. WeChat calls back over https only (v3: notify_url
 * "必须为https"; v2: "公网域名必须为https"). `loopbackHttp` lets plain http reach a loopback host, for the embedded
 * sandbox calling back the service it runs in; nothing else is ever allowed http.
 */
export function notifyUrlIssue(value: string, loopbackHttp: boolean): string | undefined {
  if (!isNotifyUrl(value)) return 'notify_url 须为不带查询参数、不超过256个字符的 URL';
  const url = new URL(value);
  if (url.protocol === 'https:') return undefined;
  return loopbackHttp && isLoopbackHost(url.hostname) ? undefined : 'notify_url 必须为 https';
}
