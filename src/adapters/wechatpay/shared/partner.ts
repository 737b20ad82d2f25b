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

/** A provider (服务商) as the merchants file names it. */
export interface ProviderIds {
  readonly spAppId: string;
  readonly spMchId: string;
}

/** The identity part of a merchant's gateway and verifier configs, v2 and v3 alike. */
export interface MerchantIdsConfig extends MerchantApps {
  readonly mchId: string;
}

/**
 * A partner merchant's identity as WechatPayV2Config, WechatPayV3Config, the v2 verifier's MerchantKeys and the v3
 * verifier's MerchantIds take it (spread it, then add the provider's credentials): the provider's appid and mch_id,
 * the sub-merchant, and its mini-programs, the default one first.
 */
export function partnerMerchantIds(provider: ProviderIds, subMchId: string, miniProgramAppIds: readonly string[]): MerchantIdsConfig {
  const [subAppId, ...others] = miniProgramAppIds;
  if (subAppId === undefined) throw new RangeError(`partner merchant ${subMchId}: at least one mini-program (sub_appid) is required`);
  return { appId: provider.spAppId, mchId: provider.spMchId, partner: { subMchId, subAppId }, appIds: others };
}

/** A direct merchant's identity, in the same shape: its mch_id and its mini-programs, the default one first. */
export function directMerchantIds(mchId: string, miniProgramAppIds: readonly string[]): MerchantIdsConfig {
  const [appId, ...others] = miniProgramAppIds;
  if (appId === undefined) throw new RangeError(`merchant ${mchId}: at least one mini-program (appid) is required`);
  return { appId, mchId, ...(others.length > 0 ? { appIds: others } : {}) };
}

/**
 * How the use cases identify the merchant (MerchantIdentity, and MerchantAccount's appIds): the default mini-program,
 * every mini-program, the mch_id (partner: the provider's) and, in partner mode, the sub_mch_id.
 */
export function accountIdentityOf(ids: MerchantIdsConfig): {
  readonly appId: string;
  readonly appIds: readonly string[];
  readonly mchId: string;
  readonly subMchId?: string;
} {
  const apps = miniProgramAppsOf(ids);
  return {
    appId: apps.defaultAppId,
    appIds: [apps.defaultAppId, ...(ids.appIds ?? []).filter((a) => a !== apps.defaultAppId)],
    mchId: ids.mchId,
    ...(ids.partner ? { subMchId: ids.partner.subMchId } : {}),
  };
}
