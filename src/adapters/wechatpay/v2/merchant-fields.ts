import type { MerchantIdentity } from '../../../application/ports/merchant.js';
import type { MiniProgramApps } from '../shared/partner.js';
import type { WechatFields } from './sign.js';

/** Who a v2 message must name to be ours: the key alone does not say, a provider's key signs for all its merchants. */
export interface V2Merchant {
  /** Direct: the default mini-program. Partner: the provider's appid. */
  readonly appId: string;
  /** Direct: the merchant's mch_id. Partner: the provider's. */
  readonly mchId: string;
  /** Partner mode: the sub-merchant. */
  readonly subMchId?: string;
  readonly apps: MiniProgramApps;
}

/**
 * What a message (signed answer, notify) names that is not this merchant, or undefined when all of it is. Direct:
 * appid one of its mini-programs and mch_id. Partner: the provider's appid and mch_id, this merchant's sub_mch_id,
 * and a sub_appid, when there is one, among its mini-programs (WeChat echoes sub_appid only when the call named one).
 */
export function foreignMerchantIn(fields: WechatFields, merchant: V2Merchant): string | undefined {
  const { appId, mchId, subMchId, apps } = merchant;
  if (subMchId === undefined) return apps.has(fields.appid) && fields.mch_id === mchId ? undefined : 'appid or mch_id';
  if (fields.appid !== appId || fields.mch_id !== mchId) return 'provider appid or mch_id';
  if (fields.sub_mch_id !== subMchId) return 'sub_mch_id';
  if (fields.sub_appid !== undefined && !apps.has(fields.sub_appid)) return 'sub_appid';
  return undefined;
}

/**
 * The account a message foreignMerchantIn accepted names, as the use cases identify merchants: the mini-program
 * (partner: sub_appid, else the default one), the mch_id (partner: the provider's) and the sub_mch_id.
 */
export function identityIn(fields: WechatFields, merchant: V2Merchant): MerchantIdentity {
  if (merchant.subMchId === undefined) return { appId: fields.appid ?? merchant.apps.defaultAppId, mchId: merchant.mchId };
  return { appId: fields.sub_appid ?? merchant.apps.defaultAppId, mchId: merchant.mchId, subMchId: merchant.subMchId };
}
