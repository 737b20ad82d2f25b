import { gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';
import type { Clock } from '../../application/ports/clock.js';
import { simAnswerMessage, simParseAuthorization, simRequestMessage, simRsaSign, simRsaVerify } from './codec/index.js';
import { simulatorIds } from './ids.js';
import { tamper } from './messages.js';
import type { SimSigner, SimulatorV3Keys } from './v3-keys.js';

/** What a v3 handler decides; signing is applied by sendV3. `json` undefined means 204 No Content. */
export type V3Reply =
  | { readonly kind: 'json'; readonly status: number; readonly json?: unknown }
  /** The bill file: WeChat does not sign it; gzip-compressed when the bill was asked for with tar_type=GZIP. */
  | { readonly kind: 'file'; readonly text: string; readonly gzip?: boolean };

export const v3Ok = (json: unknown): V3Reply => ({ kind: 'json', status: 200, json });
export const v3NoContent: V3Reply = { kind: 'json', status: 204 };
export const v3Error = (status: number, code: string, message: string): V3Reply => ({ kind: 'json', status, json: { code, message } });

/** Where a refused parameter is: a JSON pointer into the body (`/amount/total`), or a query parameter's name. */
export interface ParamErrorDetail {
  readonly field: string;
  /** What was sent; '' when it was missing (as WeChat answers a missing payer.openid). */
  readonly value: unknown;
  readonly issue: string;
  readonly location: 'body' | 'query';
}

/**
 * WeChat's PARAM_ERROR (接口规则 · 错误信息): `detail` names the field, the value, the issue and where the field was;
 * the message follows WeChat's live wording, `输入源“/body/payer/openid”…`.
 */
export function v3ParamError(detail: ParamErrorDetail): V3Reply {
  const source = detail.location === 'body' ? `/body${detail.field}` : `/query/${detail.field}`;
  const value = detail.value === undefined || detail.value === null ? '' : detail.value;
  return {
    kind: 'json',
    status: 400,
    json: { code: 'PARAM_ERROR', message: `输入源“${source}”${detail.issue}`, detail: { ...detail, value } },
  };
}

export const bodyParamError = (field: string, value: unknown, issue: string): V3Reply =>
  v3ParamError({ field, value, issue, location: 'body' });
export const queryParamError = (field: string, value: unknown, issue: string): V3Reply =>
  v3ParamError({ field, value, issue, location: 'query' });

/** WeChat's window for a request timestamp, as for answers (UNCONFIRMED for requests: the digest names none). */
const MAX_SKEW_S = 300;

export type V3Authentication = { readonly ok: true; readonly mchid: string } | { readonly ok: false; readonly message: string };

/**
 * WeChat's check of a merchant request before anything else: the Authorization parses, names a merchant we know and one
 * of its certificate serials, its timestamp is within 5 minutes, and the signature verifies over the method, the
 * URL exactly as sent (path and query) and the raw body bytes.
 */
export function authenticateV3(
  req: Request,
  rawBody: Buffer,
  keysOf: (mchId: string) => SimulatorV3Keys | undefined,
  now: Date,
): V3Authentication {
  const auth = simParseAuthorization(req.get('authorization'));
  if (!auth) return { ok: false, message: 'Authorization 头缺失或格式错误' };
  // Each mch_id's requests verify with its own certificates only: one merchant's key never signs for another.
  const keys = keysOf(auth.mchid);
  if (!keys) return { ok: false, message: '商户号不存在' };
  const key = keys.merchantKey(auth.serial_no);
  if (!key) return { ok: false, message: `商户证书序列号 ${auth.serial_no.slice(0, 40)} 无效` };
  const ts = /^[1-9][0-9]{0,9}$/.test(auth.timestamp) ? Number(auth.timestamp) : NaN;
  if (!(Math.abs(Math.floor(now.getTime() / 1000) - ts) <= MAX_SKEW_S)) return { ok: false, message: '请求时间戳已过期' };
  const message = simRequestMessage(req.method, req.originalUrl, auth.timestamp, auth.nonce_str, rawBody);
  if (!simRsaVerify(message, auth.signature, key)) return { ok: false, message: '签名错误' };
  return { ok: true, mchid: auth.mchid };
}

/** WeChat does not sign the answer to a request it could not authenticate (it does not know who asked). */
export function sendSignError(res: Response, message: string): void {
  sendUnsigned(res, 401, 'SIGN_ERROR', message);
}

export function sendUnsigned(res: Response, status: number, code: string, message: string): void {
  res.status(status).type('application/json').set('Request-ID', simulatorIds.nonce()).send(JSON.stringify({ code, message }));
}

/**
 * WeChat's 接口规则 · 数据格式: requests carry `Accept` and `User-Agent` (the rules: "很可能会拒绝处理无User-Agent的请求").
 * Live WeChat answers one lacking either `INVALID_REQUEST` "Http头缺少Accept或User-Agent" — merchants have reported
 * it even with a bogus Authorization, so before the signature is looked at. 400 is INVALID_REQUEST's status in the
 * rules' table (UNCONFIRMED for this message). Any Accept is taken: wechatpay-go sends the wildcard one.
 */
export function missingHeadersMessage(req: Request): string | undefined {
  return req.get('accept') && req.get('user-agent') ? undefined : 'Http头缺少Accept或User-Agent';
}

/**
 * A body must be sent as `application/json` (接口规则 · 数据格式; parameters such as charset allowed, as
 * wechatpay-axios-plugin sends). Checked once the request is authenticated; WeChat's wording and the order of this
 * check are UNCONFIRMED, INVALID_REQUEST ("HTTP 请求不符合微信支付 APIv3 接口规则") is the rules' code for it.
 */
export function contentTypeRefusal(req: Request, rawBody: Buffer): V3Reply | undefined {
  if (rawBody.length === 0) return undefined;
  const mediaType = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json' ? undefined : v3Error(400, 'INVALID_REQUEST', 'Http头Content-Type须为application/json');
}

/** The four Wechatpay-* headers (plus the signature type) for a body, signed now. */
export function signedHeaders(signer: SimSigner, body: string, now: Date, tampered: boolean): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const nonce = simulatorIds.nonce();
  const signature = simRsaSign(simAnswerMessage(timestamp, nonce, body), signer.privateKey);
  return {
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': tampered ? tamper(signature) : signature,
    'Wechatpay-Serial': signer.serial,
    'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
  };
}

export interface SendOptions {
  readonly keys: SimulatorV3Keys;
  readonly signatureClock: Clock;
  readonly tamperSignature: boolean;
}

/** Every answer signed (204 included) with the key the request's Wechatpay-Serial names, else the default one. */
export function sendV3(req: Request, res: Response, reply: V3Reply, options: SendOptions): void {
  res.set('Request-ID', simulatorIds.nonce());
  if (reply.kind === 'file') {
    if (reply.gzip) res.status(200).type('application/octet-stream').send(gzipSync(reply.text));
    else res.status(200).type('text/plain; charset=utf-8').send(reply.text);
    return;
  }
  const body = reply.json === undefined ? '' : JSON.stringify(reply.json);
  const signer = options.keys.signerFor(req.get('wechatpay-serial'));
  res.status(reply.status).set(signedHeaders(signer, body, options.signatureClock.now(), options.tamperSignature));
  if (body === '') res.end();
  else res.type('application/json').send(body);
}
