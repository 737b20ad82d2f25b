import type { MerchantId } from '../../domain/merchant.js';

/**
 * A WeChat mini-program this deployment serves: its appid is the key (an openid exists per appid), and it sells
 * through one merchant, whose account its orders are paid to. Its AppSecret stays in the composition (its login).
 */
export interface MiniProgram {
  readonly appId: string;
  /** For operators. */
  readonly name: string;
  readonly merchantId: MerchantId;
}

/** The mini-programs configured here. */
export interface MiniPrograms {
  /** The mini-program with this appid, or undefined when it is none of ours. */
  byAppId(appId: string): MiniProgram | undefined;
  /** Every configured mini-program, the default one first. */
  all(): readonly MiniProgram[];
  /**
   * The mini-program the seed's paths serve, and whose every row stored before mini-programs existed (app_id '') is:
   * today's WECHAT_APPID.
   */
  readonly defaultAppId: string;
}

/**
 * The merchant a mini-program sells through: the shop its goods, its users and their coins belong to (a console
 * operator's scope is by merchant). Undefined for a mini-program not configured here (any more).
 */
export const merchantOfApp = (miniPrograms: MiniPrograms, appId: string): MerchantId | undefined => miniPrograms.byAppId(appId)?.merchantId;

/**
 * The appids whose users, goods and coins a scope holds, for a query to be narrowed to: undefined for a platform
 * operator (everything, a mini-program no longer configured included), else the mini-programs of their merchants.
 */
export const appIdsOfScope = (miniPrograms: MiniPrograms, merchantIds: readonly MerchantId[] | undefined): string[] | undefined =>
  merchantIds === undefined
    ? undefined
    : miniPrograms
        .all()
        .filter((m) => merchantIds.includes(m.merchantId))
        .map((m) => m.appId);
