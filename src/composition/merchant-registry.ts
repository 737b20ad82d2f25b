import type { Container } from 'inversify';
import type { MerchantIdentity, Merchants } from '../application/ports/merchant.js';
import type { NotifyVerifier } from '../application/ports/notify-verifier.js';
import type { PaymentGateway } from '../application/ports/payment-gateway.js';
import { MerchantUnavailableError, UnknownMerchantError, type PaymentGateways } from '../application/ports/payment-gateways.js';
import type { MerchantId } from '../domain/merchant.js';
import { err } from '../domain/result.js';
import { decorate } from '../adapters/port-decorator.js';
import { TOKENS } from './tokens.js';

/** A merchant account this deployment acts for, as configured. */
export interface MerchantAccount extends MerchantIdentity {
  readonly id: MerchantId;
  /** The WeChat Pay API its new prepays, queries, closes, refunds and bills use. */
  readonly apiVersion: 'v2' | 'v3';
  /**
   * Every mini-program that pays through this merchant (partner mode: the sub_appids); absent, `appId` alone. A
   * notice naming another appid is not this merchant's.
   */
  readonly appIds?: readonly string[];
  /** For people (the console); absent: its id. */
  readonly name?: string;
  /** Absent: direct. */
  readonly mode?: 'direct' | 'partner';
  /** Partner mode: the id of the provider (服务商) whose credentials it uses. */
  readonly provider?: string;
}

/** A merchant of the merchants file as built: its gateway and notify verifier, or why it has none (unavailable). */
export interface BuiltMerchant {
  readonly account: MerchantAccount;
  /** Both present, or both absent with `problems` saying why. */
  readonly gateway?: PaymentGateway;
  readonly verifier?: NotifyVerifier;
  readonly problems: readonly string[];
  /** The certificates and keys with an end date: the merchant API certificate, platform certificates. */
  readonly expiries: readonly { readonly what: string; readonly validTo: Date }[];
  /** `"retired": true` in the file: retired from the start, as a merchant a reload removed is (see MerchantRegistry). */
  readonly retired?: boolean;
}

/** What the console and the admin API show of a merchant. */
export interface MerchantHealth {
  readonly account: MerchantAccount;
  readonly state: 'available' | 'unavailable' | 'retired';
  readonly problems: readonly string[];
  readonly expiries: readonly { readonly what: string; readonly validTo: Date }[];
  /** When one of its gateway calls last returned (every answer a gateway returns has had its signature verified). */
  readonly lastAnswerAt?: Date;
  /** When a callback last verified for it. */
  readonly lastNotifyAt?: Date;
}

interface Activity {
  lastAnswerAt?: Date;
  lastNotifyAt?: Date;
}

const GATEWAY_CALLS = [
  'createPrepay',
  'queryOrder',
  'closeOrder',
  'refund',
  'queryRefund',
  'billedPayments',
  'refundBill',
  'fundFlowBill',
] as const satisfies readonly (keyof PaymentGateway)[];

/**
 * The configured merchants, each with its gateway and its notify verifier. Configured by the environment (one
 * merchant, `default`), they are looked up in the container by the merchant's id (named bindings of
 * TOKENS.MerchantGateway and TOKENS.MerchantNotifyVerifier), as Medusa looks a payment provider up by its id. Configured
 * by the merchants file, they are built (merchant-set.ts) and replaced as a whole at a reload: a merchant the new file
 * no longer names is retired, not dropped, so its orders stay reconcilable and refundable for the process's life while
 * it opens no new ones; a merchant the file marks `"retired": true` is retired the same way from the start, which
 * survives a restart (the durable form of a removal); a merchant whose credentials failed is unavailable (every call
 * for it throws MerchantUnavailableError, a 503 naming it) and the others serve.
 */
export class MerchantRegistry implements PaymentGateways, Merchants {
  private accounts: readonly MerchantAccount[];
  private built: ReadonlyMap<MerchantId, BuiltMerchant> | undefined;
  private readonly retired = new Map<MerchantId, BuiltMerchant>();
  private readonly wrapped = new WeakMap<object, { gateway?: PaymentGateway; verifier?: NotifyVerifier }>();
  private readonly activity = new Map<MerchantId, Activity>();
  /** idOf's index: the configured, then the retired accounts of each mch_id and sub_mch_id (rebuilt at a reload). */
  private byMchKey: ReadonlyMap<string, readonly MerchantAccount[]> = new Map();
  /** The same merchants by mch_id alone (partner mode: every sub-merchant of a provider). */
  private byMchId: ReadonlyMap<string, readonly MerchantId[]> = new Map();

  constructor(
    private readonly container: Container,
    accounts: readonly MerchantAccount[],
    built?: readonly BuiltMerchant[],
    private readonly now: () => Date = () => new Date(),
  ) {
    if (built === undefined) {
      this.accounts = accounts;
      this.built = undefined;
      this.index();
    } else {
      this.accounts = [];
      this.built = new Map();
      this.replace(built);
    }
  }

  /** Every merchant with orders this process may still act on: the configured ones, then the retired ones. */
  get merchantIds(): readonly MerchantId[] {
    return [...this.accounts.map((a) => a.id), ...this.retired.keys()];
  }

  /** The merchants currently configured (retired ones excluded). */
  get configured(): readonly MerchantAccount[] {
    return this.accounts;
  }

  forMerchant(merchantId: MerchantId): PaymentGateway {
    const built = this.builtOf(merchantId);
    if (!built) {
      accountOf(this.accounts, merchantId);
      return this.watched(merchantId, this.container.get(TOKENS.MerchantGateway, { name: merchantId }));
    }
    if (!built.gateway) throw new MerchantUnavailableError(merchantId, 'credentials');
    return this.watched(merchantId, built.gateway);
  }

  assertSells(merchantId: MerchantId): void {
    const built = this.builtOf(merchantId);
    if (!built) {
      accountOf(this.accounts, merchantId);
      return;
    }
    const retired = this.retired.get(merchantId);
    if (retired) throw new MerchantUnavailableError(merchantId, retired.retired === true ? 'retired' : 'removed');
    if (!built.gateway) throw new MerchantUnavailableError(merchantId, 'credentials');
  }

  notifyVerifierOf(merchantId: MerchantId): NotifyVerifier {
    const built = this.builtOf(merchantId);
    if (!built) {
      accountOf(this.accounts, merchantId);
      return this.listening(merchantId, this.container.get(TOKENS.MerchantNotifyVerifier, { name: merchantId }));
    }
    return built.verifier ? this.listening(merchantId, built.verifier) : refusingVerifier(merchantId);
  }

  /**
   * The merchant is its mch_id, and in partner mode the provider's sp_mchid with the merchant's sub_mch_id (one
   * provider serves many merchants); the appid must then be one of that merchant's mini-programs. Retired merchants
   * are still ours: their late notices settle their own orders.
   */
  idOf(account: MerchantIdentity): MerchantId | undefined {
    // Every callback asks: by index, not a scan of every merchant (a deployment may have hundreds).
    return this.byMchKey.get(mchKey(account))?.find((a) => a.appId === account.appId || (a.appIds ?? []).includes(account.appId))?.id;
  }

  /** The merchants (configured, then retired) whose mch_id this is: in partner mode, the provider's sub-merchants. */
  merchantIdsOf(mchId: string): readonly MerchantId[] {
    return this.byMchId.get(mchId) ?? [];
  }

  /**
   * A reload: the new merchants replace the configured ones. One the new set no longer names is retired (its gateway
   * kept, new prepays refused), and so is one it marks retired (with the credentials it gives now); one it names
   * again, not retired, is configured again. `retired` lists the merchants that were configured and no longer are.
   */
  replace(next: readonly BuiltMerchant[]): { readonly added: MerchantId[]; readonly retired: MerchantId[]; readonly kept: MerchantId[] } {
    const selling = next.filter((b) => b.retired !== true);
    const ids = new Set(selling.map((b) => b.account.id));
    const previous = this.built ?? new Map<MerchantId, BuiltMerchant>();
    const retired: MerchantId[] = [];
    for (const [id, old] of previous) {
      if (ids.has(id)) continue;
      retired.push(id);
      this.retired.set(id, retire(old));
    }
    for (const b of next) if (b.retired === true) this.retired.set(b.account.id, retire(b));
    for (const id of ids) this.retired.delete(id);
    this.built = new Map(selling.map((b) => [b.account.id, b]));
    this.accounts = selling.map((b) => b.account);
    this.index();
    return { added: [...ids].filter((id) => !previous.has(id)), retired, kept: [...ids].filter((id) => previous.has(id)) };
  }

  health(): MerchantHealth[] {
    const of = (account: MerchantAccount, state: MerchantHealth['state'], built?: BuiltMerchant): MerchantHealth => {
      const activity = this.activity.get(account.id) ?? {};
      return {
        account,
        state,
        problems: built?.problems ?? [],
        expiries: built?.expiries ?? [],
        ...(activity.lastAnswerAt ? { lastAnswerAt: activity.lastAnswerAt } : {}),
        ...(activity.lastNotifyAt ? { lastNotifyAt: activity.lastNotifyAt } : {}),
      };
    };
    return [
      ...this.accounts.map((a) => {
        const built = this.built?.get(a.id);
        return of(a, built && !built.gateway ? 'unavailable' : 'available', built);
      }),
      ...[...this.retired.values()].map((r) => of(r.account, 'retired', r)),
    ];
  }

  private index(): void {
    const byMchKey = new Map<string, MerchantAccount[]>();
    const byMchId = new Map<string, MerchantId[]>();
    const add = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
      const list = map.get(key);
      if (list) list.push(value);
      else map.set(key, [value]);
    };
    for (const account of [...this.accounts, ...[...this.retired.values()].map((r) => r.account)]) {
      add(byMchKey, mchKey(account), account);
      add(byMchId, account.mchId, account.id);
    }
    this.byMchKey = byMchKey;
    this.byMchId = byMchId;
  }

  private builtOf(merchantId: MerchantId): BuiltMerchant | undefined {
    if (this.built === undefined) return undefined;
    const found = this.built.get(merchantId) ?? this.retired.get(merchantId);
    if (!found) throw new UnknownMerchantError(merchantId);
    return found;
  }

  /** The gateway, noting when each of its calls returns (its answers are verified before they are returned). */
  private watched(merchantId: MerchantId, gateway: PaymentGateway): PaymentGateway {
    const cached = this.wrapped.get(gateway);
    if (cached?.gateway) return cached.gateway;
    // The method is looked up at each call, not once: a test double may have its methods replaced later.
    const overrides: Record<string, unknown> = {};
    for (const method of GATEWAY_CALLS) {
      overrides[method] = async (...args: unknown[]) => {
        const result: unknown = await (gateway[method] as (...a: unknown[]) => Promise<unknown>).apply(gateway, args);
        this.note(merchantId).lastAnswerAt = this.now();
        return result;
      };
    }
    const watched = decorate(gateway, overrides as Partial<PaymentGateway>);
    this.wrapped.set(gateway, { ...cached, gateway: watched });
    return watched;
  }

  /** The verifier, noting when a callback verifies. */
  private listening(merchantId: MerchantId, verifier: NotifyVerifier): NotifyVerifier {
    const cached = this.wrapped.get(verifier);
    if (cached?.verifier) return cached.verifier;
    const noted = <T extends { ok: boolean }>(verdict: T): T => {
      if (verdict.ok) this.note(merchantId).lastNotifyAt = this.now();
      return verdict;
    };
    const listening: NotifyVerifier = {
      payment: async (callback) => noted(await verifier.payment(callback)),
      refund: async (callback) => noted(await verifier.refund(callback)),
    };
    this.wrapped.set(verifier, { ...cached, verifier: listening });
    return listening;
  }

  private note(merchantId: MerchantId): Activity {
    let activity = this.activity.get(merchantId);
    if (!activity) this.activity.set(merchantId, (activity = {}));
    return activity;
  }
}

/** A merchant's numbers: its mch_id (partner mode: the provider's) and its sub_mch_id. */
const mchKey = (account: MerchantIdentity): string => `${account.mchId}/${account.subMchId ?? ''}`;

/** A removed or retired merchant: everything about its existing orders still works; a new prepay is refused. */
function retire(merchant: BuiltMerchant): BuiltMerchant {
  if (!merchant.gateway) return merchant;
  const id = merchant.account.id;
  const why = merchant.retired === true ? 'retired' : 'removed';
  return {
    ...merchant,
    gateway: decorate(merchant.gateway, { createPrepay: () => Promise.reject(new MerchantUnavailableError(id, why)) }),
  };
}

/** An unavailable merchant verifies nothing: its callbacks are refused (WeChat retries them until it is back). */
function refusingVerifier(merchantId: MerchantId): NotifyVerifier {
  const refused = { reason: 'merchantUnavailable', detail: `merchant ${merchantId} is unavailable: its credentials did not check out` };
  return { payment: () => Promise.resolve(err(refused)), refund: () => Promise.resolve(err(refused)) };
}

/** The account of that merchant; throws UnknownMerchantError for a merchant not configured here. */
export function accountOf(accounts: readonly MerchantAccount[], merchantId: MerchantId): MerchantAccount {
  const account = accounts.find((a) => a.id === merchantId);
  if (!account) throw new UnknownMerchantError(merchantId);
  return account;
}
