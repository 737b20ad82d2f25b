import { DEFAULT_MERCHANT_ID, type MerchantId } from './merchant.js';

/**
 * Which shops (merchants) a console operator answers for. A platform operator holds every shop, present and future; a
 * shop operator only the merchants granted to them (possibly none: then they see nothing). Roles say what an operator
 * may do; the scope says to whose orders, refunds, goods, users and audit lines.
 */
export type ShopScope = { readonly kind: 'platform' } | { readonly kind: 'shops'; readonly merchantIds: readonly MerchantId[] };

export const PLATFORM: ShopScope = { kind: 'platform' };

/** A scope of exactly these merchants, each once, sorted (so equal scopes compare equal). */
export const shopsScope = (merchantIds: Iterable<MerchantId>): ShopScope => ({
  kind: 'shops',
  merchantIds: [...new Set(merchantIds)].sort(),
});

export const coversMerchant = (scope: ShopScope, merchantId: MerchantId): boolean =>
  scope.kind === 'platform' || scope.merchantIds.includes(merchantId);

/**
 * What a query is narrowed to: undefined for every merchant, else the merchants (an empty list matches nothing).
 * Storage adapters take this, never a scope, so "no filter" is spelled one way.
 */
export const merchantFilterOf = (scope: ShopScope): readonly MerchantId[] | undefined =>
  scope.kind === 'platform' ? undefined : scope.merchantIds;

/** Our merchant ids: a slug of a-z 0-9 and -, at most 32 characters (the order's merchant_id column). */
export const isMerchantId = (value: unknown): value is MerchantId => typeof value === 'string' && /^[a-z0-9-]{1,32}$/.test(value);

/**
 * The merchant whose goods and users these are. Goods and users belong to a mini-program, and a mini-program sells
 * through one merchant; until goods and users carry their mini-program (issue 20's migration 14), every one of them
 * is the default mini-program's, so the default merchant's. The one place that changes when they do.
 */
export const catalogueMerchant = (): MerchantId => DEFAULT_MERCHANT_ID;
