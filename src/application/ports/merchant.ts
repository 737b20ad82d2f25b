import type { MerchantId } from '../../domain/merchant.js';

/**
 * A merchant account as WeChat names it: the mini-program's appid and the merchant number; in partner (服务商) mode
 * the mini-program's appid is the sub_appid, `mchId` the provider's sp_mchid and `subMchId` the merchant's own.
 */
export interface MerchantIdentity {
  readonly appId: string;
  readonly mchId: string;
  /** Partner mode only: the sub-merchant's number (sub_mch_id / sub_mchid). */
  readonly subMchId?: string;
}

/** The merchant accounts this service acts for, by our id; a notice naming any other account is not ours. */
export interface Merchants {
  /** Our id of the account WeChat names, or undefined when it is none of ours. */
  idOf(account: MerchantIdentity): MerchantId | undefined;
}
