import { SAMPLE_MERCHANT } from '../../src/adapters/wechatpay/shared/sample-merchant.js';
import { signFields, type SignType } from '../../src/adapters/wechatpay/v2/sign.js';
import { buildWechatXml } from '../../src/adapters/wechatpay/v2/xml.js';

/** WeChat's published sample merchant (digest §2.2), the simulator's default. */
export const SAMPLE = SAMPLE_MERCHANT;

/** A successful payment notify as WeChat sends it (digest §5.1), before signing. */
export function paymentNotifyFields(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    appid: SAMPLE.appId,
    bank_type: 'OTHERS',
    cash_fee: '9900',
    fee_type: 'CNY',
    is_subscribe: 'N',
    mch_id: SAMPLE.mchId,
    nonce_str: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
    openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
    out_trade_no: '2026011512000000020000000001',
    result_code: 'SUCCESS',
    return_code: 'SUCCESS',
    time_end: '20260115120102',
    total_fee: '9900',
    trade_type: 'JSAPI',
    transaction_id: '4200000015201711256947025404',
    ...overrides,
  };
}

export interface SignOptions {
  readonly signType?: SignType;
  readonly apiKey?: string;
  /** Sign these fields but put `sign` in the XML as given (to test malformed signatures). */
  readonly signOverride?: string;
}

/** A validly signed notify XML body, or deliberately broken per options. */
export function signedNotifyXml(fields: Record<string, string | undefined>, options: SignOptions = {}): string {
  const sign = signFields(fields, options.apiKey ?? SAMPLE.apiKey, options.signType ?? 'MD5');
  return buildWechatXml({ ...fields, sign: options.signOverride ?? sign });
}
