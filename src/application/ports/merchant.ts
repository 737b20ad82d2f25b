/** The merchant account this service acts for; notices naming any other are not ours. */
export interface MerchantIdentity {
  readonly appId: string;
  readonly mchId: string;
}
