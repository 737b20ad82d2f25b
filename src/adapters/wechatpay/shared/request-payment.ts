import type { ClientPayment } from '../../../application/ports/payment-gateway.js';

/** The provider name a WeChat Pay gateway puts on its client payments. */
export const WECHAT_PAY = 'wechatpay';

/** What `wx.requestPayment` takes, in the order the mini-program API has always answered them. */
export interface RequestPaymentParams {
  readonly appId: string;
  readonly timeStamp: string;
  readonly nonceStr: string;
  readonly package: string;
  readonly signType: string;
  readonly paySign: string;
}

const FIELDS = [
  'appId',
  'timeStamp',
  'nonceStr',
  'package',
  'signType',
  'paySign',
] as const satisfies readonly (keyof RequestPaymentParams)[];

/** A WeChat Pay gateway's answer to "how does the payer pay this prepay": wx.requestPayment's parameters. */
export function requestPayment(params: RequestPaymentParams): ClientPayment {
  return { provider: WECHAT_PAY, params: { ...pick(params) } };
}

/**
 * wx.requestPayment's parameters from a client payment, fields in their fixed order. A payment made for another
 * client (another provider) is a wiring error, not something to hand the mini-program.
 */
export function requestPaymentParams(payment: ClientPayment): RequestPaymentParams {
  if (payment.provider !== WECHAT_PAY) throw new TypeError(`a ${payment.provider} payment cannot be paid with wx.requestPayment`);
  const missing = FIELDS.filter((name) => typeof payment.params[name] !== 'string');
  if (missing.length > 0) throw new TypeError(`wx.requestPayment parameters lack ${missing.join(', ')}`);
  return pick(payment.params as unknown as RequestPaymentParams);
}

const pick = (params: RequestPaymentParams): RequestPaymentParams => ({
  appId: params.appId,
  timeStamp: params.timeStamp,
  nonceStr: params.nonceStr,
  package: params.package,
  signType: params.signType,
  paySign: params.paySign,
});
