import type { OrderScope } from './records.js';
import { SimulatorV3Keys, type SimulatorV3Options } from './v3-keys.js';

/** A direct merchant (普通商户) besides the simulator's own: its mch_id, the appids it may take payments for, its keys. */
export interface SimulatorMerchantOptions {
  readonly mchId: string;
  /** The mini-programs bound to it; the first is the one its answers name when a request names none. */
  readonly appIds: readonly string[];
  /** Its API v2 key; absent: v2 requests signed for it never verify (an API v3 only merchant). */
  readonly apiKey?: string;
  /** Its API v3 keys (its own APIv3 key, certificates and WeChat Pay public key); absent: v2 only. */
  readonly v3?: SimulatorV3Options;
}

/** A sub-merchant (特约商户) bound to a provider, with the mini-programs (sub_appid) bound to it. */
export interface SimulatorSubMerchantOptions {
  readonly subMchId: string;
  readonly subAppIds: readonly string[];
}

/** A provider (服务商): it signs and calls for its sub-merchants with its own sp_mchid, sp_appid and keys. */
export interface SimulatorProviderOptions {
  readonly spMchId: string;
  readonly spAppId: string;
  readonly apiKey?: string;
  readonly v3?: SimulatorV3Options;
  readonly subMerchants: readonly SimulatorSubMerchantOptions[];
}

/** A mini-program's AppSecret, for code2Session of an appid other than the simulator's own. */
export interface SimulatorMiniProgramOptions {
  readonly appId: string;
  readonly appSecret: string;
}

/**
 * One mch_id WeChat knows and the keys that sign for it: the simulator's own merchant (`primary`), another direct
 * merchant, or a provider. A request is authenticated with the keys of the mch_id it names, never another's.
 */
export interface SimAccount {
  readonly kind: 'direct' | 'provider';
  /** The simulator's own merchant (the single-merchant options): its orders keep today's keys and snapshot shape. */
  readonly primary: boolean;
  readonly mchId: string;
  /** What its answers and notifies name as appid: the first bound appid, or the provider's sp_appid. */
  readonly appId: string;
  /** Direct: the appids it may take payments for; provider: its sp_appid. */
  readonly appIds: ReadonlySet<string>;
  /** '' when it has no v2 key. */
  readonly apiKey: string;
  readonly v3Keys: SimulatorV3Keys | undefined;
  /** Provider only: sub_mch_id → its sub_appids. */
  readonly subMerchants: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The scope of an account's orders: undefined for the simulator's own merchant, as orders were kept before scopes. */
export function scopeOf(account: SimAccount, subMchId?: string): OrderScope | undefined {
  if (account.primary) return undefined;
  return { mchId: account.mchId, ...(subMchId === undefined ? {} : { subMchId }) };
}

/** Every account by mch_id, the simulator's own first. */
export class SimAccounts {
  private readonly byMchId = new Map<string, SimAccount>();

  constructor(
    readonly primary: SimAccount,
    merchants: readonly SimulatorMerchantOptions[] = [],
    providers: readonly SimulatorProviderOptions[] = [],
  ) {
    this.add(primary);
    for (const m of merchants) {
      if (m.appIds.length === 0) throw new RangeError(`simulator merchant ${m.mchId}: at least one appid is required`);
      this.add({
        kind: 'direct',
        primary: false,
        mchId: m.mchId,
        appId: m.appIds[0] as string,
        appIds: new Set(m.appIds),
        apiKey: m.apiKey ?? '',
        v3Keys: m.v3 ? new SimulatorV3Keys(m.v3) : undefined,
        subMerchants: new Map(),
      });
    }
    for (const p of providers) {
      const subs = new Map<string, ReadonlySet<string>>();
      for (const sub of p.subMerchants) {
        if (subs.has(sub.subMchId)) throw new RangeError(`simulator provider ${p.spMchId}: sub_mch_id ${sub.subMchId} listed twice`);
        subs.set(sub.subMchId, new Set(sub.subAppIds));
      }
      this.add({
        kind: 'provider',
        primary: false,
        mchId: p.spMchId,
        appId: p.spAppId,
        appIds: new Set([p.spAppId]),
        apiKey: p.apiKey ?? '',
        v3Keys: p.v3 ? new SimulatorV3Keys(p.v3) : undefined,
        subMerchants: subs,
      });
    }
  }

  get(mchId: string): SimAccount | undefined {
    return this.byMchId.get(mchId);
  }

  all(): readonly SimAccount[] {
    return [...this.byMchId.values()];
  }

  /**
   * The account whose orders these are: the provider for a partner order, the merchant otherwise; undefined for a
   * merchant no longer configured (an order restored from a snapshot), whose keys the simulator no longer has.
   */
  of(scope: OrderScope | undefined): SimAccount | undefined {
    return scope ? this.byMchId.get(scope.mchId) : this.primary;
  }

  /**
   * A mini-program bound to a merchant after start (the service reloaded its merchants file), as 商户平台's APPID
   * binding does at WeChat: a direct merchant takes payments for it, a provider's sub-merchant names it as sub_appid.
   * The simulator's own merchant and an unknown mch_id are left as they are.
   */
  bindAppId(appId: string, mchId: string, subMchId?: string): void {
    const account = this.byMchId.get(mchId);
    if (!account || account.primary) return;
    if (account.kind === 'direct') {
      this.byMchId.set(mchId, { ...account, appIds: new Set([...account.appIds, appId]) });
      return;
    }
    const subs = account.subMerchants.get(subMchId ?? '');
    if (!subs || subMchId === undefined) return;
    this.byMchId.set(mchId, { ...account, subMerchants: new Map([...account.subMerchants, [subMchId, new Set([...subs, appId])]]) });
  }

  private add(account: SimAccount): void {
    if (this.byMchId.has(account.mchId)) throw new RangeError(`simulator: mch_id ${account.mchId} configured twice`);
    this.byMchId.set(account.mchId, account);
  }
}
