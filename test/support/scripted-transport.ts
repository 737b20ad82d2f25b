import type { HttpRequest, HttpResponse, HttpTransport } from '../../src/adapters/wechatpay/shared/http-transport.js';
import { signFields, type SignType } from '../../src/adapters/wechatpay/v2/sign.js';
import { buildWechatXml } from '../../src/adapters/wechatpay/v2/xml.js';
import { SAMPLE } from './wechat-test-signer.js';

export type Step = HttpResponse | Error;

/** Answers with the scripted steps in order and records every request: for retry and mapping tests. */
export class ScriptedTransport implements HttpTransport {
  readonly requests: HttpRequest[] = [];
  constructor(private readonly steps: Step[]) {}
  async send(request: HttpRequest): Promise<HttpResponse> {
    this.requests.push(request);
    const step = this.steps.shift();
    if (!step) throw new Error('no more scripted answers');
    if (step instanceof Error) throw step;
    return step;
  }
}

/** A WeChat answer (return_code SUCCESS) signed with the sample merchant's key. */
export function signedAnswer(fields: Record<string, string | undefined>, signType: SignType = 'MD5'): HttpResponse {
  const all = { return_code: 'SUCCESS', return_msg: 'OK', appid: SAMPLE.appId, mch_id: SAMPLE.mchId, nonce_str: 'r', ...fields };
  return { status: 200, body: buildWechatXml({ ...all, sign: signFields(all, SAMPLE.apiKey, signType) }) };
}

export const okAnswer = (fields: Record<string, string | undefined> = {}, signType: SignType = 'MD5'): HttpResponse =>
  signedAnswer({ result_code: 'SUCCESS', ...fields }, signType);

export const refusalAnswer = (errCode: string, errCodeDes = ''): HttpResponse =>
  signedAnswer({ result_code: 'FAIL', err_code: errCode, err_code_des: errCodeDes });
