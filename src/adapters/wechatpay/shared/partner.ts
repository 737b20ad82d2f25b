/**
 * 服务商 (partner) mode: a provider (its appid, mch_id and credentials) collects for a sub-merchant, whose own number
 * every call names (v2 sub_mch_id, v3 sub_mchid). The gateway's appId and mchId are then the provider's (v2 appid and
 * mch_id, v3 sp_appid and sp_mchid) and its keys the provider's; the mini-program the payer pays in is the sub_appid,
 * its openid the sub_openid (wechatpay-go services/partnerpayments/jsapi, WxJava's WxPayUnifiedOrderRequest).
 */
export interface PartnerMode {
  /** The sub-merchant's number (sub_mch_id / sub_mchid). */
  readonly subMchId: string;
  /** The mini-program (sub_appid) of a prepay that names none. */
  readonly subAppId: string;
}

/**
 * The mini-programs a merchant takes payments for: the default one (a prepay naming no appid is for it) and the
 * others configured. A prepay for any other appid is a wiring error; an answer or notify naming another is not ours.
 */
export class MiniProgramApps {
  private readonly all: ReadonlySet<string>;

  constructor(
    readonly defaultAppId: string,
    others: readonly string[] = [],
  ) {
    this.all = new Set([defaultAppId, ...others]);
  }

  /** The appid a prepay or paySign is for; RangeError for an appid this merchant was not configured with. */
  of(appId: string | undefined): string {
    if (appId === undefined) return this.defaultAppId;
    if (!this.all.has(appId)) throw new RangeError(`appid ${appId} is not a mini-program of this merchant`);
    return appId;
  }

  has(appId: unknown): appId is string {
    return typeof appId === 'string' && this.all.has(appId);
  }
}

/** What a gateway's config says about mini-programs and partner mode (both API versions alike). */
export interface MerchantApps {
  readonly appId: string;
  readonly partner?: PartnerMode;
  readonly appIds?: readonly string[];
}

/** Direct: appId is the default mini-program. Partner: appId is the provider's and partner.subAppId the default. */
export const miniProgramAppsOf = (config: MerchantApps): MiniProgramApps =>
  new MiniProgramApps(config.partner ? config.partner.subAppId : config.appId, config.appIds ?? []);

/** Config problems of the partner part and the extra appids, for the configs' one TypeError. */
export function partnerProblems(config: MerchantApps): string[] {
  const problems: string[] = [];
  if (config.partner !== undefined) {
    if (!/^[0-9]{1,32}$/.test(config.partner.subMchId ?? '')) problems.push('partner.subMchId must be digits');
    if (typeof config.partner.subAppId !== 'string' || config.partner.subAppId === '') problems.push('partner.subAppId is required');
  }
  if (config.appIds !== undefined && !config.appIds.every((a) => typeof a === 'string' && a !== '')) {
    problems.push('appIds must be non-empty strings');
  }
  return problems;
}
