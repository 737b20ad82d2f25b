import type { MerchantId } from './merchant.js';

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
 * Whether the scope holds a thing of this merchant, when it belongs to one: what belongs to no merchant we know (a
 * mini-program taken out of the configuration) is the platform's.
 */
export const coversMerchantOf = (scope: ShopScope, merchantId: MerchantId | undefined): boolean =>
  scope.kind === 'platform' || (merchantId !== undefined && scope.merchantIds.includes(merchantId));
