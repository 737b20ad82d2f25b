import type { MerchantId } from '../../domain/merchant.js';

/** A merchant account as WeChat names it: the mini-program's appid and the merchant number. */
export interface MerchantIdentity {
  readonly appId: string;
  readonly mchId: string;
}

/** The merchant accounts this service acts for, by our id; a notice naming any other account is not ours. */
export interface Merchants {
  /** Our id of the account WeChat names, or undefined when it is none of ours. */
  idOf(account: MerchantIdentity): MerchantId | undefined;
}
